import DroverSim
import Foundation
import Testing

/// Per-subscription budgets (token buckets on the simulator's clock) and the seeded fault plan.
@Suite struct ThrottlingAndFaultTests {
    @Test func writesBeyondTheBudgetGet429WithRetryAfterAndRecover() async throws {
        try await SimHarness.run(throttling: ThrottleBudget(readsPerHour: 100, writesPerHour: 3, deletesPerHour: 10)) { sim in
            var remaining: [String] = []
            for index in 0..<3 {
                let reply = try await sim.arm("PUT", "resourcegroups/rg\(index)", apiVersion: SimHarness.resources, body: ["location": "eastus"])
                #expect(reply.status == 201)
                remaining.append(reply.header("x-ms-ratelimit-remaining-subscription-writes") ?? "")
            }
            #expect(remaining == ["2", "1", "0"])
            let throttled = try await sim.arm("PUT", "resourcegroups/rg3", apiVersion: SimHarness.resources, body: ["location": "eastus"])
            #expect(throttled.status == 429)
            let wait = try #require(Int(throttled.header("Retry-After") ?? ""))
            #expect(wait == 1200)
            let read = try await sim.arm("GET", "resourcegroups/rg0", apiVersion: SimHarness.resources)
            #expect(read.status == 200)
            #expect(read.header("x-ms-ratelimit-remaining-subscription-reads") == "99")
            sim.clock.advance(by: Double(wait))
            #expect(try await sim.arm("PUT", "resourcegroups/rg3", apiVersion: SimHarness.resources, body: ["location": "eastus"]).status == 201)
        }
    }

    /// The same seed gives the same faults; 429s carry Retry-After; dropped connections fail the request.
    @Test func faultPlanIsSeededAndDeterministic() async throws {
        let plan = try FaultPlan(parsing: "429=0.2,500=0.2,drop=0.1")
        func statuses() async throws -> [Int] {
            try await SimHarness.run(faults: plan) { sim in
                let token = try await sim.bearer()
                var seen: [Int] = []
                for _ in 0..<30 {
                    do {
                        let reply = try await sim.arm("GET", "resourcegroups/rg1", apiVersion: SimHarness.resources, token: token)
                        if reply.status == 429 { #expect(reply.header("Retry-After") != nil) }
                        seen.append(reply.status)
                    } catch {
                        seen.append(0)
                    }
                }
                return seen
            }
        }
        let first = try await statuses()
        #expect(first == (try await statuses()))
        #expect(Set(first).isSuperset(of: [0, 404, 429, 500]))
    }

    @Test(arguments: [("", FaultPlan()), ("429=0.05,500=10%,drop=0.01,fail=0.02", FaultPlan(throttle: 0.05, serverError: 0.1, drop: 0.01, failOperation: 0.02))])
    func faultPlanParses(_ spec: String, _ plan: FaultPlan) throws {
        #expect(try FaultPlan(parsing: spec) == plan)
    }

    @Test func badFaultPlanSaysWhatIsValid() {
        #expect(throws: SimulatorError.self) { try FaultPlan(parsing: "429=2") }
        #expect((try? FaultPlan(parsing: "teapot=0.1")) == nil)
    }

    @Test func failedOperationsEndFailed() async throws {
        try await SimHarness.run(faults: FaultPlan(failOperation: 1)) { sim in
            try await sim.createGroup()
            let put = try await sim.arm("PUT", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network, body: ["location": "eastus"])
            let operation = try #require(put.header("Azure-AsyncOperation"))
            sim.clock.advance(by: 30)
            let status = try await sim.poll(operation)
            #expect(status.body?["status"]?.string == "Failed")
            #expect(status.body?.at("error.code")?.string != nil)
            #expect(try await sim.arm("GET", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network)
                .body?.at("properties.provisioningState")?.string == "Failed")
        }
    }
}

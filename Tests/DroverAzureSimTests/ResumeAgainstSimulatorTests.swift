import DroverAzure
import DroverEngine
import DroverSim
import DroverTestSupport
import Foundation
import Testing

/// A run stopped while polling a long-running operation, then run again, polls the recorded operation and never
/// sends the PUT or DELETE twice: checked from the simulator's own request log.
@Suite struct ResumeAgainstSimulatorTests {
    static let group: ResourceAddress = "azure.resource_group/k8s"
    static let nsg: ResourceAddress = "azure.network_security_group/k8s"

    static let configuration = Configuration([
        DesiredResource(group, inputs: ["name": "drover-resume", "location": "eastus2"]),
        DesiredResource(nsg, inputs: [
            "name": "resume-nsg", "resourceGroup": .reference(OutputReference(group, "name")), "location": "eastus2",
            "rules": [["name": "ssh", "priority": 100, "protocol": "Tcp", "destinationPortRanges": ["22"], "sourceAddressPrefix": "*"]],
        ]),
    ])

    /// Azure time stands still on the simulator's manual clock until the test moves it; the engine waits on its own.
    struct Rig {
        let folder: URL
        let simulator: AzureSimulator
        let simClock = DroverSim.ManualClock()
        let store = InMemoryStateStore()
        var variables: [String: String] = [:]

        init() async throws {
            folder = try temporaryDirectory()
            simulator = try AzureSimulator(configuration: .init(
                directory: folder.appendingPathComponent("sim"), timeScale: 1, throttling: nil, clock: simClock))
            let endpoints = try await simulator.start()
            variables = [
                "AZURE_TENANT_ID": endpoints.tenantId, "AZURE_CLIENT_ID": endpoints.clientId,
                "AZURE_CLIENT_SECRET": endpoints.clientSecret, "AZURE_SUBSCRIPTION_ID": endpoints.subscriptionId,
                "ARM_METADATA_HOSTNAME": endpoints.armHost, "DROVER_CA_FILE": endpoints.caFile,
            ]
        }

        /// One run of `mode` on a fresh engine (as a new `drover` process would be), with its own session.
        func run(_ mode: PlanMode, stopOn method: String? = nil) async throws -> ApplyResult {
            var registry = ProviderRegistry()
            let session = AzureProvider.register(into: &registry, environment: AzureEnvironment(variables: variables))
            let clock = DroverTestSupport.ManualClock()
            let engine = Engine(registry: registry, store: store, parallelism: 4, clock: clock)
            let stop = StopSignal()
            let plan = try await engine.plan(ResumeAgainstSimulatorTests.configuration, mode: mode)
            let run = Task { try await engine.apply(plan, stop: stop) }
            let sentBefore = count(method)
            // Drive the engine clock: each time the run sleeps (a poll interval), move it on; when the NSG's request
            // has gone out and the handler sleeps on its operation, raise the stop instead.
            let driver = Task {
                while !Task.isCancelled {
                    await clock.waitForSleepers(2)
                    if let method, count(method) > sentBefore {
                        stop.raise()
                        return
                    }
                    clock.advance(30)
                    simClock.advance(by: 30)
                }
            }
            let result = try await run.value
            driver.cancel()
            clock.advance(3600)  // wakes the driver's wait if it is still parked
            try? await session.shutdown()
            return result
        }

        func count(_ method: String?) -> Int {
            simulator.requestLog.all.filter { $0.method == method && $0.path.lowercased().contains("networksecuritygroups/resume-nsg") }.count
        }

        func stop() async {
            await simulator.stop()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    @Test func stoppedPutAndDeleteAreResumedNotResent() async throws {
        let rig = try await Rig()
        do {
            let stopped = try await rig.run(.apply, stopOn: "PUT")
            #expect(stopped.notStarted.contains(Self.nsg))
            let pending = try await rig.store.load().pendingOperations[Self.nsg]
            #expect(pending?.kind == .create && pending?.resumeToken != nil)
            let resumed = try await rig.run(.apply)
            let ok = resumed.succeeded
            #expect(ok, "\(resumed.failures)")
            #expect(rig.count("PUT") == 1)

            let stoppedDelete = try await rig.run(.destroy, stopOn: "DELETE")
            #expect(stoppedDelete.notStarted.contains(Self.nsg))
            let finished = try await rig.run(.destroy)
            let deleted = finished.succeeded
            #expect(deleted, "\(finished.failures)")
            #expect(rig.count("DELETE") == 1)
        } catch {
            await rig.stop()
            throw error
        }
        await rig.stop()
    }
}

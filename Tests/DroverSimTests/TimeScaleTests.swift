import DroverSim
import Foundation
import Testing

/// One time-scale factor multiplies every simulated duration (0.01 = a hundred times faster; 0 = instant).
@Suite struct TimeScaleTests {
    func vmState(timeScale: Double, after seconds: Double) async throws -> (String?, String?) {
        let clock = ManualClock()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-sim-scale-\(UUID().uuidString)")
        let simulator = try AzureSimulator(configuration: .init(directory: folder, timeScale: timeScale, clock: clock))
        defer { try? FileManager.default.removeItem(at: folder) }
        let endpoints = try await simulator.start()
        let sim = SimHarness(simulator: simulator, endpoints: endpoints, client: try SimHarness.makeClient(caFile: endpoints.caFile), clock: clock, directory: folder)
        do {
            try await sim.createNetwork()
            try await sim.put(sim.networkPath("networkInterfaces", "nic1"), SimHarness.network, sim.nicBody(address: "10.0.1.10"))
            let put = try await sim.arm("PUT", sim.vmPath("vm1"), apiVersion: SimHarness.compute, body: sim.linuxVMBody(nic: "nic1"))
            clock.advance(by: seconds)
            let state = try await sim.arm("GET", sim.vmPath("vm1"), apiVersion: SimHarness.compute).body?.at("properties.provisioningState")?.string
            await sim.shutdown()
            return (state, put.header("Retry-After"))
        } catch {
            await sim.shutdown()
            throw error
        }
    }

    @Test(arguments: [
        (1.0, 30.0, "Creating"), (1.0, 61.0, "Succeeded"),
        (0.01, 0.3, "Creating"), (0.01, 0.61, "Succeeded"),
        (0.0, 0.0, "Succeeded"),
    ])
    func linuxVMProvisioningFollowsTheScale(_ scale: Double, _ seconds: Double, _ expected: String) async throws {
        let (state, retryAfter) = try await vmState(timeScale: scale, after: seconds)
        #expect(state == expected)
        // Retry-After is in real seconds: the scaled poll interval, and 0 when nothing is left to wait for.
        #expect(retryAfter == (scale == 1 ? "10" : scale == 0 ? "0" : "1"))
    }
}

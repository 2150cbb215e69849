import DroverSim
import Foundation
import Testing

/// The world outlives the process: a simulator restarted on the same folder holds what was created.
@Suite struct PersistenceTests {
    @Test func restartedSimulatorKeepsResourcesCredentialsAndOperationsInFlight() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-sim-persist-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let clock = ManualClock()
        let first = try await SimHarness.start(directory: folder, clock: clock)
        let operation: String
        do {
            try await first.createNetwork()
            try await first.put(first.networkPath("networkInterfaces", "nic1"), SimHarness.network, first.nicBody(address: "10.0.1.10"))
            let vm = try await first.arm("PUT", first.vmPath("vm1"), apiVersion: SimHarness.compute, body: first.linuxVMBody(nic: "nic1"))
            operation = try #require(vm.header("Azure-AsyncOperation"))
            await first.shutdown(keep: true)
        } catch {
            await first.shutdown(keep: true)
            throw error
        }
        for file in ["world.json", "ca.pem", "ca-key.pem"] {
            let mode = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(file).path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }

        let second = try await SimHarness.start(directory: folder, clock: clock)
        do {
            #expect(second.endpoints.subscriptionId == first.endpoints.subscriptionId)
            #expect(second.endpoints.clientSecret == first.endpoints.clientSecret)
            #expect(try String(contentsOfFile: second.endpoints.caFile, encoding: .utf8) == String(contentsOfFile: first.endpoints.caFile, encoding: .utf8))
            let ip = try await second.arm("GET", second.networkPath("publicIPAddresses", "ip1"), apiVersion: SimHarness.network)
            #expect(ip.status == 200)
            // The restarted simulator takes its old ports again, so the operation URL a client kept still works,
            // and the operation started before the restart continues on the same clock.
            #expect(second.endpoints.armURL == first.endpoints.armURL)
            let moved = operation
            #expect(try await second.poll(moved).body?["status"]?.string == "InProgress")
            clock.advance(by: 120)
            #expect(try await second.poll(moved).body?["status"]?.string == "Succeeded")
            #expect(try await second.arm("GET", second.vmPath("vm1"), apiVersion: SimHarness.compute).body?.at("properties.provisioningState")?.string == "Succeeded")
            await second.shutdown()
        } catch {
            await second.shutdown()
            throw error
        }
    }
}

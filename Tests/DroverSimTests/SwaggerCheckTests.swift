import DroverSim
import DroverTestSupport
import Foundation
import Testing

/// scripts/checks/swagger-validate.py over the simulator's own request log: every body the simulator accepted or
/// answered matches Microsoft's definition for its operation, with no property absent from it.
@Suite struct SwaggerCheckTests {
    static func check(_ log: URL) throws -> (status: Int32, output: String) { try ProjectChecks.swaggerValidate(log) }

    /// A whole cluster's worth of traffic: every resource type, each LRO pattern, Graph, role assignment, errors.
    static func traffic(into log: URL) async throws {
        try await SimHarness.run(requestLogFile: log) { sim in
            try await sim.createNetwork()
            _ = try await sim.arm("GET", "resourcegroups/rg1", apiVersion: SimHarness.resources)
            _ = try await sim.arm("PATCH", "resourcegroups/rg1", apiVersion: SimHarness.resources, body: ["tags": ["a": "b"]])
            for (type, name) in [("networkSecurityGroups", "nsg1"), ("virtualNetworks", "vnet1"), ("publicIPAddresses", "ip1")] {
                _ = try await sim.arm("GET", sim.networkPath(type, name), apiVersion: SimHarness.network)
                _ = try await sim.arm("PATCH", sim.networkPath(type, name), apiVersion: SimHarness.network, body: ["tags": ["a": "b"]])
            }
            _ = try await sim.arm("GET", "providers/Microsoft.Network/locations/eastus/CheckDnsNameAvailability", apiVersion: SimHarness.network, query: "domainNameLabel=x-y")
            try await sim.put(sim.networkPath("networkInterfaces", "nic1"), SimHarness.network, sim.nicBody(address: "10.0.1.10", publicIP: "ip1"))
            try await sim.put(sim.networkPath("networkInterfaces", "nic2"), SimHarness.network, sim.nicBody(address: "10.0.1.11"))
            _ = try await sim.arm("GET", sim.networkPath("networkInterfaces", "nic1"), apiVersion: SimHarness.network)
            let vm = try await sim.arm("PUT", sim.vmPath("vm1"), apiVersion: SimHarness.compute, body: sim.linuxVMBody(nic: "nic1", customData: "I2Nsb3VkLWNvbmZpZwo="))
            _ = try await sim.poll(vm.header("Azure-AsyncOperation") ?? "")
            try await sim.put(sim.vmPath("win1"), SimHarness.compute, sim.windowsVMBody(nic: "nic2"))
            _ = try await sim.arm("GET", sim.vmPath("vm1"), apiVersion: SimHarness.compute)
            _ = try await sim.arm("GET", sim.vmPath("vm1") + "/instanceView", apiVersion: SimHarness.compute)
            try await sim.put(sim.vmPath("vm1") + "/extensions/join", SimHarness.compute, ["location": "eastus", "properties": [
                "publisher": "Microsoft.Azure.Extensions", "type": "CustomScript", "typeHandlerVersion": "2.0", "autoUpgradeMinorVersion": true,
                "protectedSettings": ["commandToExecute": "sh join.sh"]]])
            _ = try await sim.arm("GET", sim.vmPath("vm1") + "/extensions/join", apiVersion: SimHarness.compute, query: "$expand=instanceView")
            let app = try await sim.graph("POST", "/applications", body: ["displayName": "drover-cluster"])
            _ = try await sim.graph("GET", "/applications?$filter=displayName%20eq%20'drover-cluster'")
            sim.clock.advance(by: 10)
            let principal = try await sim.graph("POST", "/servicePrincipals", body: ["appId": app.body?["appId"] ?? .null])
            _ = try await sim.graph("POST", "/applications/\(app.body?["id"]?.string ?? "")/addPassword", body: ["passwordCredential": ["displayName": "drover"]])
            sim.clock.advance(by: 30)
            _ = try await sim.arm("PUT", "resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments/6f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0",
                                  apiVersion: SimHarness.authorization, body: ["properties": [
                                      "roleDefinitionId": .string("/subscriptions/\(sim.endpoints.subscriptionId)/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"),
                                      "principalId": principal.body?["id"] ?? .null, "principalType": "ServicePrincipal"]])
            _ = try await sim.arm("GET", sim.networkPath("publicIPAddresses", "absent"), apiVersion: SimHarness.network)
            _ = try await sim.arm("DELETE", sim.vmPath("vm1"), apiVersion: SimHarness.compute)
            _ = try await sim.arm("DELETE", "resourcegroups/rg1", apiVersion: SimHarness.resources)
        }
    }

    @Test func ownTrafficHasZeroViolations() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("drover-swagger-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: log) }
        try await Self.traffic(into: log)
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 40)
        let result = try Self.check(log)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains(" 0 findings"), "\(result.output)")

        // The check can fail: an accepted body with a wrong type and an undeclared property is reported.
        let bad = RequestLogEntry(service: "arm", method: "PUT",
                                  path: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n",
                                  apiVersion: "2024-03-01",
                                  requestBody: ["location": "eastus", "invented": 1, "properties": ["securityRules": [["name": "r", "properties": ["priority": "high"]]]]],
                                  status: 201, responseBody: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        handle.write(try JSONEncoder().encode(bad) + Data("\n".utf8))
        try handle.close()
        let failing = try Self.check(log)
        #expect(failing.status == 1)
        #expect(failing.output.contains("invented is not in the definition"), "\(failing.output)")
        #expect(failing.output.contains("properties.securityRules.0.properties.priority"), "\(failing.output)")
    }

    /// Secrets never reach the request log (common brief).
    @Test func requestLogHoldsNoSecrets() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("drover-secrets-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: log) }
        try await SimHarness.run(requestLogFile: log) { sim in
            try await sim.createNetwork()
            try await sim.put(sim.networkPath("networkInterfaces", "nic2"), SimHarness.network, sim.nicBody(address: "10.0.1.11"))
            try await sim.put(sim.vmPath("win1"), SimHarness.compute, sim.windowsVMBody(nic: "nic2"))
            let app = try await sim.graph("POST", "/applications", body: ["displayName": "x"])
            let secret = try await sim.graph("POST", "/applications/\(app.body?["id"]?.string ?? "")/addPassword", body: ["passwordCredential": [:]])
            let text = try String(contentsOf: log, encoding: .utf8)
            #expect(!text.contains("Xy7!kL9#mQ2$pR4w"))
            #expect(!text.contains(try #require(secret.body?["secretText"]?.string)))
            #expect(!text.contains(sim.endpoints.clientSecret))
            #expect(text.contains("REDACTED"))
            let mode = try FileManager.default.attributesOfItem(atPath: log.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }
}

import DroverSim
import Foundation
import Testing

/// ARM's protocol: api-version, errors, request ids, case-insensitive ids, the three long-running-operation patterns.
@Suite struct ArmProtocolTests {
    /// Missing or unsupported api-version (azure-api.md §0: mandatory; openapi/README.md: one version per provider).
    @Test(arguments: [
        ("resourcegroups/rg1", nil as String?, "MissingApiVersionParameter"),
        ("resourcegroups/rg1", "2024-11-01", "InvalidApiVersionParameter"),
        ("resourceGroups/rg1/providers/Microsoft.Network/publicIPAddresses/ip1", "2024-07-01", "NoRegisteredProviderFound"),
        ("resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1", "2024-11-01", "NoRegisteredProviderFound"),
        ("resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments/0a0b0c0d-0000-4000-8000-000000000001", "2020-04-01-preview", "NoRegisteredProviderFound"),
    ])
    func apiVersionIsRequiredAndChecked(_ path: String, _ version: String?, _ code: String) async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            let reply = try await sim.arm("GET", path, apiVersion: version)
            #expect(reply.status == 400)
            #expect(reply.errorCode == code)
            #expect(reply.body?.at("error.message")?.string?.isEmpty == false)
            #expect(reply.header("x-ms-request-id") != nil)
        }
    }

    @Test func resourceGroupCreateReadUpdateDelete() async throws {
        try await SimHarness.run { sim in
            let created = try await sim.createGroup()
            #expect(created.status == 201)
            #expect(created.body?["id"]?.string == sim.id("resourceGroups/rg1"))
            #expect(created.body?.at("properties.provisioningState")?.string == "Succeeded")
            #expect(try await sim.createGroup().status == 200)
            // Ids are case-insensitive (azure-api.md §11.14).
            let read = try await sim.arm("GET", "RESOURCEGROUPS/RG1", apiVersion: SimHarness.resources)
            #expect(read.status == 200)
            #expect(read.body?["name"]?.string == "rg1")
            let patched = try await sim.arm("PATCH", "resourcegroups/rg1", apiVersion: SimHarness.resources, body: ["tags": ["owner": "drover"]])
            #expect(patched.status == 200)
            #expect(patched.body?.at("tags.owner")?.string == "drover")
            let moved = try await sim.arm("PUT", "resourcegroups/rg1", apiVersion: SimHarness.resources, body: ["location": "westus"])
            #expect(moved.status == 409)

            // DELETE: 202 + Location, 202 while running, then 200 (azure-api.md §4).
            let deleted = try await sim.arm("DELETE", "resourcegroups/rg1", apiVersion: SimHarness.resources)
            #expect(deleted.status == 202)
            let location = try #require(deleted.header("Location"))
            #expect(Int(deleted.header("Retry-After") ?? "") != nil)
            #expect(try await sim.poll(location).status == 202)
            sim.clock.advance(by: 60)
            #expect(try await sim.poll(location).status == 200)
            let gone = try await sim.arm("GET", "resourcegroups/rg1", apiVersion: SimHarness.resources)
            #expect(gone.status == 404)
            #expect(gone.errorCode == "ResourceGroupNotFound")
        }
    }

    @Test func errorBodiesHaveCodeMessageAndDetails() async throws {
        try await SimHarness.run { sim in
            let missing = try await sim.arm("GET", sim.networkPath("publicIPAddresses", "nope", group: "absent"), apiVersion: SimHarness.network)
            #expect(missing.status == 404)
            #expect(missing.errorCode == "ResourceGroupNotFound")
            #expect(missing.body?.at("error.details")?.array != nil)
            try await sim.createGroup()
            let absent = try await sim.arm("GET", sim.networkPath("publicIPAddresses", "nope"), apiVersion: SimHarness.network)
            #expect(absent.status == 404)
            #expect(absent.errorCode == "ResourceNotFound")
            #expect(try await sim.arm("DELETE", sim.networkPath("publicIPAddresses", "nope"), apiVersion: SimHarness.network).status == 204)
        }
    }

    /// Network PUT: 201 + Azure-AsyncOperation, status InProgress → Succeeded on the clock; provisioningState follows.
    @Test func asyncOperationPatternForAPut() async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            let put = try await sim.arm("PUT", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network, body: ["location": "eastus"])
            #expect(put.status == 201)
            // Network's provisioning state while creating is Updating (network.json ProvisioningState has no Creating).
            #expect(put.body?.at("properties.provisioningState")?.string == "Updating")
            let operation = try #require(put.header("Azure-AsyncOperation"))
            #expect(operation.contains("/providers/Microsoft.Network/locations/eastus/operations/"))
            #expect(operation.contains("api-version=\(SimHarness.network)"))
            #expect(Int(put.header("Retry-After") ?? "") ?? 0 >= 1)
            #expect(try await sim.poll(operation).body?["status"]?.string == "InProgress")
            sim.clock.advance(by: 30)
            let done = try await sim.poll(operation)
            #expect(done.status == 200)
            #expect(done.body?["status"]?.string == "Succeeded")
            let read = try await sim.arm("GET", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network)
            #expect(read.body?.at("properties.provisioningState")?.string == "Succeeded")
            let update = try await sim.arm("PUT", sim.networkPath("networkSecurityGroups", "NSG1"), apiVersion: SimHarness.network, body: ["location": "eastus"])
            #expect(update.status == 200)
            #expect(update.body?.at("properties.provisioningState")?.string == "Updating")
        }
    }

    /// Network DELETE: 202 + Location …/operationResults/{id} (example PublicIPAddresses_Delete.json): 202, then 200.
    @Test func locationPatternForADelete() async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            _ = try await sim.arm("PUT", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network, body: ["location": "eastus"])
            sim.clock.advance(by: 30)
            let deleted = try await sim.arm("DELETE", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network)
            #expect(deleted.status == 202)
            let location = try #require(deleted.header("Location"))
            #expect(location.contains("/operationResults/"))
            #expect(try await sim.arm("GET", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network)
                .body?.at("properties.provisioningState")?.string == "Deleting")
            let running = try await sim.poll(location)
            #expect(running.status == 202)
            #expect(running.header("Location") != nil)
            sim.clock.advance(by: 30)
            #expect(try await sim.poll(location).status == 200)
            #expect(try await sim.arm("GET", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network).status == 404)
        }
    }

    /// The provisioningState pattern: GET the resource until it is terminal.
    @Test func provisioningStatePatternOnGet() async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            _ = try await sim.arm("PUT", sim.networkPath("publicIPAddresses", "ip1"), apiVersion: SimHarness.network,
                                  body: ["location": "eastus", "sku": ["name": "Standard"], "properties": ["publicIPAllocationMethod": "Static"]])
            var states: [String] = []
            for _ in 0..<3 {
                states.append(try await sim.arm("GET", sim.networkPath("publicIPAddresses", "ip1"), apiVersion: SimHarness.network)
                    .body?.at("properties.provisioningState")?.string ?? "")
                sim.clock.advance(by: 4)
            }
            #expect(states == ["Updating", "Updating", "Succeeded"])
        }
    }
}

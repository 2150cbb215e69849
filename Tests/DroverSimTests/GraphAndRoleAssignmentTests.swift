import DroverSim
import Foundation
import Testing

/// Microsoft Graph applications, service principals and secrets; role assignments and the replication delay.
@Suite struct GraphAndRoleAssignmentTests {
    static let contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c"

    func roleBody(_ sim: SimHarness, principal: String) -> JSONValue {
        ["properties": ["roleDefinitionId": .string("/subscriptions/\(sim.endpoints.subscriptionId)/providers/Microsoft.Authorization/roleDefinitions/\(Self.contributor)"),
                        "principalId": .string(principal), "principalType": "ServicePrincipal"]]
    }

    @Test func applicationServicePrincipalAndSecretLifecycle() async throws {
        try await SimHarness.run { sim in
            let app = try await sim.graph("POST", "/applications", body: ["displayName": "drover-cluster"])
            #expect(app.status == 201)
            let objectID = try #require(app.body?["id"]?.string)
            let appID = try #require(app.body?["appId"]?.string)
            #expect(objectID != appID)
            #expect(try await sim.graph("GET", "/applications/\(objectID)").body?["displayName"]?.string == "drover-cluster")
            let found = try await sim.graph("GET", "/applications?$filter=displayName%20eq%20'drover-cluster'")
            #expect(found.body?["value"]?.array?.compactMap { $0["id"]?.string } == [objectID])
            #expect(try await sim.graph("GET", "/applications?$filter=displayName%20eq%20'other'").body?["value"]?.array?.isEmpty == true)

            // Right after the application, its service principal is refused until the app replicates (azure-api.md §8.4).
            let early = try await sim.graph("POST", "/servicePrincipals", body: ["appId": .string(appID)])
            #expect(early.status == 400)
            #expect(early.body?.at("error.code")?.string == "Request_BadRequest")
            sim.clock.advance(by: 10)
            let principal = try await sim.graph("POST", "/servicePrincipals", body: ["appId": .string(appID)])
            #expect(principal.status == 201)
            #expect(principal.body?["appId"]?.string == appID)

            let secret = try await sim.graph("POST", "/applications/\(objectID)/addPassword",
                                             body: ["passwordCredential": ["displayName": "drover", "endDateTime": "2030-01-01T00:00:00Z"]])
            #expect(secret.status == 200)
            let text = try #require(secret.body?["secretText"]?.string)
            let keyID = try #require(secret.body?["keyId"]?.string)
            #expect(secret.body?["hint"]?.string == String(text.prefix(3)))
            // secretText is returned once only (azure-api.md §8.3).
            let again = try await sim.graph("GET", "/applications/\(objectID)")
            #expect(again.body?["passwordCredentials"]?.array?.first?["secretText"] == .null)
            let rendered = String(decoding: again.body?.encoded() ?? Data(), as: UTF8.self)
            #expect(!rendered.contains(text))
            // The new secret logs in once the principal has replicated.
            sim.clock.advance(by: 30)
            #expect(try await sim.token(clientId: appID, secret: text).status == 200)
            #expect(try await sim.graph("POST", "/applications/\(objectID)/removePassword", body: ["keyId": .string(keyID)]).status == 204)
            #expect(try await sim.token(clientId: appID, secret: text).status == 401)

            let unknown = try await sim.graph("POST", "/applications", body: ["displayName": "x", "notAProperty": true])
            #expect(unknown.status == 400)
            #expect(try await sim.graph("DELETE", "/applications/\(objectID)").status == 204)
            #expect(try await sim.graph("GET", "/applications/\(objectID)").status == 404)
            #expect(try await sim.graph("GET", "/servicePrincipals?$filter=appId%20eq%20'\(appID)'").body?["value"]?.array?.isEmpty == true)
        }
    }

    @Test func principalNotFoundDuringReplicationThenCreatedThenExists() async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            let app = try await sim.graph("POST", "/applications", body: ["displayName": "drover-cluster"])
            sim.clock.advance(by: 10)
            let principal = try await sim.graph("POST", "/servicePrincipals", body: ["appId": app.body?["appId"] ?? .null])
            let principalID = try #require(principal.body?["id"]?.string)
            let name = "6f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"
            let path = "resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments/\(name)"
            let early = try await sim.arm("PUT", path, apiVersion: SimHarness.authorization, body: roleBody(sim, principal: principalID))
            #expect(early.status == 400)
            #expect(early.errorCode == "PrincipalNotFound")
            sim.clock.advance(by: 30)
            let created = try await sim.arm("PUT", path, apiVersion: SimHarness.authorization, body: roleBody(sim, principal: principalID))
            #expect(created.status == 201)
            #expect(created.body?.at("properties.scope")?.string == sim.id("resourceGroups/rg1"))
            #expect(created.body?.at("properties.roleDefinitionId")?.string == "/providers/Microsoft.Authorization/roleDefinitions/\(Self.contributor)")
            #expect(try await sim.arm("PUT", path, apiVersion: SimHarness.authorization, body: roleBody(sim, principal: principalID)).status == 200)
            var asUser = roleBody(sim, principal: principalID)
            asUser.set("properties.principalType", "User")
            #expect(try await sim.arm("PUT", path, apiVersion: SimHarness.authorization, body: asUser).errorCode == "UnmatchedPrincipalType")
            let other = "resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments/0a0b0c0d-0000-4000-8000-000000000001"
            let duplicate = try await sim.arm("PUT", other, apiVersion: SimHarness.authorization, body: roleBody(sim, principal: principalID))
            #expect(duplicate.status == 409)
            #expect(duplicate.errorCode == "RoleAssignmentExists")
            let listed = try await sim.arm("GET", "resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments", apiVersion: SimHarness.authorization,
                                           query: "$filter=principalId%20eq%20'\(principalID)'")
            #expect(listed.body?["value"]?.array?.count == 1)
            #expect(try await sim.arm("GET", path, apiVersion: SimHarness.authorization).status == 200)
            #expect(try await sim.arm("DELETE", path, apiVersion: SimHarness.authorization).status == 200)
            #expect(try await sim.arm("GET", path, apiVersion: SimHarness.authorization).status == 404)
            #expect(try await sim.arm("DELETE", path, apiVersion: SimHarness.authorization).status == 204)
        }
    }
}

/// A principal other than the pre-registered owner acts only where a role assignment lets it.
@Suite struct AuthorizationTests {
    @Test func newPrincipalNeedsARoleAssignment() async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            try await sim.createGroup("other")
            let app = try await sim.graph("POST", "/applications", body: ["displayName": "cloud-provider"])
            let appID = try #require(app.body?["appId"]?.string)
            sim.clock.advance(by: 10)
            let principal = try await sim.graph("POST", "/servicePrincipals", body: ["appId": .string(appID)])
            let secret = try await sim.graph("POST", "/applications/\(app.body?["id"]?.string ?? "")/addPassword", body: ["passwordCredential": [:]])
            sim.clock.advance(by: 30)
            let token = try #require(try await sim.token(clientId: appID, secret: secret.body?["secretText"]?.string).body?["access_token"]?.string)
            let denied = try await sim.arm("GET", "resourcegroups/rg1", apiVersion: SimHarness.resources, token: token)
            #expect(denied.status == 403)
            #expect(denied.errorCode == "AuthorizationFailed")
            #expect(denied.body?.at("error.message")?.string?.contains("'Microsoft.Resources/subscriptions/resourceGroups/read'") == true)
            _ = try await sim.arm("PUT", "resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments/6f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0",
                                  apiVersion: SimHarness.authorization, body: ["properties": [
                                      "roleDefinitionId": .string("/subscriptions/\(sim.endpoints.subscriptionId)/providers/Microsoft.Authorization/roleDefinitions/\(GraphAndRoleAssignmentTests.contributor)"),
                                      "principalId": principal.body?["id"] ?? .null, "principalType": "ServicePrincipal"]])
            #expect(try await sim.arm("GET", "resourcegroups/rg1", apiVersion: SimHarness.resources, token: token).status == 200)
            #expect(try await sim.arm("PUT", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network, body: ["location": "eastus"], token: token).status == 201)
            // Contributor on rg1 only: not the other group, and no role assignments.
            #expect(try await sim.arm("GET", "resourcegroups/other", apiVersion: SimHarness.resources, token: token).status == 403)
            let grant = try await sim.arm("PUT", "resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments/0a0b0c0d-0000-4000-8000-000000000001",
                                          apiVersion: SimHarness.authorization, body: ["properties": [
                                              "roleDefinitionId": .string("/providers/Microsoft.Authorization/roleDefinitions/\(GraphAndRoleAssignmentTests.contributor)"),
                                              "principalId": principal.body?["id"] ?? .null]], token: token)
            #expect(grant.status == 403)
        }
    }
}

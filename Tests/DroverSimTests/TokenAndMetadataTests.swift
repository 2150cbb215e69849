import DroverSim
import Foundation
import Testing

/// The Entra ID token endpoint and ARM's metadata document.
@Suite struct TokenAndMetadataTests {
    @Test func clientCredentialsGrantIssuesABearerTokenThatARMAccepts() async throws {
        try await SimHarness.run { sim in
            let reply = try await sim.token()
            #expect(reply.status == 200)
            #expect(reply.body?["token_type"]?.string == "Bearer")
            #expect(reply.body?["expires_in"]?.int == 3599)
            let token = try #require(reply.body?["access_token"]?.string)
            #expect(try await sim.createGroup(token: token).status == 201)
            #expect(reply.header("x-ms-request-id") != nil)
        }
    }

    /// AADSTS-style errors (azure-api.md §1.1, §8.4; peers.md AADSTS700016).
    @Test(arguments: [
        ("wrong secret", nil as String?, "not-the-secret" as String?, "https://management.azure.com/.default", 401, "invalid_client", 7000215),
        ("unknown client", "11111111-2222-4333-8444-555555555555", nil, "https://management.azure.com/.default", 400, "unauthorized_client", 700016),
        ("bad scope", nil, nil, "https://management.azure.com/user_impersonation", 400, "invalid_scope", 70011),
        ("two scopes", nil, nil, "https://management.azure.com/.default https://graph.microsoft.com/.default", 400, "invalid_scope", 70011),
    ])
    func wrongCredentialsGetAADSTSErrors(_ label: String, _ client: String?, _ secret: String?, _ scope: String,
                                         _ status: Int, _ error: String, _ code: Int) async throws {
        try await SimHarness.run { sim in
            let reply = try await sim.token(scope: scope, clientId: client, secret: secret)
            #expect(reply.status == status, "\(label)")
            #expect(reply.body?["error"]?.string == error, "\(label)")
            #expect(reply.body?["error_codes"]?.array?.first?.int == Int64(code), "\(label)")
            #expect(reply.body?["error_description"]?.string?.hasPrefix("AADSTS\(code):") == true, "\(label)")
            #expect(reply.body?["access_token"] == nil)
        }
    }

    /// Scopes built from the metadata audiences (`{audience}/.default`, so `…//.default`) are accepted too.
    @Test(arguments: ["https://management.core.windows.net//.default", "https://management.azure.com/.default", "https://management.azure.com//.default"])
    func audienceScopesAreAccepted(_ scope: String) async throws {
        try await SimHarness.run { sim in
            let reply = try await sim.token(scope: scope)
            #expect(reply.status == 200)
            let token = try #require(reply.body?["access_token"]?.string)
            #expect(try await sim.createGroup(token: token).status == 201)
        }
    }

    @Test func tokensExpireOnTheSimulatorClock() async throws {
        try await SimHarness.run { sim in
            let token = try await sim.bearer()
            #expect(try await sim.createGroup(token: token).status == 201)
            sim.clock.advance(by: 3600)
            let expired = try await sim.arm("GET", "resourcegroups/rg1", apiVersion: SimHarness.resources, token: token)
            #expect(expired.status == 401)
            #expect(expired.errorCode == "ExpiredAuthenticationToken")
            #expect(try await sim.arm("GET", "resourcegroups/rg1", apiVersion: SimHarness.resources).status == 200)
        }
    }

    @Test func armRefusesAGraphTokenAndAMissingOne() async throws {
        try await SimHarness.run { sim in
            let graphToken = try await sim.bearer(scope: "https://graph.microsoft.com/.default")
            let wrong = try await sim.arm("GET", "resourcegroups/rg1", apiVersion: SimHarness.resources, token: graphToken)
            #expect(wrong.status == 401)
            #expect(wrong.errorCode == "InvalidAuthenticationTokenAudience")
            let none = try await sim.send("GET", url: sim.endpoints.armURL + "/subscriptions/\(sim.endpoints.subscriptionId)/resourcegroups/rg1?api-version=2021-04-01")
            #expect(none.status == 401)
            #expect(none.errorCode == "AuthenticationFailed")
            #expect(none.header("x-ms-request-id") != nil)
            #expect(none.header("x-ms-ratelimit-remaining-subscription-reads") != nil)
        }
    }

    /// The document a custom-cloud client (ARM_METADATA_HOSTNAME) reads: login endpoint, Graph, audiences.
    @Test func metadataEndpointsNameLoginGraphAndAudiences() async throws {
        try await SimHarness.run { sim in
            let current = try await sim.send("GET", url: sim.endpoints.armURL + "/metadata/endpoints?api-version=2022-09-01")
            #expect(current.status == 200)
            let cloud = try #require(current.body?.array?.first)
            #expect(cloud.at("authentication.loginEndpoint")?.string == sim.endpoints.loginURL + "/")
            #expect(cloud.at("authentication.audiences")?.array?.contains("https://management.azure.com/") == true)
            #expect(cloud["resourceManager"]?.string == sim.endpoints.armURL + "/")
            #expect(cloud["graph"]?.string == sim.endpoints.graphURL + "/")
            let legacy = try await sim.send("GET", url: sim.endpoints.armURL + "/metadata/endpoints?api-version=2015-01-01")
            #expect(legacy.body?.at("authentication.loginEndpoint")?.string == sim.endpoints.loginURL + "/")
            #expect(legacy.body?["graphEndpoint"]?.string == sim.endpoints.graphURL + "/")
            // Paths stay per service: the token endpoint is not on the ARM listener.
            let misplaced = try await sim.send("POST", url: "\(sim.endpoints.armURL)/\(sim.endpoints.tenantId)/oauth2/v2.0/token", body: Data("grant_type=client_credentials".utf8))
            #expect(misplaced.status != 200)
        }
    }
}

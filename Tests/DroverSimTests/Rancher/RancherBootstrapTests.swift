import DroverSim
import Foundation
import Testing

/// Both bootstrap flows (rancher-api.md §1.2, §1.3), from fresh and again on a bootstrapped, restarted server.
@Suite struct RancherBootstrapTests {
    /// 2.3: admin/admin, setpassword, an API token, settings; after a restart the new password and the token still
    /// work and admin/admin does not (no reset).
    @Test func legacyFlowFromFreshAndAgainAfterRestart() async throws {
        let first = try await RancherHarness.start(version: "2.3.11", bootstrapPassword: nil)
        #expect(first.endpoints.initialPassword == "admin")
        let ping = try await first.send("GET", "/ping")
        #expect(ping.status == 200 && ping.text == "pong")
        // No /v1-public/login before 2.13: Go's 404, so clients fall back.
        #expect(try await first.send("POST", "/v1-public/login", body: ["type": "localProvider", "username": "admin", "password": "admin"]).status == 404)
        #expect(try await first.send("GET", "/v3/settings/first-login").json?["value"]?.string == "true")
        let session = try await first.login(password: "admin")
        let me = try await first.send("GET", "/v3/users?me=true", token: session)
        let admin = try #require(me.json?["data"]?.array?.first)
        #expect(admin["mustChangePassword"]?.bool == true)
        #expect(admin["me"]?.bool == true)
        let adminId = try #require(admin["id"]?.string)
        let set = try await first.send("POST", "/v3/users/\(adminId)?action=setpassword", body: ["newPassword": "changed-pass"], token: session)
        #expect(set.status == 200)
        #expect(set.json?["mustChangePassword"]?.bool == false)
        #expect(try await first.send("GET", "/v3/settings/first-login").json?["value"]?.string == "false")
        let created = try await first.send("POST", "/v3/tokens", body: ["type": "token", "description": "automation", "ttl": 0], token: session)
        #expect(created.status == 201)
        let apiToken = try #require(created.json?["token"]?.string)
        let tokenId = try #require(created.json?["id"]?.string)
        #expect(apiToken.hasPrefix(tokenId + ":"))
        #expect(try await first.send("PUT", "/v3/settings/server-url", body: ["value": "https://rancher-x.eastus2.cloudapp.azure.com"], token: apiToken).status == 200)
        #expect(try await first.send("PUT", "/v3/settings/telemetry-opt", body: ["value": "out"], token: apiToken).status == 200)
        await first.shutdown(keep: true)

        // Again, on the same folder: nothing was reset.
        let again = try await RancherHarness.start(version: "2.3.11", bootstrapPassword: nil, directory: first.directory)
        let refused = try await again.send("POST", "/v3-public/localProviders/local?action=login", body: ["username": "admin", "password": "admin"])
        #expect(refused.status == 401)
        #expect(refused.code == "Unauthorized" && refused.message == "authentication failed")
        #expect(refused.json?["type"]?.string == "error")
        _ = try await again.login(password: "changed-pass")
        let stored = try await again.send("GET", "/v3/tokens/\(tokenId)", token: apiToken)
        #expect(stored.status == 200)
        #expect(stored.json?["expired"]?.bool == false)
        #expect(stored.json?["token"] == nil, "the secret is shown only at creation")
        let tokens = try await again.send("GET", "/v3/tokens", token: apiToken)
        #expect(tokens.json?["data"]?.array?.filter { $0["isDerived"]?.bool == true }.count == 1, "one API token, not a duplicate")
        #expect(try await again.send("GET", "/v3/settings/server-url", token: apiToken).json?["value"]?.string == "https://rancher-x.eastus2.cloudapp.azure.com")
        await again.shutdown()
    }

    /// 2.13: the bootstrap password on `/v1-public/login` (which needs `"type":"localProvider"`), settings that
    /// are gone answer 404, the password policy applies.
    @Test func currentFlowWithBootstrapPassword() async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let untyped = try await rancher.send("POST", "/v1-public/login", body: ["username": "admin", "password": "bootstrap-password-1"])
            #expect(untyped.status == 422 && untyped.code == "InvalidBodyContent")
            let wrong = try await rancher.send("POST", "/v1-public/login", body: ["type": "localProvider", "username": "admin", "password": "admin"])
            #expect(wrong.status == 401 && wrong.code == "Unauthorized")
            let login = try await rancher.send("POST", "/v1-public/login",
                                               body: ["type": "localProvider", "username": "admin", "password": "bootstrap-password-1", "ttl": 60000])
            #expect(login.status == 201)
            let token = try #require(login.json?["token"]?.string)
            #expect(login.json?["type"]?.string == "token")
            // The login ttl is ignored: 960 minutes (rancher-api.md §1.2).
            #expect(login.json?["ttl"]?.int == Int64(960 * 60_000))
            let me = try await rancher.send("GET", "/v3/users?me=true", token: token)
            #expect(me.json?["data"]?.array?.first?["mustChangePassword"]?.bool == false)
            #expect(try await rancher.send("GET", "/v3/settings/telemetry-opt", token: token).status == 404)
            #expect(try await rancher.send("PUT", "/v3/settings/telemetry-opt", body: ["value": "out"], token: token).status == 404)
            #expect(try await rancher.send("GET", "/v3/settings/eula-agreed", token: token).status == 200)
            let adminId = try #require(me.json?["data"]?.array?.first?["id"]?.string)
            let short = try await rancher.send("POST", "/v3/users/\(adminId)?action=setpassword", body: ["newPassword": "short"], token: token)
            #expect(short.status == 422 && short.message == "Password must be at least 12 characters")
            // The v3 login still exists on 2.13.
            _ = try await rancher.login(password: "bootstrap-password-1")
        }
    }

    /// 2.6–2.12 take the bootstrap password on `/v3-public` only; a missing setting is a 404, an unauthenticated
    /// call a 401 in norman's shape.
    @Test func bootstrapPasswordOnV3BeforeV1PublicLogin() async throws {
        try await RancherHarness.run(version: "2.8.5") { rancher in
            #expect(try await rancher.send("POST", "/v1-public/login", body: ["type": "localProvider", "username": "admin", "password": "bootstrap-password-1"]).status == 404)
            #expect(try await rancher.send("POST", "/v3-public/localProviders/local?action=login", body: ["username": "admin", "password": "admin"]).status == 401)
            let token = try await rancher.login(password: "bootstrap-password-1")
            #expect(try await rancher.send("GET", "/v3/settings/telemetry-opt", token: token).json?["value"]?.string == "prompt")
            let anonymous = try await rancher.send("GET", "/v3/clusters")
            #expect(anonymous.status == 401)
            #expect(anonymous.json?["type"]?.string == "error" && anonymous.code == "Unauthorized")
            // cacerts is readable without a token.
            #expect(try await rancher.send("GET", "/v3/settings/cacerts").json?["value"]?.string == rancher.endpoints.caPEM)
        }
    }

    /// The world file holds no password or token in clear and is readable by its owner only.
    @Test func worldFileIsPrivateAndHoldsHashes() async throws {
        let rancher = try await RancherHarness.start(version: "2.13.1")
        let token = try await rancher.login(password: "bootstrap-password-1")
        let world = rancher.directory.appendingPathComponent("world.json")
        let text = try String(contentsOf: world, encoding: .utf8)
        #expect(!text.contains("bootstrap-password-1"))
        #expect(!text.contains(String(token.split(separator: ":")[1])))
        let mode = try FileManager.default.attributesOfItem(atPath: world.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        await rancher.shutdown()
    }
}

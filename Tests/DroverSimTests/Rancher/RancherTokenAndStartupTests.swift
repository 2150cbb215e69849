import DroverSim
import Foundation
import Testing

/// Token lifetimes (rancher-api.md §6.5) and a server that answers 503 while it starts (peers.md P6).
@Suite struct RancherTokenAndStartupTests {
    @Test func expiredTokenIsRefused() async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let session = try await rancher.login(password: "bootstrap-password-1")
            let short = try await rancher.send("POST", "/v3/tokens", body: ["type": "token", "ttl": 60_000], token: session)
            let token = try #require(short.json?["token"]?.string)
            #expect(try await rancher.send("GET", "/v3/clusters", token: token).status == 200)
            rancher.clock.advance(by: 61)
            let expired = try await rancher.send("GET", "/v3/clusters", token: token)
            #expect(expired.status == 401 && expired.code == "Unauthorized")
            // The session token (16 h) still works and sees the other one as expired.
            let id = try #require(short.json?["id"]?.string)
            #expect(try await rancher.send("GET", "/v3/tokens/\(id)", token: session).json?["expired"]?.bool == true)
        }
    }

    /// ttl 0 means "never" up to 2.7 and the 90-day maximum from 2.8 (ClampToMaxTTL).
    @Test(arguments: [("2.7.15", Int64(0)), ("2.8.5", Int64(129_600 * 60_000))])
    func zeroTTLIsClampedFrom28(version: String, expected: Int64) async throws {
        try await RancherHarness.run(version: version) { rancher in
            let session = try await rancher.login(password: "bootstrap-password-1")
            let created = try await rancher.send("POST", "/v3/tokens", body: ["type": "token", "ttl": 0], token: session)
            #expect(created.json?["ttl"]?.int == expected)
            #expect((created.json?["expiresAt"]?.string ?? "").isEmpty == (expected == 0))
        }
    }

    @Test func startingServerAnswers503ThenPong() async throws {
        try await RancherHarness.run(version: "2.13.1", startupUnavailable: 30) { rancher in
            let early = try await rancher.send("GET", "/ping")
            #expect(early.status == 503)
            #expect(try await rancher.send("GET", "/v3/settings/cacerts").status == 503)
            rancher.clock.advance(by: 31)
            let ready = try await rancher.send("GET", "/ping")
            #expect(ready.status == 200 && ready.text == "pong")
        }
    }

    /// Basic auth with URL-safe base64 and the R_SESS cookie are accepted too (rancher-api.md conventions).
    @Test func basicAndCookieCredentials() async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            let basic = Data(token.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(try await rancher.send("GET", "/v3/users", headers: ["Authorization": "Basic \(basic)"]).status == 200)
            #expect(try await rancher.send("GET", "/v3/users", headers: ["Cookie": "R_SESS=\(token)"]).status == 200)
            #expect(try await rancher.send("GET", "/v3/users", headers: ["Cookie": "R_SESS=\(token)x"]).status == 401)
        }
    }
}

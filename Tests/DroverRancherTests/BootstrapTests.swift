@testable import DroverRancher
import DroverEngine
import DroverHTTPTestSupport
import Foundation
import Testing

/// rancher.bootstrap against a fake Rancher: both flows from fresh, reruns on a bootstrapped server, an expired
/// token, a user-changed password (rancher-api.md §1.2–§1.5).
@Suite struct BootstrapTests {
    /// Both flows from a fresh server: the version decides the login endpoint and whether telemetry-opt exists.
    @Test(arguments: [
        (flow: "admin-admin", minor: 3, initial: "admin", loginPath: "/v3-public/localProviders/local", telemetry: true),
        (flow: "bootstrap-password", minor: 6, initial: "bootstrap-pw-123456", loginPath: "/v3-public/localProviders/local", telemetry: true),
        (flow: "bootstrap-password", minor: 14, initial: "bootstrap-pw-123456", loginPath: "/v1-public/login", telemetry: false),
    ])
    func freshServer(flow: String, minor: Int, initial: String, loginPath: String, telemetry: Bool) async throws {
        let rancher = FakeRancher { $0.minor = minor; $0.adminPassword = initial }
        try await withRancher(rancher: rancher) { fx in
            let inputs = bootstrapInputs(flow: flow, ca: fx.ca.certificatePEM)
            let out = try await fx.bootstrap().create(inputs, context: fx.context())
            let requests = fx.server.requests
            #expect(out.url == RancherFixture.url)
            #expect(out.token.hasPrefix("\(out.tokenId):"))
            #expect(out.adminUserId == "user-admin")
            rancher.with { s in
                #expect(s.adminPassword == inputs.adminPassword)
                #expect(s.setPasswordCalls == 1)
                #expect(s.settings["server-url"] == RancherFixture.url)
                #expect(s.settings["telemetry-opt"] == (telemetry ? "out" : "prompt"))
                // Exactly one token is left: the API token; the login token is deleted.
                #expect(s.tokens.keys.sorted() == [out.tokenId])
            }
            // A successful login went to the endpoint this version has, with bearer auth afterwards and never Basic.
            let logins = requests.filter { $0.path.contains("login") || $0.path.contains("localProviders") }
            #expect(logins.contains { $0.path == loginPath })
            if minor < 13 { #expect(logins.first?.path == "/v1-public/login") }  // tried first, 404, then fell back
            #expect(requests.allSatisfy { !($0.header("Authorization") ?? "").hasPrefix("Basic") })
            let setPassword = try #require(requests.first { $0.query("action") == "setpassword" })
            #expect(setPassword.path == "/v3/users/user-admin")
            #expect(setPassword.json?["newPassword"] as? String == inputs.adminPassword)
            let tokenRequest = try #require(requests.first { $0.method == "POST" && $0.path == "/v3/tokens" })
            #expect(tokenRequest.json?["type"] as? String == "token")
            #expect(tokenRequest.json?["ttl"] as? Int == 0)
            // The server was awaited: DNS satisfied by the override, TCP, TLS, then pong three times in a row.
            #expect(fx.progress.messages.contains { $0.contains("DNS satisfied by DROVER_CONNECT_TO") })
            #expect(fx.progress.messages.contains { $0.contains("pong 3 times in a row") })
            #expect(rancher.with { $0.pings } >= 4)
        }
    }

    /// A rerun with the stored token: no login, no password change, no new token.
    @Test func rerunWithStoredTokenChangesNothing() async throws {
        let rancher = FakeRancher { $0.adminPassword = "bootstrap-pw-123456" }
        try await withRancher(rancher: rancher) { fx in
            let inputs = bootstrapInputs(ca: fx.ca.certificatePEM)
            let first = try await fx.bootstrap().create(inputs, context: fx.context())
            let before = fx.server.requests.count
            let again = try await fx.bootstrap().update(from: inputs, to: inputs, prior: first, context: fx.context(.update))
            #expect(again == first)
            let rerun = fx.server.requests.dropFirst(before)
            #expect(!rerun.contains { $0.path.contains("login") || $0.path.contains("localProviders") })
            #expect(!rerun.contains { $0.method == "POST" && $0.path == "/v3/tokens" })
            rancher.with { s in
                #expect(s.setPasswordCalls == 1)
                #expect(s.tokens.count == 1)
            }
            #expect(try await fx.bootstrap().read(inputs, prior: first, context: fx.context(.read))?.outputs == first)
        }
    }

    /// Lost state on a bootstrapped server: logs in with the admin password, sets no password, and ends with one
    /// Drover token (the earlier run's, whose secret is lost, is removed).
    @Test func bootstrappedServerWithoutStateLogsInWithAdminPassword() async throws {
        let rancher = FakeRancher { $0.adminPassword = "bootstrap-pw-123456" }
        try await withRancher(rancher: rancher) { fx in
            let inputs = bootstrapInputs(ca: fx.ca.certificatePEM)
            let lost = try await fx.bootstrap().create(inputs, context: fx.context())
            let out = try await fx.bootstrap().create(inputs, context: fx.context())
            #expect(out.tokenId != lost.tokenId)
            rancher.with { s in
                #expect(s.setPasswordCalls == 1)
                #expect(s.tokens.keys.sorted() == [out.tokenId])
            }
            #expect(fx.progress.messages.contains { $0.contains("logged in as admin with the admin password") })
        }
    }

    /// An expired token: read reports it gone; update logs in again, replaces it and deletes the old one.
    @Test func expiredTokenIsReplaced() async throws {
        let rancher = FakeRancher { $0.adminPassword = "bootstrap-pw-123456" }
        try await withRancher(rancher: rancher) { fx in
            let inputs = bootstrapInputs(ca: fx.ca.certificatePEM)
            let first = try await fx.bootstrap().create(inputs, context: fx.context())
            rancher.with { $0.tokens[first.tokenId]?.expired = true }
            #expect(try await fx.bootstrap().read(inputs, prior: first, context: fx.context(.read)) == nil)
            let replaced = try await fx.bootstrap().update(from: inputs, to: inputs, prior: first, context: fx.context(.update))
            #expect(replaced.tokenId != first.tokenId)
            rancher.with { s in
                #expect(s.tokens.keys.sorted() == [replaced.tokenId])
                #expect(s.setPasswordCalls == 1)
            }
            #expect(fx.progress.messages.contains { $0.contains("expired or was revoked") })
        }
    }

    /// A password someone changed is never reset: the run stops and says what to do.
    @Test func changedPasswordIsNotReset() async throws {
        let rancher = FakeRancher { $0.adminPassword = "someone-else-chose-this" }
        try await withRancher(rancher: rancher) { fx in
            let error = await #expect(throws: CodedError.self) {
                try await fx.bootstrap().create(bootstrapInputs(ca: fx.ca.certificatePEM), context: fx.context())
            }
            #expect(error?.code == "AdminPasswordChanged")
            #expect(error?.remediation?.contains("never resets") == true)
            #expect(rancher.with { $0.setPasswordCalls } == 0)
        }
    }
}

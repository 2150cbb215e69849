@testable import DroverRancher
import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
import DroverTestSupport
import Foundation
import NIOConcurrencyHelpers
import Testing

/// The staged wait for the server and TLS pinning: 503s for a while, a server that never answers, DNS that fails,
/// the right and the wrong pinned CA.
@Suite struct ServerWaitTests {
    /// 503 from the ingress for a while: the wait keeps polling on a ManualClock (no real sleep) until pong comes 3
    /// times in a row, and reports the stage with its elapsed time.
    @Test func waitsThrough503OnTheEngineClock() async throws {
        let rancher = FakeRancher { $0.unavailable = 4 }
        try await withRancher(rancher: rancher) { fx in
            let clock = ManualClock()
            let client = try await fx.session.client(RancherEndpoint(url: RancherFixture.url, caCertificate: fx.ca.certificatePEM))
            let wait = ServerWait(client: client, overrides: fx.session.environment.hostOverrides, interval: 5, timeout: 300)
            let context = fx.context(clock: clock)
            let done = NIOLockedValueBox(false)
            let task = Task {
                defer { done.withLockedValue { $0 = true } }
                try await wait.run(context: context)
            }
            while !done.withLockedValue({ $0 }) {
                if clock.sleeperCount > 0 { clock.advance(5) }
                await Task.yield()
            }
            try await task.value
            // The TLS probe's answer is the first 503 (any answer proves TLS); then 3 more 503s and 3 pongs, 5 s apart.
            #expect(rancher.with { $0.pings } == 4 + 3)
            #expect(clock.now() == 25)
            #expect(fx.progress.messages.contains { $0.contains("waiting for /ping") && $0.contains("503") })
            #expect(fx.progress.messages.contains { $0.contains("pong 3 times in a row after") })
        }
    }

    /// A server that accepts TCP and never speaks TLS: the timeout names the TLS stage and the last error.
    @Test func silentServerTimesOutInTheTLSStage() async throws {
        try await withRancher(silent: true, connectTimeout: 0.5) { fx in
            let error = await #expect(throws: CodedError.self) {
                try await fx.bootstrap(serverTimeout: 20).create(bootstrapInputs(ca: fx.ca.certificatePEM), context: fx.context())
            }
            #expect(error?.code == "Timeout")
            #expect(error?.message.contains("stage TLS") == true)
            #expect(error?.message.contains("last error:") == true)
        }
    }

    /// Nothing listens: the TCP stage times out, naming the refused connection.
    @Test func closedPortTimesOutInTheTCPStage() async throws {
        try await withRancher { fx in
            try await fx.server.stop()
            let error = await #expect(throws: CodedError.self) {
                try await fx.bootstrap(serverTimeout: 20).create(bootstrapInputs(ca: fx.ca.certificatePEM), context: fx.context())
            }
            #expect(error?.message.contains("stage TCP") == true)
            #expect(error?.message.contains("ConnectFailed") == true)
        }
    }

    /// Without a host override the name is resolved; a name that does not resolve fails in the DNS stage.
    @Test func unresolvableNameTimesOutInTheDNSStage() async throws {
        try await withRancher { fx in
            let client = try await fx.session.client(RancherEndpoint(url: "https://rancher.nowhere.test", caCertificate: fx.ca.certificatePEM))
            let probe = ScriptedProbe(resolveError: CodedError(code: "DNSFailed", message: "rancher.nowhere.test does not resolve: Name or service not known"))
            let wait = ServerWait(client: client, overrides: [], probe: probe, timeout: 30)
            let error = await #expect(throws: CodedError.self) { try await wait.run(context: fx.context()) }
            #expect(error?.message.contains("stage DNS") == true)
            #expect(error?.message.contains("Name or service not known") == true)
        }
    }

    /// Pinned to the CA that issued the server's certificate: accepted. Pinned to another CA: TLS refused, even though
    /// the right one is in DROVER_CA_FILE (pinning replaces every other trust root).
    @Test func pinnedCAIsTheOnlyTrustRoot() async throws {
        try await withRancher { fx in
            let right = try await fx.session.client(RancherEndpoint(url: RancherFixture.url, caCertificate: fx.ca.certificatePEM))
            #expect(String(decoding: try await right.sendOnce("GET", "/ping").body, as: UTF8.self) == "pong")

            let other = try TestCertificateAuthority(commonName: "Some Other CA")
            let caFile = try fx.ca.writeCertificateFile()
            defer { try? FileManager.default.removeItem(atPath: caFile) }
            var environment = fx.session.environment
            environment.extraCAFile = caFile
            // AsyncHTTPClient retries a failed handshake until the connect timeout and then reports the handshake's error.
            let session = RancherSession(environment: environment, connectTimeout: 3)
            defer { Task { try? await session.shutdown() } }
            let wrong = try await session.client(RancherEndpoint(url: RancherFixture.url, caCertificate: other.certificatePEM))
            let error = await #expect(throws: CodedError.self) { try await wrong.sendOnce("GET", "/ping") }
            #expect(error?.code == "TLSFailed")
            #expect(error?.remediation?.contains("pinned CA") == true)
            // Unpinned, the same session trusts DROVER_CA_FILE.
            let unpinned = try await session.client(RancherEndpoint(url: RancherFixture.url))
            #expect(try await unpinned.sendOnce("GET", "/ping").status == 200)
            try await session.shutdown()
        }
    }

    /// A pinned CA that is not PEM is refused before anything is sent.
    @Test func pinnedCAMustBePEM() async throws {
        let session = RancherSession(environment: RancherEnvironment(workingDirectory: FileManager.default.temporaryDirectory))
        let error = await #expect(throws: CodedError.self) { _ = try await session.transport(caCertificate: "not a certificate") }
        #expect(error?.code == "InvalidCACertificate")
    }

    /// The system probe resolves through the OS resolver (localhost from /etc/hosts) and names a name that fails.
    @Test func systemProbeResolves() async throws {
        let addresses = try await SystemNetworkProbe().resolve("localhost")
        #expect(addresses.contains("127.0.0.1") || addresses.contains("::1"))
        let error = await #expect(throws: CodedError.self) { _ = try await SystemNetworkProbe().resolve("no-such-host.invalid") }
        #expect(error?.code == "DNSFailed")
    }

    /// DROVER_CONNECT_TO: comma-separated overrides; a bad entry is named.
    @Test func connectToParses() throws {
        let parsed = try RancherEnvironment.hostOverrides("rancher.x.test:443:127.0.0.1:8443, k8s.x.test:6443:127.0.0.2")
        #expect(parsed == [
            HostOverride(host: "rancher.x.test", port: 443, address: "127.0.0.1", targetPort: 8443),
            HostOverride(host: "k8s.x.test", port: 6443, address: "127.0.0.2"),
        ])
        let error = #expect(throws: CodedError.self) { try RancherEnvironment.hostOverrides("rancher.x.test:443") }
        #expect(error?.message.hasPrefix("DROVER_CONNECT_TO: ") == true)
        #expect(try RancherEnvironment.hostOverrides(nil).isEmpty)
    }
}

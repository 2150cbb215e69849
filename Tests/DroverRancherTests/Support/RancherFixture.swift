@testable import DroverRancher
import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
import DroverTestSupport
import Foundation
import Logging
import NIOConcurrencyHelpers

/// A fake Rancher behind `https://rancher.example.test` (reached through a host override, as `DROVER_CONNECT_TO`
/// does) with a CA pinned, and handlers on a session pointed at it.
struct RancherFixture {
    static let host = "rancher.example.test"
    static let url = "https://rancher.example.test"

    let ca: TestCertificateAuthority
    let server: TestHTTPSServer
    let rancher: FakeRancher
    let session: RancherSession
    let clock = SkippingClock()
    let progress = ProgressLog()
    let workingDirectory: URL

    static func start(
        logger: Logger = Logger(label: "test"), rancher: FakeRancher = FakeRancher(), silent: Bool = false, home: URL? = nil,
        connectTimeout: Double = 5
    ) async throws -> RancherFixture {
        let ca = try TestCertificateAuthority()
        let server = try await TestHTTPSServer.start(ca: ca, hostnames: [host], silent: silent, respond: rancher.respond)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-rancher-\(UUID().uuidString)")
        let environment = RancherEnvironment(
            hostOverrides: [HostOverride(host: host, port: 443, address: "127.0.0.1", targetPort: server.port)],
            workingDirectory: folder.appendingPathComponent(".drover"), homeDirectory: home ?? folder.appendingPathComponent("home"), logger: logger)
        let session = RancherSession(environment: environment, retry: RetryPolicy(random: { 0.5 }), connectTimeout: connectTimeout)
        return RancherFixture(ca: ca, server: server, rancher: rancher, session: session, workingDirectory: folder)
    }

    /// A context on the skipping clock that records progress.
    func context(_ operation: OperationKind = .create, type: String = "rancher.test", clock: (any EngineClock)? = nil) -> OperationContext {
        let progress = self.progress
        return OperationContext(
            address: ResourceAddress(type: type, name: "x"), operation: operation, clock: clock ?? self.clock,
            report: { message, table in progress.append(message, table) })
    }

    func bootstrap(serverTimeout: Double = 600, probe: any NetworkProbe = SystemNetworkProbe()) -> BootstrapHandler {
        BootstrapHandler(session: session, probe: probe, serverTimeout: serverTimeout)
    }

    func stop() async throws {
        try await session.shutdown()
        try? await server.stop()  // a test may have stopped it already
        try? FileManager.default.removeItem(at: workingDirectory)
    }
}

/// Runs `body` with a fixture and stops it afterwards, even when the body throws.
/// `connectTimeout` is real time: short only where a test expects the connection to fail.
func withRancher<T>(
    logger: Logger = Logger(label: "test"), rancher: FakeRancher = FakeRancher(), silent: Bool = false, connectTimeout: Double = 5,
    _ body: (RancherFixture) async throws -> T
) async throws -> T {
    let fixture = try await RancherFixture.start(logger: logger, rancher: rancher, silent: silent, connectTimeout: connectTimeout)
    do {
        let result = try await body(fixture)
        try await fixture.stop()
        return result
    } catch {
        try? await fixture.stop()
        throw error
    }
}

/// Progress messages and tables a handler reported.
final class ProgressLog: Sendable {
    private let box = NIOLockedValueBox<[(message: String, table: ProgressTable?)]>([])
    var entries: [(message: String, table: ProgressTable?)] { box.withLockedValue { $0 } }
    var messages: [String] { entries.map(\.message) }
    func append(_ message: String, _ table: ProgressTable?) { box.withLockedValue { $0.append((message, table)) } }
}

/// A probe whose DNS answers are scripted (TCP goes to the real loopback socket).
struct ScriptedProbe: NetworkProbe {
    var resolveError: CodedError?
    func resolve(_ host: String) async throws -> [String] {
        if let resolveError { throw resolveError }
        return ["127.0.0.1"]
    }
    func connect(_ address: String, port: Int, timeout: Double) async throws {
        try await SystemNetworkProbe().connect(address, port: port, timeout: timeout)
    }
}

/// Bootstrap inputs for the fake server.
func bootstrapInputs(flow: String = "bootstrap-password", ca: String?) -> BootstrapHandler.Inputs {
    BootstrapHandler.Inputs(
        url: RancherFixture.url, flow: flow, bootstrapPassword: flow == "admin-admin" ? nil : "bootstrap-pw-123456",
        adminPassword: "Adm1n-Password-0f-Drover", loadBalancerIP: "20.1.2.3", caCertificate: ca)
}

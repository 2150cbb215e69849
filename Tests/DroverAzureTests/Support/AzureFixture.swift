@testable import DroverAzure
import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
import DroverTestSupport
import Foundation
import Logging
import NIOConcurrencyHelpers

/// A credential that hands out a fixed token.
struct StaticCredential: TokenCredential {
    var name = "static test token"
    func token(scope: String, sleep: @escaping HTTPTransport.Sleeper) async throws -> AccessToken {
        AccessToken(token: "test-token", expiresOn: Date().addingTimeInterval(3600))
    }
}

/// ARM and Graph clients pointed at a base URL (a scripted test server today; the simulator's `ARM_METADATA_HOSTNAME`
/// endpoint in end-to-end tests: only `base` and `caFile` change).
struct AzureFixture {
    let server: TestHTTPSServer
    let transport: HTTPTransport
    let session: AzureSession
    let arm: ARMClient
    let clock = SkippingClock()
    let tokens = TokenLog()
    let caFile: String

    static let subscription = "00000000-0000-0000-0000-000000000001"

    /// Starts a scripted server and clients pointed at it.
    static func start(logger: Logger = Logger(label: "test"), respond: @escaping @Sendable (RecordedRequest) -> ScriptedResponse) async throws -> AzureFixture {
        let ca = try TestCertificateAuthority()
        let server = try await TestHTTPSServer.start(ca: ca, respond: respond)
        let caFile = try ca.writeCertificateFile()
        let base = URL(string: "https://localhost:\(server.port)/")!
        let cloud = AzureCloud(name: "Test", loginEndpoint: base, resourceManager: base, graph: base.appendingPathComponent("graph/"))
        let transport = try HTTPTransport(configuration: TransportConfiguration(extraCAFile: caFile, retry: RetryPolicy(random: { 0.5 }), logger: logger))
        let credentials = CredentialChain([StaticCredential()])
        let arm = ARMClient(cloud: cloud, subscriptionId: subscription, transport: transport, credentials: credentials)
        let graph = GraphClient(cloud: cloud, transport: transport, credentials: credentials)
        let session = AzureSession(services: .init(arm: arm, graph: graph, credentials: credentials))
        return AzureFixture(server: server, transport: transport, session: session, arm: arm, caFile: caFile)
    }

    /// A context on the skipping clock that logs recorded resume tokens.
    func context(_ operation: OperationKind = .create, resumeToken: String? = nil, type: String = "azure.test") -> OperationContext {
        let server = self.server, tokens = self.tokens
        return OperationContext(
            address: ResourceAddress(type: type, name: "x"), operation: operation, resumeToken: resumeToken, clock: clock,
            recordResumeToken: { tokens.append($0, server.requests.count) })
    }

    func stop() async throws {
        try await transport.shutdown()
        try await server.stop()
        try? FileManager.default.removeItem(atPath: caFile)
    }
}

/// Runs `body` with a fixture and stops it afterwards.
func withAzure<T>(
    logger: Logger = Logger(label: "test"), respond: @escaping @Sendable (RecordedRequest) -> ScriptedResponse, _ body: (AzureFixture) async throws -> T
) async throws -> T {
    let fixture = try await AzureFixture.start(logger: logger, respond: respond)
    do {
        let result = try await body(fixture)
        try await fixture.stop()
        return result
    } catch {
        try? await fixture.stop()
        throw error
    }
}

/// Mutable state shared with a respond closure.
final class Shared<T: Sendable>: Sendable {
    private let box: NIOLockedValueBox<T>
    init(_ value: T) { box = NIOLockedValueBox(value) }
    func update<R>(_ body: (inout T) -> R) -> R { box.withLockedValue(body) }
    var value: T { box.withLockedValue { $0 } }
}

import DroverHTTP
import DroverHTTPTestSupport
import Foundation
import NIOConcurrencyHelpers

/// Records the delays a transport asked to sleep, without sleeping.
final class RecordingSleeper: Sendable {
    private let box = NIOLockedValueBox<[Double]>([])
    var delays: [Double] { box.withLockedValue { $0 } }
    var sleeper: HTTPTransport.Sleeper { { delay in self.box.withLockedValue { $0.append(delay) } } }
}

/// A counter shared with a server's respond closure.
final class Counter: Sendable {
    private let box = NIOLockedValueBox(0)
    func next() -> Int { box.withLockedValue { $0 += 1; return $0 } }
}

/// Starts a server, runs `body`, stops the server and the transport whatever happens.
func withServer<T>(
    ca: TestCertificateAuthority, hostnames: [String] = ["localhost"], silent: Bool = false,
    configure: (inout TransportConfiguration, _ port: Int, _ caFile: String) -> Void = { _, _, _ in },
    respond: @escaping @Sendable (RecordedRequest) -> ScriptedResponse,
    _ body: (TestHTTPSServer, HTTPTransport) async throws -> T
) async throws -> T {
    let server = try await TestHTTPSServer.start(ca: ca, hostnames: hostnames, silent: silent, respond: respond)
    let caFile = try ca.writeCertificateFile()
    var configuration = TransportConfiguration(extraCAFile: caFile, retry: RetryPolicy(random: { 0.5 }))
    configure(&configuration, server.port, caFile)
    let transport = try HTTPTransport(configuration: configuration)
    do {
        let result = try await body(server, transport)
        try await transport.shutdown()
        try await server.stop()
        try? FileManager.default.removeItem(atPath: caFile)
        return result
    } catch {
        try? await transport.shutdown()
        try? await server.stop()
        try? FileManager.default.removeItem(atPath: caFile)
        throw error
    }
}

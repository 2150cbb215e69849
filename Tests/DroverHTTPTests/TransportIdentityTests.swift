import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
import Foundation
import Testing

/// The additions for Kubernetes: a CA given as PEM text, client certificates, the explicit unverified opt-in and
/// streamed bodies.
@Suite struct TransportIdentityTests {
    let ca: TestCertificateAuthority
    init() throws { ca = try TestCertificateAuthority() }

    private func get(_ transport: HTTPTransport, _ port: Int) async throws -> HTTPResponse {
        try await transport.send(HTTPRequest(method: "GET", url: URL(string: "https://localhost:\(port)/")!), sleep: RecordingSleeper().sleeper)
    }

    @Test func caGivenAsTextIsTrusted() async throws {
        try await withServer(ca: ca, configure: { config, _, _ in config.extraCAFile = nil; config.extraCAPEM = ca.certificatePEM },
                             respond: { _ in .json(200, ["ok": true]) }) { server, transport in
            let response = try await get(transport, server.port)
            #expect(response.status == 200)
        }
    }

    @Test func caTextWithoutACertificateIsAClearError() {
        var configuration = TransportConfiguration()
        configuration.extraCAPEM = "not a certificate"
        let error = #expect(throws: CodedError.self) { _ = try HTTPTransport(configuration: configuration) }
        #expect(error?.code == "InvalidCAData")
    }

    @Test func clientCertificateIsPresentedWhenTheServerDemandsOne() async throws {
        let clientCA = try TestCertificateAuthority(commonName: "kube client CA")
        let issued = try clientCA.issueClient(commonName: "admin")
        let server = try await TestHTTPSServer.start(ca: ca, clientCA: clientCA) { _ in .json(200, ["ok": true]) }
        var withIdentity = TransportConfiguration(retry: RetryPolicy(maxAttempts: 1))
        withIdentity.extraCAPEM = ca.certificatePEM
        withIdentity.clientIdentity = ClientIdentity(certificatePEM: issued.certificatePEM, keyPEM: issued.keyPEM)
        var without = withIdentity
        without.clientIdentity = nil
        without.connectTimeout = 1
        let good = try HTTPTransport(configuration: withIdentity)
        let bad = try HTTPTransport(configuration: without)
        let accepted = try? await get(good, server.port)
        let refused = await #expect(throws: CodedError.self) { _ = try await get(bad, server.port) }
        try await good.shutdown()
        try await bad.shutdown()
        try await server.stop()
        #expect(accepted?.status == 200)
        #expect(server.requests.count == 1)
        #expect(["TLSFailed", "ConnectionLost", "ConnectTimeout"].contains(refused?.code ?? ""), "\(String(describing: refused))")
    }

    @Test func invalidClientKeyIsAClearErrorWithoutTheKey() {
        var configuration = TransportConfiguration()
        configuration.clientIdentity = ClientIdentity(certificatePEM: ca.certificatePEM, keyPEM: "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n")
        let error = #expect(throws: CodedError.self) { _ = try HTTPTransport(configuration: configuration) }
        #expect(error?.code == "InvalidClientCertificate")
        #expect(error?.message.contains("c2VjcmV0") == false)
    }

    @Test func unverifiedTLSOnlyWhenOptedIn() async throws {
        try await withServer(ca: ca, configure: { config, _, _ in config.extraCAFile = nil; config.skipsTLSVerification = true },
                             respond: { _ in .json(200, ["ok": true]) }) { server, transport in
            let response = try await get(transport, server.port)
            #expect(response.status == 200)
        }
    }

    @Test func streamedBodyArrivesInPieces() async throws {
        let parts = [Data("{\"a\":1}\n".utf8), Data("{\"b\":".utf8), Data("2}\n".utf8)]
        try await withServer(ca: ca, respond: { _ in .chunks(status: 200, headers: [("Content-Type", "application/json")], parts: parts) }) { server, transport in
            let response = try await transport.stream(HTTPRequest(method: "GET", url: URL(string: "https://localhost:\(server.port)/w")!), timeout: 5)
            var received = Data()
            for try await piece in response.body { received.append(piece) }
            #expect(response.status == 200)
            #expect(String(decoding: received, as: UTF8.self) == "{\"a\":1}\n{\"b\":2}\n")
        }
    }

    @Test func streamedFailureIsACodedError() async throws {
        try await withServer(ca: ca, respond: { _ in
            .json(403, ["kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "message": "nope", "code": 403])
        }) { server, transport in
            let error = await #expect(throws: CodedError.self) {
                _ = try await transport.stream(HTTPRequest(method: "GET", url: URL(string: "https://localhost:\(server.port)/w")!), timeout: 5)
            }
            #expect(error?.code == "Forbidden" && error?.status == 403)
        }
    }
}

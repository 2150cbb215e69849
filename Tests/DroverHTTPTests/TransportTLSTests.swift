import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
import Foundation
import Testing

@Suite struct TransportTLSTests {
    let ca: TestCertificateAuthority
    init() throws { ca = try TestCertificateAuthority() }

    @Test func extraCAIsTrusted() async throws {
        try await withServer(ca: ca, respond: { _ in .json(200, ["ok": true]) }) { server, transport in
            let response = try await transport.send(HTTPRequest(method: "GET", url: URL(string: "https://localhost:\(server.port)/")!), sleep: RecordingSleeper().sleeper)
            #expect(response.status == 200)
        }
    }

    @Test func unknownCAIsRefused() async throws {
        try await withServer(ca: ca, configure: { config, _, _ in config.extraCAFile = nil; config.connectTimeout = 1 }, respond: { _ in .json(200, ["ok": true]) }) { server, transport in
            let error = await #expect(throws: CodedError.self) {
                _ = try await transport.send(HTTPRequest(method: "GET", url: URL(string: "https://localhost:\(server.port)/")!), sleep: RecordingSleeper().sleeper)
            }
            #expect(error?.code == "TLSFailed")
            #expect(error?.retryable == false)
            #expect(server.requests.isEmpty)
        }
    }

    @Test func certificateForAnotherNameIsRefused() async throws {
        // AsyncHTTPClient keeps trying to connect until the connect timeout: keep it short.
        try await withServer(ca: ca, hostnames: ["other.example"], configure: { config, _, _ in config.connectTimeout = 1 }, respond: { _ in .json(200, ["ok": true]) }) { server, transport in
            let error = await #expect(throws: CodedError.self) {
                _ = try await transport.send(HTTPRequest(method: "GET", url: URL(string: "https://localhost:\(server.port)/")!), sleep: RecordingSleeper().sleeper)
            }
            #expect(error?.code == "TLSFailed", "\(error?.message ?? "")")
            #expect(server.requests.isEmpty)
        }
    }

    @Test func missingCAFileIsAClearError() {
        let error = #expect(throws: CodedError.self) {
            _ = try HTTPTransport(configuration: TransportConfiguration(extraCAFile: "/nonexistent/ca.pem"))
        }
        #expect(error?.code == "InvalidCAFile")
    }

    @Test func hostOverrideSendsTheNameForSNIAndHostToAnotherAddress() async throws {
        let name = "rancher-demo.eastus2.cloudapp.azure.com"
        try await withServer(
            ca: ca, hostnames: [name],
            configure: { config, port, _ in config.hostOverrides = [HostOverride(host: name, port: 443, address: "127.0.0.1", targetPort: port)] },
            respond: { _ in .json(200, ["ok": true]) }
        ) { server, transport in
            let response = try await transport.send(HTTPRequest(method: "GET", url: URL(string: "https://\(name)/ping")!), sleep: RecordingSleeper().sleeper)
            #expect(response.status == 200)
            #expect(server.requests.first?.serverName == name)
            #expect(server.requests.first?.header("Host") == name)
            #expect(server.requests.first?.uri == "/ping")
        }
    }

    @Test(arguments: [
        ("a.example:443:127.0.0.1:8443", HostOverride(host: "a.example", port: 443, address: "127.0.0.1", targetPort: 8443)),
        ("A.example:443:127.0.0.1", HostOverride(host: "a.example", port: 443, address: "127.0.0.1", targetPort: 443)),
    ])
    func hostOverrideParses(text: String, expected: HostOverride) throws {
        #expect(try HostOverride(parsing: text) == expected)
    }

    @Test(arguments: ["a.example", "a.example:x:127.0.0.1", ":443:127.0.0.1", "a.example:443:127.0.0.1:99999"])
    func hostOverrideRejects(text: String) {
        let error = #expect(throws: CodedError.self) { _ = try HostOverride(parsing: text) }
        #expect(error?.code == "InvalidHostOverride")
    }

    @Test func requestTimeoutEndsAHangingRequest() async throws {
        try await withServer(
            ca: ca, configure: { config, _, _ in config.requestTimeout = 0.5; config.retry.maxAttempts = 1 }, respond: { _ in .hang }
        ) { server, transport in
            let error = await #expect(throws: CodedError.self) {
                _ = try await transport.send(HTTPRequest(method: "GET", url: URL(string: "https://localhost:\(server.port)/")!), sleep: RecordingSleeper().sleeper)
            }
            #expect(error?.code == "Timeout")
            #expect(error?.retryable == true)
        }
    }

    @Test func connectTimeoutEndsASilentHandshake() async throws {
        try await withServer(
            ca: ca, silent: true, configure: { config, _, _ in config.connectTimeout = 0.5; config.retry.maxAttempts = 1 }, respond: { _ in .hang }
        ) { server, transport in
            let error = await #expect(throws: CodedError.self) {
                _ = try await transport.send(HTTPRequest(method: "GET", url: URL(string: "https://localhost:\(server.port)/")!), sleep: RecordingSleeper().sleeper)
            }
            #expect(error?.code == "ConnectTimeout")
            #expect(error?.nothingApplied == true)
        }
    }
}

import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
@testable import DroverKube
import Foundation
import NIOConcurrencyHelpers

/// The scripted API's discovery and Status bodies, under the names the tests use.
enum FakeDiscovery {
    static func answer(_ path: String) -> ScriptedResponse? { ScriptedKubeAPI.discovery(path) }
    static func status(_ code: Int, _ reason: String, _ message: String, causes: [[String: String]] = []) -> [String: Any] {
        ScriptedKubeAPI.status(code, reason, message, causes: causes)
    }
}

/// A test's kubeconfig pointing at a scripted server.
enum TestKubeconfig {
    /// A kubeconfig for `https://localhost:PORT/k8s/clusters/c-m-test` (Rancher's proxy path) with `ca` and a token
    /// or a client certificate.
    static func text(port: Int, ca: TestCertificateAuthority, token: String? = "kubeconfig-user-t:s3cret",
                     client: (certificatePEM: String, keyPEM: String)? = nil, path: String = "/k8s/clusters/c-m-test") -> String {
        var user = token.map { "    token: \($0)\n" } ?? ""
        if let client {
            user += "    client-certificate-data: \(Data(client.certificatePEM.utf8).base64EncodedString())\n"
            user += "    client-key-data: \(Data(client.keyPEM.utf8).base64EncodedString())\n"
        }
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: "https://localhost:\(port)\(path)"
                certificate-authority-data: "\(Data(ca.certificatePEM.utf8).base64EncodedString())"
            users:
            - name: test
              user:
            \(user.isEmpty ? "    {}\n" : user)contexts:
            - name: test
              context: {cluster: test, user: test}
            current-context: test

            """
    }
}

/// Starts a scripted API server, runs `body` with a client for it, stops both whatever happens.
func withKubeServer<T>(
    clientCA: TestCertificateAuthority? = nil, token: String? = "kubeconfig-user-t:s3cret",
    client: (certificatePEM: String, keyPEM: String)? = nil, maxAttempts: Int = 1,
    respond: @escaping @Sendable (RecordedRequest) -> ScriptedResponse,
    _ body: (TestHTTPSServer, KubeClient) async throws -> T
) async throws -> T {
    let ca = try TestCertificateAuthority()
    let server = try await TestHTTPSServer.start(ca: ca, clientCA: clientCA, respond: respond)
    let text = TestKubeconfig.text(port: server.port, ca: ca, token: token, client: client)
    let endpoint = try KubeconfigParser(file: "test-kubeconfig").parse(text).endpoint()
    let kube = try KubeClient.connect(
        endpoint: endpoint, base: TransportConfiguration(connectTimeout: 15, retry: RetryPolicy(maxAttempts: maxAttempts, random: { 0 })),
        sleep: { _ in await Task.yield() })
    do {
        let result = try await body(server, kube)
        try await kube.shutdown()
        try await server.stop()
        return result
    } catch {
        try? await kube.shutdown()
        try? await server.stop()
        throw error
    }
}

/// The path below Rancher's cluster proxy prefix.
extension RecordedRequest {
    var apiPath: String { path.hasPrefix("/k8s/clusters/c-m-test") ? String(path.dropFirst("/k8s/clusters/c-m-test".count)) : path }
}

/// A counter shared with a server's respond closure.
final class Counter: Sendable {
    private let box = NIOLockedValueBox(0)
    func next() -> Int { box.withLockedValue { $0 += 1; return $0 } }
}

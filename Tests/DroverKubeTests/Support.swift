import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
@testable import DroverKube
import Foundation
import NIOConcurrencyHelpers

/// Discovery answers for the group versions the tests use (legacy shapes, kube-and-rancher-wire.md §A.2).
enum FakeDiscovery {
    nonisolated(unsafe) static let core: [String: Any] = ["kind": "APIResourceList", "groupVersion": "v1", "resources": [
        ["name": "nodes", "singularName": "node", "namespaced": false, "kind": "Node", "verbs": ["get", "list", "watch", "patch"]],
        ["name": "nodes/status", "singularName": "", "namespaced": false, "kind": "Node", "verbs": ["get", "patch"]],
        ["name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod", "verbs": ["get", "list", "watch"]],
        ["name": "namespaces", "singularName": "namespace", "namespaced": false, "kind": "Namespace", "verbs": ["get", "list"]],
        ["name": "configmaps", "singularName": "configmap", "namespaced": true, "kind": "ConfigMap", "verbs": ["get", "list", "patch", "delete"]],
    ]]
    nonisolated(unsafe) static let apps: [String: Any] = ["kind": "APIResourceList", "groupVersion": "apps/v1", "resources": [
        ["name": "deployments", "singularName": "deployment", "namespaced": true, "kind": "Deployment", "verbs": ["get", "list", "patch", "delete"]],
        ["name": "daemonsets", "singularName": "daemonset", "namespaced": true, "kind": "DaemonSet", "verbs": ["get", "list"]],
        ["name": "deployments/status", "singularName": "", "namespaced": true, "kind": "Deployment", "verbs": ["get"]],
    ]]
    nonisolated(unsafe) static let batch: [String: Any] = ["kind": "APIResourceList", "groupVersion": "batch/v1", "resources": [
        ["name": "jobs", "singularName": "job", "namespaced": true, "kind": "Job", "verbs": ["get", "list"]],
        ["name": "cronjobs", "singularName": "cronjob", "namespaced": true, "kind": "CronJob", "verbs": ["get", "list"]],
    ]]
    nonisolated(unsafe) static let apis: [String: Any] = ["kind": "APIGroupList", "apiVersion": "v1", "groups": [
        ["name": "apps", "versions": [["groupVersion": "apps/v1", "version": "v1"]], "preferredVersion": ["groupVersion": "apps/v1", "version": "v1"]],
        ["name": "batch", "versions": [["groupVersion": "batch/v1", "version": "v1"]], "preferredVersion": ["groupVersion": "batch/v1", "version": "v1"]],
    ]]

    /// The discovery answer for `path` below the cluster prefix, nil when it is not a discovery path.
    static func answer(_ path: String) -> ScriptedResponse? {
        switch path {
        case "/api": .json(200, ["kind": "APIVersions", "versions": ["v1"]])
        case "/apis": .json(200, apis)
        case "/api/v1": .json(200, core)
        case "/apis/apps/v1": .json(200, apps)
        case "/apis/batch/v1": .json(200, batch)
        case let other where other.hasPrefix("/apis/") && other.split(separator: "/").count == 3:
            .json(404, status(404, "NotFound", "the server could not find the requested resource"))
        default: nil
        }
    }

    /// A `metav1.Status` body (§A.8).
    static func status(_ code: Int, _ reason: String, _ message: String, causes: [[String: String]] = []) -> [String: Any] {
        var status: [String: Any] = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": message, "reason": reason, "code": code]
        if !causes.isEmpty { status["details"] = ["causes": causes] }
        return status
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

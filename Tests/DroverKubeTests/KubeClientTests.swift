import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
@testable import DroverKube
import Foundation
import Testing

/// Every verb of the client against a scripted HTTPS API server behind Rancher's `/k8s/clusters/ID` prefix.
@Suite struct KubeClientTests {
    nonisolated(unsafe) static let deployment: [String: Any] = [
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": ["name": "web", "namespace": "default", "resourceVersion": "7", "uid": "u-1"], "spec": ["replicas": 2],
    ]

    @Test func getFindsTheResourceByDiscoveryAndSendsTheToken() async throws {
        try await withKubeServer(respond: { request in
            FakeDiscovery.answer(request.apiPath) ?? (request.apiPath == "/apis/apps/v1/namespaces/default/deployments/web"
                ? .json(200, Self.deployment) : .json(404, FakeDiscovery.status(404, "NotFound", "deployments.apps \"x\" not found")))
        }) { server, kube in
            let found = try await kube.get(apiVersion: "apps/v1", kind: "Deployment", name: "web")
            #expect(found?.value(at: ["spec", "replicas"]) == .number(2))
            #expect(try await kube.get(apiVersion: "apps/v1", kind: "Deployment", name: "x") == nil)
            let last = try #require(server.requests.last)
            #expect(last.header("Authorization") == "Bearer kubeconfig-user-t:s3cret")
            #expect(last.header("Accept") == "application/json")
            // Discovery of apps/v1 is asked once and cached.
            #expect(server.requests.filter { $0.apiPath == "/apis/apps/v1" }.count == 1)
            #expect(server.requests.allSatisfy { $0.path.hasPrefix("/k8s/clusters/c-m-test/") })
        }
    }

    @Test func listFollowsContinueWithSelectorsAndTypesItems() async throws {
        try await withKubeServer(respond: { request in
            if let discovery = FakeDiscovery.answer(request.apiPath) { return discovery }
            guard request.apiPath == "/api/v1/pods" else { return .json(404, FakeDiscovery.status(404, "NotFound", "no")) }
            if request.query("continue") == nil {
                return .json(200, ["kind": "PodList", "metadata": ["resourceVersion": "10", "continue": "page2"], "items": [["metadata": ["name": "a", "namespace": "x"]]]])
            }
            return .json(200, ["kind": "PodList", "metadata": ["resourceVersion": "11", "continue": ""], "items": [["metadata": ["name": "b", "namespace": "y"]]]])
        }) { server, kube in
            let result = try await kube.list(apiVersion: "v1", kind: "Pod", selector: KubeSelector(labels: "app in (web),tier!=db", fields: "spec.nodeName=n1"), pageSize: 1)
            #expect(result.items.map(\.name) == ["a", "b"])
            #expect(result.items.allSatisfy { $0.kind == "Pod" && $0.apiVersion == "v1" })
            #expect(result.resourceVersion == "11")
            let pages = server.requests.filter { $0.apiPath == "/api/v1/pods" }
            #expect(pages.count == 2)
            #expect(pages[0].query("labelSelector") == "app in (web),tier!=db")
            #expect(pages[0].query("fieldSelector") == "spec.nodeName=n1")
            #expect(pages[0].query("limit") == "1")
            #expect(pages[1].query("continue") == "page2")
        }
    }

    @Test(arguments: [false, true])
    func serverSideApplySendsApplyPatchAsFieldManagerDrover(force: Bool) async throws {
        try await withKubeServer(respond: { request in
            FakeDiscovery.answer(request.apiPath) ?? .json(201, Self.deployment)
        }) { server, kube in
            let object: Value = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"], "spec": ["replicas": 2]]
            let applied = try await kube.apply(object, force: force)
            #expect(applied.resourceVersion == "7")
            let patch = try #require(server.requests.last)
            #expect(patch.method == "PATCH")
            #expect(patch.apiPath == "/apis/apps/v1/namespaces/default/deployments/web")
            #expect(patch.header("Content-Type") == "application/apply-patch+yaml")
            #expect(patch.query("fieldManager") == "drover")
            #expect(patch.query("force") == (force ? "true" : "false"))
            let body = try #require(patch.json)
            #expect((body["metadata"] as? [String: Any])?["namespace"] as? String == "default")
        }
    }

    @Test(arguments: PatchType.allCases)
    func patchSendsItsContentType(type: PatchType) async throws {
        try await withKubeServer(respond: { request in
            FakeDiscovery.answer(request.apiPath) ?? .json(200, ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "n1"]])
        }) { server, kube in
            let body: Value = type == .json ? [["op": "add", "path": "/metadata/labels/a", "value": "b"]] : ["metadata": ["labels": ["a": "b"]]]
            _ = try await kube.patch(apiVersion: "v1", kind: "Node", name: "n1", namespace: "ignored", patch: body, type: type)
            let patch = try #require(server.requests.last)
            // Nodes are cluster-scoped: no namespace in the path.
            #expect(patch.apiPath == "/api/v1/nodes/n1")
            #expect(patch.header("Content-Type") == type.rawValue)
            #expect(patch.query("fieldManager") == "drover")
        }
    }

    @Test func deleteSendsPropagationAndToleratesAbsence() async throws {
        try await withKubeServer(respond: { request in
            if let discovery = FakeDiscovery.answer(request.apiPath) { return discovery }
            return request.apiPath.hasSuffix("/web") ? .json(200, FakeDiscovery.status(200, "", "")) : .json(404, FakeDiscovery.status(404, "NotFound", "gone"))
        }) { server, kube in
            #expect(try await kube.delete(apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "apps", propagation: .foreground))
            let delete = try #require(server.requests.last)
            #expect(delete.method == "DELETE" && delete.apiPath == "/apis/apps/v1/namespaces/apps/deployments/web")
            #expect(delete.json?["propagationPolicy"] as? String == "Foreground")
            #expect(delete.json?["kind"] as? String == "DeleteOptions")
            #expect(try await kube.delete(apiVersion: "apps/v1", kind: "Deployment", name: "other") == false)
        }
    }

    @Test func multiDocumentYAMLIsAppliedInOrderWithTypedScalars() async throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: apps}
            data: {enabled: "true", when: 2025-01-01T00:00:00Z}
            ---
            # a comment-only document is skipped
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
              paused: false
            """
        try await withKubeServer(respond: { request in FakeDiscovery.answer(request.apiPath) ?? .json(200, Self.deployment) }) { server, kube in
            _ = try await kube.apply(yaml: yaml, file: "app.yaml")
            let patches = server.requests.filter { $0.method == "PATCH" }
            #expect(patches.map(\.apiPath) == ["/api/v1/namespaces/apps/configmaps/settings", "/apis/apps/v1/namespaces/default/deployments/web"])
            let spec = try #require(patches[1].json?["spec"] as? [String: Any])
            #expect(spec["replicas"] as? Int == 3)
            #expect(spec["paused"] as? Bool == false)
            let data = try #require(patches[0].json?["data"] as? [String: Any])
            #expect(data["enabled"] as? String == "true" && data["when"] as? String == "2025-01-01T00:00:00Z")
            let deleted = try await kube.delete(yaml: yaml, file: "app.yaml")
            #expect(deleted == ["Deployment web", "ConfigMap apps/settings"])
        }
        let bad = #expect(throws: CodedError.self) { _ = try KubeManifest.objects(in: "a: 1\n---\nkind: Pod\n", file: "x.yaml") }
        #expect(bad?.code == "InvalidManifest" && bad?.message.contains("x.yaml:1:1: document 1") == true)
    }

    /// (status, body reason, expected code, retryable, details)
    static let statuses: [(Int, String, String, Bool, [String])] = [
        (422, "Invalid", "Invalid", false, ["spec.selector: Required value (FieldValueRequired)"]),
        (409, "Conflict", "Conflict", false, []),
        (403, "Forbidden", "Forbidden", false, []),
        (429, "TooManyRequests", "TooManyRequests", true, []),
        (500, "InternalError", "InternalError", true, []),
    ]

    @Test(arguments: statuses)
    func statusErrorsBecomeCodedErrors(status: Int, reason: String, code: String, retryable: Bool, details: [String]) async throws {
        let causes = details.isEmpty ? [] : [["reason": "FieldValueRequired", "message": "Required value", "field": "spec.selector"]]
        try await withKubeServer(respond: { request in
            FakeDiscovery.answer(request.apiPath) ?? .json(status, FakeDiscovery.status(status, reason, "deployments.apps \"web\" says \(reason)", causes: causes))
        }) { _, kube in
            let error = await #expect(throws: CodedError.self) {
                _ = try await kube.apply(["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"]])
            }
            #expect(error?.code == code)
            #expect(error?.status == status)
            #expect(error?.message == "deployments.apps \"web\" says \(reason)")
            #expect(error?.retryable == retryable)
            #expect(error?.details == details)
        }
    }

    @Test func retryableStatusIsRetriedForIdempotentReads() async throws {
        let calls = Counter()
        try await withKubeServer(maxAttempts: 3, respond: { request in
            if let discovery = FakeDiscovery.answer(request.apiPath) { return discovery }
            return calls.next() == 1 ? .json(429, FakeDiscovery.status(429, "TooManyRequests", "slow down")) : .json(200, Self.deployment)
        }) { _, kube in
            let found = try await kube.get(apiVersion: "apps/v1", kind: "Deployment", name: "web")
            #expect(found != nil)
        }
    }

    @Test func serverSideApplyIsRetriedAfterAServerFailure() async throws {
        let calls = Counter()
        try await withKubeServer(maxAttempts: 3, respond: { request in
            if let discovery = FakeDiscovery.answer(request.apiPath) { return discovery }
            return calls.next() == 1 ? .json(503, FakeDiscovery.status(503, "ServiceUnavailable", "etcd leader changed")) : .json(200, Self.deployment)
        }) { server, kube in
            _ = try await kube.apply(["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"]])
            #expect(server.requests.filter { $0.method == "PATCH" }.count == 2)
        }
    }

    @Test func unknownKindsAndVersionsNameWhatExists() async throws {
        try await withKubeServer(respond: { request in FakeDiscovery.answer(request.apiPath) ?? .json(404, FakeDiscovery.status(404, "NotFound", "no")) }) { _, kube in
            let kind = await #expect(throws: CodedError.self) { _ = try await kube.get(apiVersion: "apps/v1", kind: "Deploy", name: "x") }
            #expect(kind?.code == "UnknownKind" && kind?.remediation == "kinds in apps/v1: DaemonSet, Deployment, ReplicaSet, StatefulSet")
            let version = await #expect(throws: CodedError.self) { _ = try await kube.get(apiVersion: "apps/v1beta1", kind: "Deployment", name: "x") }
            #expect(version?.code == "UnknownAPIVersion" && version?.remediation == "versions it serves: v1, apps/v1, batch/v1")
        }
    }

    @Test func clientCertificateAuthenticatesWithoutAToken() async throws {
        let clientCA = try TestCertificateAuthority(commonName: "kube client CA")
        let issued = try clientCA.issueClient(commonName: "admin")
        try await withKubeServer(clientCA: clientCA, token: nil, client: issued, respond: { request in
            FakeDiscovery.answer(request.apiPath) ?? .json(200, ["kind": "NodeList", "metadata": ["resourceVersion": "1"], "items": []])
        }) { server, kube in
            let nodes = try await kube.nodes()
            #expect(nodes.isEmpty)
            #expect(server.requests.allSatisfy { $0.header("Authorization") == nil })
        }
    }
}

/// `tls-server-name`: the certificate is checked against that name while the connection goes to the URL's host.
@Suite struct TLSServerNameTests {
    @Test func certificateIsCheckedAgainstTLSServerName() async throws {
        let ca = try TestCertificateAuthority()
        let server = try await TestHTTPSServer.start(ca: ca, hostnames: ["kubernetes.default.svc"]) { request in
            ScriptedKubeAPI.discovery(request.path) ?? .json(200, ["kind": "NodeList", "metadata": ["resourceVersion": "1"], "items": []])
        }
        defer { Task { try? await server.stop() } }
        let base = TestKubeconfig.text(port: server.port, ca: ca, path: "")
        let named = base.replacingOccurrences(of: "    certificate-authority-data:", with: "    tls-server-name: kubernetes.default.svc\n    certificate-authority-data:")
        let configuration = TransportConfiguration(connectTimeout: 15, retry: RetryPolicy(maxAttempts: 1))
        let kube = try KubeClient.connect(endpoint: try KubeconfigParser(file: "k").parse(named).endpoint(), base: configuration)
        let nodes = try await kube.nodes()
        try await kube.shutdown()
        #expect(nodes.isEmpty)
        #expect(server.requests.last?.serverName == "kubernetes.default.svc")
        // Without the name, the certificate (for kubernetes.default.svc only) does not match localhost.
        // AsyncHTTPClient retries a failed handshake until the connect timeout: keep it short.
        let plain = try KubeClient.connect(
            endpoint: try KubeconfigParser(file: "k").parse(base).endpoint(), base: TransportConfiguration(connectTimeout: 1, retry: RetryPolicy(maxAttempts: 1)))
        let served = server.requests.count
        let refused = await #expect(throws: CodedError.self) { _ = try await plain.nodes() }
        try await plain.shutdown()
        // AsyncHTTPClient reports the refused handshake as TLSFailed, or as ConnectTimeout when its retries of the
        // handshake outlast the connect timeout on a busy machine; either way nothing reached the server.
        #expect(["TLSFailed", "ConnectTimeout"].contains(refused?.code ?? ""), "\(String(describing: refused))")
        #expect(server.requests.count == served)
    }
}

import DroverEngine
import DroverHTTPTestSupport
@testable import DroverKube
import Foundation
import Testing

/// Kubeconfig parsing, context selection, `KUBECONFIG` merging and writing.
@Suite struct KubeconfigTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"
    static let certPEM = "-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----\n"
    static let keyPEM = "-----BEGIN EC PRIVATE KEY-----\nMHcsecret\n-----END EC PRIVATE KEY-----\n"
    static func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// Files the parser may read, by absolute path.
    static let files = [
        "/k/ca.pem": caPEM, "/k/token": "file-token\n", "/k/client.crt": certPEM, "/k/client.key": keyPEM,
    ]
    static func parse(_ text: String) throws -> Kubeconfig {
        try KubeconfigParser(file: "/k/config", readFile: { path in
            guard let text = files[path] else { throw CocoaError(.fileNoSuchFile) }
            return text
        }).parse(text)
    }

    static let full = """
        apiVersion: v1
        kind: Config
        current-context: rancher
        clusters:
        - name: rancher
          cluster:
            server: "https://rancher.example.com/k8s/clusters/c-m-abcd1234"
            certificate-authority-data: "\(b64(caPEM))"
        - name: local
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority: ca.pem
            tls-server-name: kubernetes
        users:
        - name: rancher
          user:
            token: kubeconfig-user-abc:secret
        - name: admin
          user:
            client-certificate-data: \(b64(certPEM))
            client-key-data: \(b64(keyPEM))
        - name: filed
          user:
            token-file: token
            client-certificate: /k/client.crt
            client-key: client.key
        contexts:
        - name: rancher
          context: {cluster: rancher, user: rancher}
        - name: local
          context: {cluster: local, user: admin, namespace: apps}
        - name: filed
          context: {cluster: local, user: filed}
        """

    @Test func readsTokensCertificatesCADataAndFiles() throws {
        let config = try Self.parse(Self.full)
        #expect(config.currentContext == "rancher")
        #expect(config.clusters.map(\.name) == ["rancher", "local"])
        #expect(config.clusters[0].certificateAuthorityPEM == Self.caPEM)
        #expect(config.clusters[1].certificateAuthorityPEM == Self.caPEM)
        #expect(config.clusters[1].tlsServerName == "kubernetes")
        #expect(config.users[0].token == "kubeconfig-user-abc:secret")
        #expect(config.users[1].clientCertificatePEM == Self.certPEM && config.users[1].clientKeyPEM == Self.keyPEM)
        #expect(config.users[2].token == "file-token")
        #expect(config.users[2].clientKeyPEM == Self.keyPEM)
        #expect(config.contexts[1].namespace == "apps")
        #expect(config.clusters[1].origin == "/k/config:11:5")
    }

    @Test func selectsTheCurrentOrTheNamedContext() throws {
        let config = try Self.parse(Self.full)
        let current = try config.endpoint()
        #expect(current.context == "rancher" && current.server.absoluteString == "https://rancher.example.com/k8s/clusters/c-m-abcd1234")
        #expect(current.namespace == "default")
        let local = try config.endpoint(context: "local")
        #expect(local.user.name == "admin" && local.namespace == "apps")
        #expect(local.requestBase.absoluteString == "https://kubernetes:6443")
        let missing = #expect(throws: CodedError.self) { try config.endpoint(context: "nope") }
        #expect(missing?.code == "KubeconfigContext")
        #expect(missing?.remediation == "use one of: rancher, local, filed")
    }

    @Test func rancherFoldedCADataIsRead() throws {
        // Rancher folds the double-quoted value with backslash-newline continuations (kube-and-rancher-wire.md §C.7).
        let data = Self.b64(Self.caPEM)
        let folded = String(data.prefix(20)) + "\\\n      " + String(data.dropFirst(20))
        let config = try Self.parse("""
            clusters:
            - name: c
              cluster:
                server: "https://r.example.com/k8s/clusters/c-m-x"
                certificate-authority-data: "\(folded)"
            """)
        #expect(config.clusters[0].certificateAuthorityPEM == Self.caPEM)
    }

    /// (kubeconfig, code, message fragment naming file:line:column and field path)
    static let bad: [(String, String, String)] = [
        ("clusters:\n- name: a\n  cluster:\n    certificate-authority-data: x\n", "InvalidKubeconfig", "/k/config:4:5: clusters[0].cluster.server is missing"),
        ("clusters:\n- name: a\n  cluster:\n    server: http://a:80\n", "InvalidKubeconfig", "/k/config:4:13: clusters[0].cluster.server is http://a:80, not an https:// URL"),
        ("clusters:\n- name: a\n  cluster:\n    server: https://a\n    certificate-authority-data: bm90IHBlbQ==\n", "InvalidKubeconfig",
         "/k/config:5:33: clusters[0].cluster.certificate-authority-data is not base64 of a PEM CA certificate"),
        ("clusters:\n- name: a\n  cluster:\n    server: https://a\n    certificate-authority: missing.pem\n", "InvalidKubeconfig",
         "clusters[0].cluster.certificate-authority names /k/missing.pem, which cannot be read"),
        ("clusters:\n- name: a\n  cluster:\n    server: https://a\n    certificate-authority-data: \(b64(caPEM))\n    insecure-skip-tls-verify: true\n",
         "InvalidKubeconfig", "/k/config:6:31: clusters[0].cluster.insecure-skip-tls-verify is set together with a certificate authority"),
        ("users:\n- name: u\n  user:\n    exec:\n      command: rancher\n", "KubeconfigExecUnsupported", "/k/config:5:7: users[0].user.exec: credential plugins are not supported yet"),
        ("users:\n- name: u\n  user:\n    client-certificate-data: \(b64(certPEM))\n", "InvalidKubeconfig", "users[0].user.client-key-data is missing"),
        ("users:\n- user: {token: t}\n", "InvalidKubeconfig", "/k/config:2:3: users[0].name is missing"),
        ("contexts:\n- name: c\n  context: {user: u}\n", "InvalidKubeconfig", "/k/config:3:12: contexts[0].context.cluster is missing"),
        ("clusters: {a: b}\n", "InvalidKubeconfig", "/k/config:1:11: clusters must be a list"),
        ("kind: Pod\n", "InvalidKubeconfig", "/k/config:1:7: kind is Pod"),
        ("clusters: [\n", "InvalidKubeconfig", "/k/config: is not YAML"),
    ]

    @Test(arguments: bad)
    func badKubeconfigsNameFilePositionAndField(text: String, code: String, fragment: String) {
        let error = #expect(throws: CodedError.self) { try Self.parse(text) }
        #expect(error?.code == code)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "")")
        #expect(error?.remediation != nil)
        #expect(error?.message.contains("MHcsecret") == false)
    }

    @Test func insecureIsRefusedUnlessAllowed() throws {
        let config = try Self.parse("clusters:\n- name: a\n  cluster:\n    server: https://a\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: c\n  context: {cluster: a, user: u}\ncurrent-context: c\n")
        let endpoint = try config.endpoint()
        let refused = #expect(throws: CodedError.self) { _ = try endpoint.transportConfiguration(base: .init(), allowInsecure: false) }
        #expect(refused?.code == "InsecureKubeconfig")
        #expect(try endpoint.transportConfiguration(base: .init(), allowInsecure: true).skipsTLSVerification)
    }

    @Test func kubeconfigVariableMergesFirstWins() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-kc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("a").path
        let second = dir.appendingPathComponent("b").path
        try "clusters:\n- name: shared\n  cluster: {server: 'https://first'}\nusers:\n- name: u\n  user: {token: one}\ncontexts:\n- name: one\n  context: {cluster: shared, user: u}\n"
            .write(toFile: first, atomically: true, encoding: .utf8)
        try "current-context: two\nclusters:\n- name: shared\n  cluster: {server: 'https://second'}\n- name: other\n  cluster: {server: 'https://other'}\nusers:\n- name: u\n  user: {token: two}\ncontexts:\n- name: two\n  context: {cluster: other, user: u}\n"
            .write(toFile: second, atomically: true, encoding: .utf8)
        let merged = try KubeconfigLoader.load(path: nil, environment: ["KUBECONFIG": "\(first)::\(dir.path)/missing:\(second)"], home: dir.path)
        #expect(merged.clusters.map(\.server) == ["https://first", "https://other"])
        #expect(merged.users.map(\.token) == ["one"])
        #expect(merged.currentContext == "two")
        #expect(try merged.endpoint().server.absoluteString == "https://other")
        let explicit = #expect(throws: CodedError.self) { _ = try KubeconfigLoader.load(path: "\(dir.path)/missing", environment: [:], home: dir.path) }
        #expect(explicit?.code == "KubeconfigNotFound")
    }

    @Test func writtenAndMergedFilesAreOwnerOnly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-kc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(".kube/config").path
        try KubeconfigFile.merge("clusters:\n- name: a\n  cluster: {server: 'https://a'}\nusers:\n- name: a\n  user: {token: t1}\ncontexts:\n- name: a\n  context: {cluster: a, user: a}\ncurrent-context: a\n", into: path, makeCurrent: false)
        try KubeconfigFile.merge("clusters:\n- name: b\n  cluster: {server: 'https://b'}\n- name: a\n  cluster: {server: 'https://a2'}\nusers:\n- name: b\n  user: {token: t2}\ncontexts:\n- name: b\n  context: {cluster: b, user: b}\ncurrent-context: b\n", into: path, makeCurrent: false)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        var config = try KubeconfigParser(file: path).parse(try String(contentsOfFile: path, encoding: .utf8))
        #expect(config.clusters.map(\.server) == ["https://a2", "https://b"])
        #expect(config.currentContext == "a")
        try KubeconfigFile.merge("contexts:\n- name: b\n  context: {cluster: b, user: b}\ncurrent-context: b\n", into: path, makeCurrent: true)
        config = try KubeconfigParser(file: path).parse(try String(contentsOfFile: path, encoding: .utf8))
        #expect(config.currentContext == "b" && config.users.count == 2)
        let bad = #expect(throws: CodedError.self) { try KubeconfigFile.merge("- a list\n", into: path, makeCurrent: true) }
        #expect(bad?.code == "InvalidKubeconfig")
    }
}

import DroverEngine
import Foundation
import Yams

/// Reads one kubeconfig file into a ``Kubeconfig``; every error names the file, line:column, the field path and
/// what would be valid. Relative paths inside it are taken from the file's folder, as kubectl does.
public struct KubeconfigParser {
    /// The file named in errors and used to resolve relative paths.
    let file: String
    /// Reads files the kubeconfig points at (CA, token, client certificate and key).
    let readFile: (String) throws -> String

    /// Creates a parser for `file`.
    public init(file: String, readFile: @escaping (String) throws -> String = { try String(contentsOfFile: $0, encoding: .utf8) }) {
        self.file = file
        self.readFile = readFile
    }

    /// Parses `text`.
    /// - Throws: `CodedError` `InvalidKubeconfig` or `KubeconfigExecUnsupported`.
    public func parse(_ text: String) throws -> Kubeconfig {
        var config = Kubeconfig()
        config.files = [file]
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text, .basic, .default, .utf8) else { return config }
            root = node
        } catch let error as YamlError {
            throw invalid(nil, "", "is not YAML: \(error)", fix: "fix the YAML syntax")
        }
        guard root.mapping != nil else { throw invalid(root, "", "must be a mapping with clusters, users and contexts", fix: "write `apiVersion: v1` and `kind: Config` at the top") }
        if let kind = root["kind"]?.string, kind != "Config" {
            throw invalid(root["kind"], "kind", "is \(kind)", fix: "a kubeconfig has `kind: Config`")
        }
        config.clusters = try entries(root, "clusters", item: "cluster", read: cluster)
        config.users = try entries(root, "users", item: "user", read: user)
        config.contexts = try entries(root, "contexts", item: "context", read: context)
        if let current = root["current-context"]?.string, !current.isEmpty { config.currentContext = current }
        return config
    }

    /// The named entries of list `key`, each read from its `item` mapping; the first of a repeated name wins.
    func entries<T>(_ root: Node, _ key: String, item: String, read: (Node, String, String) throws -> T) throws -> [T] {
        guard let list = root[key], !["", "null", "~"].contains(list.scalar?.string ?? "-") else { return [] }
        guard let items = list.sequence else { throw invalid(list, key, "must be a list", fix: "write `\(key):` followed by `- name: …` items") }
        var seen: Set<String> = []
        var result: [T] = []
        for (index, entry) in items.enumerated() {
            let path = "\(key)[\(index)]"
            guard let name = entry["name"]?.string, !name.isEmpty else { throw invalid(entry, "\(path).name", "is missing", fix: "give every entry a name") }
            guard let body = entry[item], body.mapping != nil else { throw invalid(entry, "\(path).\(item)", "is missing", fix: "add the `\(item):` mapping under `- name: \(name)`") }
            guard seen.insert(name).inserted else { continue }
            result.append(try read(body, name, "\(path).\(item)"))
        }
        return result
    }

    func cluster(_ node: Node, name: String, path: String) throws -> Kubeconfig.Cluster {
        guard let server = node["server"]?.string, !server.isEmpty else {
            throw invalid(node, "\(path).server", "is missing", fix: "give the API server's URL, such as https://host:6443")
        }
        guard let url = URL(string: server), url.scheme == "https", url.host != nil else {
            throw invalid(node["server"], "\(path).server", "is \(server), not an https:// URL", fix: "Drover speaks to API servers over TLS only; give https://HOST[:PORT][/PATH]")
        }
        var ca = try pemData(node, "certificate-authority-data", path: path, what: "CA certificate")
        if ca == nil, let caFile = node["certificate-authority"]?.string {
            ca = try contents(of: caFile, field: "\(path).certificate-authority", node: node["certificate-authority"])
        }
        let insecure = node["insecure-skip-tls-verify"].map { $0.bool ?? ($0.string == "true") } ?? false
        if insecure, ca != nil {
            // client-go refuses the pair: "specifying a root certificates file with the insecure flag is not allowed"
            // (kube-and-rancher-wire.md §A.1).
            throw invalid(node["insecure-skip-tls-verify"], "\(path).insecure-skip-tls-verify", "is set together with a certificate authority",
                          fix: "remove insecure-skip-tls-verify; the CA is enough")
        }
        return Kubeconfig.Cluster(
            name: name, server: server, certificateAuthorityPEM: ca, tlsServerName: node["tls-server-name"]?.string,
            insecureSkipTLSVerify: insecure, origin: position(node))
    }

    func user(_ node: Node, name: String, path: String) throws -> Kubeconfig.User {
        for plugin in ["exec", "auth-provider"] where node[plugin] != nil {
            throw CodedError(
                code: "KubeconfigExecUnsupported",
                message: "\(position(node[plugin])): \(path).\(plugin): credential plugins are not supported yet (user \(name))",
                remediation: "use a kubeconfig with a token or a client certificate for this user (Rancher: enable the setting kubeconfig-generate-token and download the kubeconfig again)",
                nothingApplied: true)
        }
        if node["username"] != nil || node["password"] != nil {
            throw invalid(node, "\(path).username", "basic authentication is not supported", fix: "use a token or a client certificate")
        }
        var token = node["token"]?.string
        if token == nil, let tokenFile = node["token-file"]?.string {
            token = try contents(of: tokenFile, field: "\(path).token-file", node: node["token-file"]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var certificate = try pemData(node, "client-certificate-data", path: path, what: "client certificate")
        if certificate == nil, let certificateFile = node["client-certificate"]?.string {
            certificate = try contents(of: certificateFile, field: "\(path).client-certificate", node: node["client-certificate"])
        }
        var key = try pemData(node, "client-key-data", path: path, what: "client key")
        if key == nil, let keyFile = node["client-key"]?.string {
            key = try contents(of: keyFile, field: "\(path).client-key", node: node["client-key"])
        }
        if certificate != nil, key == nil {
            throw invalid(node, "\(path).client-key-data", "is missing while a client certificate is given", fix: "add client-key-data (or client-key) for the certificate")
        }
        if key != nil, certificate == nil {
            throw invalid(node, "\(path).client-certificate-data", "is missing while a client key is given", fix: "add client-certificate-data (or client-certificate) for the key")
        }
        return Kubeconfig.User(name: name, token: token, clientCertificatePEM: certificate, clientKeyPEM: key, origin: position(node))
    }

    func context(_ node: Node, name: String, path: String) throws -> Kubeconfig.Context {
        guard let cluster = node["cluster"]?.string, !cluster.isEmpty else { throw invalid(node, "\(path).cluster", "is missing", fix: "name one of the clusters entries") }
        guard let user = node["user"]?.string, !user.isEmpty else { throw invalid(node, "\(path).user", "is missing", fix: "name one of the users entries") }
        return Kubeconfig.Context(name: name, cluster: cluster, user: user, namespace: node["namespace"]?.string, origin: position(node))
    }

    /// The PEM text of base64 field `key`, nil when absent.
    func pemData(_ node: Node, _ key: String, path: String, what: String) throws -> String? {
        guard let field = node[key], let text = field.string else { return nil }
        // Rancher folds the value over lines (kube-and-rancher-wire.md §C.7); whitespace is not part of base64.
        let compact = text.filter { !$0.isWhitespace && $0 != "\\" }
        guard let data = Data(base64Encoded: compact), let pem = String(data: data, encoding: .utf8), pem.contains("-----BEGIN") else {
            throw invalid(field, "\(path).\(key)", "is not base64 of a PEM \(what)", fix: "give `base64 -w0` of the PEM file")
        }
        return pem
    }

    /// The contents of `path`, relative to the kubeconfig's folder when not absolute.
    func contents(of path: String, field: String, node: Node?) throws -> String {
        let resolved = path.hasPrefix("/") ? path : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).path
        do { return try readFile(resolved) } catch {
            throw invalid(node, field, "names \(resolved), which cannot be read", fix: "point it at a readable file, or use the *-data form")
        }
    }

    /// `FILE:LINE:COLUMN` of `node`, or the file alone.
    func position(_ node: Node?) -> String {
        node?.mark.map { "\(file):\($0.line):\($0.column)" } ?? file
    }

    func invalid(_ node: Node?, _ path: String, _ problem: String, fix: String) -> CodedError {
        CodedError(
            code: "InvalidKubeconfig", message: "\(position(node)): " + (path.isEmpty ? problem : "\(path) \(problem)"),
            remediation: fix, nothingApplied: true)
    }
}

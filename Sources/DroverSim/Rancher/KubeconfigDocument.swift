import Foundation

/// A kubeconfig as Rancher writes it (R14 `pkg/kubeconfig/templates.go`, kube-and-rancher-wire.md §C.7): one
/// cluster, user and context of the same name, the CA data as a double-quoted YAML scalar folded with
/// backslash-newline continuations, and a bearer token.
struct KubeconfigDocument {
    var name: String
    var server: String
    /// The `cacerts` setting; no `certificate-authority-data` when empty.
    var caCertificates: String
    var token: String

    func rendered() -> String {
        var lines = ["apiVersion: v1", "kind: Config", "clusters:", "- name: \"\(name)\"", "  cluster:",
                     "    server: \"\(server)\""]
        if !caCertificates.isEmpty {
            lines.append("    certificate-authority-data: \"\(Self.folded(Data(caCertificates.utf8).base64EncodedString()))\"")
        }
        lines += ["", "users:", "- name: \"\(name)\"", "  user:", "    token: \"\(token)\"", "", "contexts:",
                  "- name: \"\(name)\"", "  context:", "    user: \"\(name)\"", "    cluster: \"\(name)\"", "",
                  "current-context: \"\(name)\"", ""]
        return lines.joined(separator: "\n")
    }

    /// First 49 characters, then 76-character chunks, joined by `\` + newline + 6 spaces (§C.7).
    static func folded(_ text: String) -> String {
        var chunks = [String(text.prefix(49))]
        var rest = text.dropFirst(49)
        while !rest.isEmpty {
            chunks.append(String(rest.prefix(76)))
            rest = rest.dropFirst(76)
        }
        return chunks.joined(separator: "\\\n      ")
    }
}

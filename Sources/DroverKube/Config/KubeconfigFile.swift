import DroverEngine
import Foundation
import Yams

/// Writes kubeconfig files for other modules (Rancher's generated kubeconfigs): mode 0600, since they hold
/// credentials, and merged into an existing file the way `kubectl config` keeps it (entries replaced by name).
public enum KubeconfigFile {
    /// Writes `text` to `path` with mode 0600, replacing the file atomically.
    /// - Throws: `CodedError` `KubeconfigWrite` naming the path and the reason.
    public static func write(_ text: String, to path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(URL(fileURLWithPath: path).lastPathComponent).\(UUID().uuidString).tmp").path
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // Created 0600 before a byte is written, so the credentials are never readable by others.
            guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteNoPermission)
            }
            guard rename(temporary, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CodedError(code: "KubeconfigWrite", message: "cannot write the kubeconfig \(path): \(error.localizedDescription)",
                             remediation: "check that the folder exists and is writable", nothingApplied: true)
        }
    }

    /// Merges the kubeconfig `text` into the file at `path` (created when missing): its clusters, users and contexts
    /// replace entries of the same name, others are kept; `current-context` becomes the new one when `makeCurrent`.
    /// - Throws: `CodedError` `InvalidKubeconfig` when either side is not a kubeconfig, or `KubeconfigWrite`.
    public static func merge(_ text: String, into path: String, makeCurrent: Bool) throws {
        let incoming = try mapping(of: text, file: "the new kubeconfig")
        // Checked as a kubeconfig before anything is written.
        _ = try KubeconfigParser(file: "the new kubeconfig", readFile: { _ in "" }).parse(text)
        let existingText = try? String(contentsOfFile: path, encoding: .utf8)
        var merged = try existingText.map { try mapping(of: $0, file: path) } ?? Node.Mapping([
            (Node("apiVersion"), Node("v1")), (Node("kind"), Node("Config")),
        ])
        for key in ["clusters", "users", "contexts"] {
            var items = merged[key]?.sequence.map(Array.init) ?? []
            for entry in incoming[key]?.sequence ?? [] {
                let name = entry["name"]?.string
                if let index = items.firstIndex(where: { $0["name"]?.string == name }) { items[index] = entry } else { items.append(entry) }
            }
            merged[Node(key)] = Node(items)
        }
        if makeCurrent || merged["current-context"]?.string?.isEmpty ?? true, let current = incoming["current-context"] {
            merged[Node("current-context")] = current
        }
        try write(try Yams.serialize(node: .mapping(merged), indent: 2, width: -1), to: path)
    }

    static func mapping(of text: String, file: String) throws -> Node.Mapping {
        guard let mapping = (try? Yams.compose(yaml: text, .basic, .default, .utf8))??.mapping else {
            throw CodedError(code: "InvalidKubeconfig", message: "\(file) is not a kubeconfig (a YAML mapping)",
                             remediation: "give a kubeconfig with clusters, users and contexts", nothingApplied: true)
        }
        return mapping
    }
}

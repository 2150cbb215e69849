import DroverEngine
import Foundation
import Yams

/// Merges one kubeconfig into another the way `kubectl config` keeps them: `clusters`, `users` and `contexts` are
/// lists of `{name, …}` entries; an entry of the same name is replaced, others are kept; `current-context` is set only
/// when the target has none.
enum KubeconfigMerge {
    /// `incoming` merged into `existing` (empty or missing: a new file), as YAML.
    /// - Throws: `CodedError` `InvalidKubeconfig` naming which of the two does not parse as a kubeconfig mapping.
    static func merge(_ incoming: String, into existing: String?, existingPath: String) throws -> String {
        let new = try mapping(incoming, what: "the kubeconfig Rancher generated")
        var target = try existing.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            .map { try mapping($0, what: existingPath) } ?? ["apiVersion": "v1", "kind": "Config", "preferences": [String: Any]()]
        for key in ["clusters", "users", "contexts"] {
            let added = new[key] as? [[String: Any]] ?? []
            let names = Set(added.compactMap { $0["name"] as? String })
            let kept = (target[key] as? [[String: Any]] ?? []).filter { !names.contains($0["name"] as? String ?? "") }
            target[key] = kept + added
        }
        if (target["current-context"] as? String ?? "").isEmpty { target["current-context"] = new["current-context"] ?? "" }
        return try Yams.dump(object: target, sortKeys: true)
    }

    /// The names of the clusters, users and contexts in `config`, to remove them again.
    static func names(_ config: String) -> [String: [String]] {
        guard let parsed = try? mapping(config, what: "") else { return [:] }
        return ["clusters", "users", "contexts"].reduce(into: [:]) { result, key in
            result[key] = (parsed[key] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
    }

    /// `existing` without the entries named in `names`.
    static func remove(_ names: [String: [String]], from existing: String, existingPath: String) throws -> String {
        var target = try mapping(existing, what: existingPath)
        for (key, list) in names {
            target[key] = (target[key] as? [[String: Any]] ?? []).filter { !list.contains($0["name"] as? String ?? "") }
        }
        if let current = target["current-context"] as? String, names["contexts"]?.contains(current) == true { target["current-context"] = "" }
        return try Yams.dump(object: target, sortKeys: true)
    }

    private static func mapping(_ text: String, what: String) throws -> [String: Any] {
        do {
            guard let map = try Yams.load(yaml: text) as? [String: Any] else { throw CodedError(code: "NotAMapping", message: "not a mapping") }
            return map
        } catch {
            throw CodedError(
                code: "InvalidKubeconfig", message: "\(what) is not a kubeconfig: \(error)",
                remediation: "fix or move the file, then run again", nothingApplied: true)
        }
    }
}

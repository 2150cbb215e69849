import Foundation

/// Field ownership as `metadata.managedFields` records it, kept simple but honest: every leaf field (a keyed-list
/// element's fields under `k:{"name":…}`, other lists as one atomic leaf) belongs to the managers that set it; a
/// server-side apply that changes a field another manager owns is a conflict unless forced (kube-and-rancher-wire.md
/// §A.4 `apply --server-side`, §A.8 409 `Conflict`).
enum KubeFieldManager {
    /// One field path: member names, or `k:{"key":"value"}` for an element of a keyed list.
    typealias FieldPath = [String]

    /// Fields the API server owns and never records (identity, bookkeeping, status written through its subresource).
    private static let untracked: Set<String> = ["apiVersion", "kind", "status"]
    private static let untrackedMetadata: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
        "deletionTimestamp", "selfLink",
    ]

    /// The leaf fields `object` sets: outside `status`, or only those under `status` (a write through `/status`).
    static func fields(of object: JSONValue, status: Bool = false) -> Set<FieldPath> {
        var result: Set<FieldPath> = []
        if status {
            collect(object["status"] ?? [:], ["status"], field: "status", into: &result)
            return result.filter { $0.count > 1 }
        }
        for (key, value) in object.object ?? [:] where !untracked.contains(key) {
            if key == "metadata" {
                for (member, inner) in value.object ?? [:] where !untrackedMetadata.contains(member) {
                    collect(inner, ["metadata", member], field: member, into: &result)
                }
            } else {
                collect(value, [key], field: key, into: &result)
            }
        }
        return result
    }

    private static func collect(_ value: JSONValue, _ path: FieldPath, field: String, into result: inout Set<FieldPath>) {
        switch value {
        case .object(let members) where !members.isEmpty:
            for (key, inner) in members { collect(inner, path + [key], field: key, into: &result) }
        case .array(let items) where KubePatch.mergeKeys[field] != nil && !items.isEmpty:
            let key = KubePatch.mergeKeys[field]!
            for item in items {
                guard let id = item[key] else { result.insert(path); continue }
                let token = "k:{\"\(key)\":\(id.encodedText)}"
                for (member, inner) in item.object ?? [:] { collect(inner, path + [token, member], field: member, into: &result) }
            }
        default:
            result.insert(path)
        }
    }

    /// The value at `path`, or nil.
    static func value(_ object: JSONValue, _ path: FieldPath) -> JSONValue? {
        var node: JSONValue? = object
        for token in path {
            if let (key, id) = keyed(token) {
                node = node?.array?.first { $0[key] == id }
            } else {
                node = node?[token]
            }
        }
        return node
    }

    /// `object` without the field at `path` (an emptied keyed element goes with it).
    static func removing(_ object: JSONValue, _ path: ArraySlice<FieldPath.Element>) -> JSONValue {
        guard let token = path.first else { return object }
        if let (key, id) = keyed(token), case .array(var items) = object {
            guard let index = items.firstIndex(where: { $0[key] == id }) else { return object }
            let inner = removing(items[index], path.dropFirst())
            if path.count == 1 || (inner.object?.keys.allSatisfy { $0 == key } ?? true) { items.remove(at: index) } else { items[index] = inner }
            return .array(items)
        }
        guard case .object(var members) = object, let child = members[token] else { return object }
        members[token] = path.count == 1 ? nil : removing(child, path.dropFirst())
        return .object(members)
    }

    /// The path as a conflict message shows it: `.spec.template.spec.containers[name="web"].image`.
    static func display(_ path: FieldPath) -> String {
        path.map { token in
            if let (key, id) = keyed(token) { return "[\(key)=\(id.encodedText)]" }
            return ".\(token)"
        }.joined()
    }

    private static func keyed(_ token: String) -> (String, JSONValue)? {
        guard token.hasPrefix("k:"), let body = try? JSONValue.parse(Data(token.dropFirst(2).utf8)),
              let (key, id) = body.object?.first else { return nil }
        return (key, id)
    }

    // MARK: managedFields

    /// One `managedFields` entry.
    struct Entry: Sendable, Equatable {
        var manager: String
        var operation: String
        var apiVersion: String
        var time: String
        var subresource: String?
        var fields: Set<FieldPath>
    }

    /// Reads `metadata.managedFields`.
    static func entries(of object: JSONValue) -> [Entry] {
        (object.at("metadata.managedFields")?.array ?? []).map { item in
            Entry(manager: item["manager"]?.string ?? "", operation: item["operation"]?.string ?? "Update",
                  apiVersion: item["apiVersion"]?.string ?? "", time: item["time"]?.string ?? "",
                  subresource: item["subresource"]?.string, fields: paths(of: item["fieldsV1"] ?? [:], prefix: []))
        }
    }

    /// Writes `entries` as `metadata.managedFields` (entries that own nothing are dropped, as the server does).
    static func store(_ entries: [Entry], in object: inout JSONValue) {
        let kept = entries.filter { !$0.fields.isEmpty }
        object.set("metadata.managedFields", kept.isEmpty ? nil : .array(kept.map { entry in
            var item: JSONValue = ["manager": .string(entry.manager), "operation": .string(entry.operation),
                                   "apiVersion": .string(entry.apiVersion), "time": .string(entry.time),
                                   "fieldsType": "FieldsV1", "fieldsV1": encode(entry.fields)]
            if let subresource = entry.subresource { item["subresource"] = .string(subresource) }
            return item
        }))
    }

    private static func encode(_ fields: Set<FieldPath>) -> JSONValue {
        var root: JSONValue = [:]
        for path in fields {
            root = inserting(root, path.map { $0.hasPrefix("k:") ? $0 : "f:\($0)" }[...])
        }
        return root
    }

    private static func inserting(_ node: JSONValue, _ tokens: ArraySlice<String>) -> JSONValue {
        guard let token = tokens.first else { return node }
        var members = node.object ?? [:]
        members[token] = inserting(members[token] ?? [:], tokens.dropFirst())
        return .object(members)
    }

    private static func paths(of node: JSONValue, prefix: FieldPath) -> Set<FieldPath> {
        guard let members = node.object, !members.isEmpty else { return prefix.isEmpty ? [] : [prefix] }
        var result: Set<FieldPath> = []
        for (token, inner) in members where token != "." {
            let name = token.hasPrefix("f:") ? String(token.dropFirst(2)) : token
            result.formUnion(paths(of: inner, prefix: prefix + [name]))
        }
        return result
    }
}

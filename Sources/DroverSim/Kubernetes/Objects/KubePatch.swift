import Foundation

/// The three patch formats kubectl sends (kube-and-rancher-wire.md §A.6), applied to a stored object.
enum KubePatch {
    /// RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, anything else replaces.
    static func merge(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let members) = patch else { return patch }
        var result = target.object ?? [:]
        for (key, value) in members {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = merge(result[key] ?? .null, value)
            }
        }
        return .object(result)
    }

    /// Lists merged element by element under a key instead of replaced (the `patchMergeKey` of the core/v1 and
    /// apps/v1 types, §A.6); every other list is atomic (e.g. `spec.taints`, `tolerations`).
    static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name",
        "volumes": "name", "volumeMounts": "mountPath", "imagePullSecrets": "name", "conditions": "type",
        "addresses": "type", "ports": "containerPort", "hostAliases": "ip", "ownerReferences": "uid",
    ]

    /// Lists of strings merged as sets (`patchStrategy: merge` without a key).
    static let mergedPrimitiveLists: Set<String> = ["finalizers"]

    /// Strategic merge patch: a merge patch whose keyed lists merge by key, with the directives `$patch`
    /// (`replace`, `delete`), `$retainKeys`, `$setElementOrder/<field>` and `$deleteFromPrimitiveList/<field>`.
    static func strategicMerge(_ target: JSONValue, _ patch: JSONValue) throws(KubeStatusError) -> JSONValue {
        guard case .object(var members) = patch else { return patch }
        if let directive = members.removeValue(forKey: "$patch")?.string {
            switch directive {
            case "replace": return strip(.object(members))
            case "delete": return .null
            case "merge": break
            default: throw .badRequest("unknown patch directive $patch: \(directive)")
            }
        }
        var result = target.object ?? [:]
        if let retain = members.removeValue(forKey: "$retainKeys")?.array {
            let keep = Set(retain.compactMap(\.string))
            result = result.filter { keep.contains($0.key) }
        }
        for (key, value) in members {
            if key.hasPrefix("$setElementOrder/") { continue }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                let drop = value.array ?? []
                result[field] = result[field]?.array.map { .array($0.filter { !drop.contains($0) }) }
                continue
            }
            if value == .null { result[key] = nil; continue }
            switch value {
            case .object:
                result[key] = try strategicMerge(result[key] ?? .null, value)
            case .array(let items):
                if let mergeKey = mergeKeys[key], case .array(let current)? = result[key] {
                    result[key] = .array(try mergeList(current, items, key: mergeKey))
                } else if mergedPrimitiveLists.contains(key), case .array(let current)? = result[key] {
                    result[key] = .array(current + items.filter { !current.contains($0) })
                } else {
                    result[key] = .array(items.map(strip))
                }
            default:
                result[key] = value
            }
        }
        return .object(result)
    }

    private static func mergeList(_ current: [JSONValue], _ patch: [JSONValue], key: String) throws(KubeStatusError) -> [JSONValue] {
        if patch.contains(where: { $0["$patch"]?.string == "replace" }) {
            return patch.filter { $0["$patch"] == nil }.map(strip)
        }
        var result = current
        for item in patch {
            guard let id = item[key] else { throw .badRequest("map: \(item.encodedText) does not contain declared merge key: \(key)") }
            let index = result.firstIndex { $0[key] == id }
            if item["$patch"]?.string == "delete" {
                if let index { result.remove(at: index) }
            } else if let index {
                result[index] = try strategicMerge(result[index], item)
            } else {
                result.append(strip(item))
            }
        }
        return result
    }

    /// The value without directive keys and without `null` members (what storing a new element means).
    private static func strip(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(members.filter { !$0.key.hasPrefix("$") && $0.value != .null }.mapValues(strip))
        case .array(let items):
            return .array(items.map(strip))
        default:
            return value
        }
    }

    /// RFC 6902 JSON patch (`add`, `remove`, `replace`, `move`, `copy`, `test`) with RFC 6901 pointers.
    static func json(_ target: JSONValue, _ operations: JSONValue) throws(KubeStatusError) -> JSONValue {
        guard let list = operations.array else { throw .badRequest("json patch must be an array of operations") }
        var document = target
        for operation in list {
            let op = operation["op"]?.string ?? ""
            let path = try pointer(operation["path"]?.string, op)
            switch op {
            case "add": document = try set(document, path[...], operation["value"] ?? .null, insert: true)
            case "replace":
                _ = try get(document, path)
                document = try set(document, path[...], operation["value"] ?? .null, insert: false)
            case "remove": document = try remove(document, path[...])
            case "move", "copy":
                let from = try pointer(operation["from"]?.string, op)
                let value = try get(document, from)
                if op == "move" { document = try remove(document, from[...]) }
                document = try set(document, path[...], value, insert: true)
            case "test":
                guard try get(document, path) == operation["value"] else {
                    throw .badRequest("the server rejected our request due to an error in our request: testing value at \(operation["path"]?.string ?? "") failed")
                }
            default:
                throw .badRequest("Unexpected kind: \(op)")
            }
        }
        return document
    }

    private static func pointer(_ text: String?, _ op: String) throws(KubeStatusError) -> [String] {
        guard let text, text.isEmpty || text.hasPrefix("/") else { throw .badRequest("json patch \(op): missing or invalid path") }
        return text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func get(_ document: JSONValue, _ path: [String]) throws(KubeStatusError) -> JSONValue {
        var node = document
        for token in path {
            if let members = node.object, let next = members[token] { node = next }
            else if let items = node.array, let index = Int(token), items.indices.contains(index) { node = items[index] }
            else { throw .badRequest("jsonpatch: path /\(path.joined(separator: "/")) does not exist") }
        }
        return node
    }

    private static func set(_ node: JSONValue, _ path: ArraySlice<String>, _ value: JSONValue, insert: Bool) throws(KubeStatusError) -> JSONValue {
        guard let token = path.first else { return value }
        let last = path.count == 1
        switch node {
        case .object(var members):
            if last { members[token] = value }
            else {
                guard let child = members[token] else { throw .badRequest("jsonpatch add: missing parent of \(path.joined(separator: "/"))") }
                members[token] = try set(child, path.dropFirst(), value, insert: insert)
            }
            return .object(members)
        case .array(var items):
            let index = token == "-" ? items.count : Int(token) ?? -1
            guard index >= 0, index <= items.count, last || index < items.count else {
                throw .badRequest("jsonpatch: index \(token) out of range")
            }
            if last {
                if insert { items.insert(value, at: index) }
                else if index < items.count { items[index] = value }
                else { throw .badRequest("jsonpatch replace: index \(token) out of range") }
            } else {
                items[index] = try set(items[index], path.dropFirst(), value, insert: insert)
            }
            return .array(items)
        default:
            throw .badRequest("jsonpatch: cannot descend into a scalar at \(token)")
        }
    }

    private static func remove(_ node: JSONValue, _ path: ArraySlice<String>) throws(KubeStatusError) -> JSONValue {
        guard let token = path.first else { throw .badRequest("jsonpatch remove: empty path") }
        switch node {
        case .object(var members):
            guard let child = members[token] else { throw .badRequest("jsonpatch remove: missing \(token)") }
            members[token] = path.count == 1 ? nil : try remove(child, path.dropFirst())
            return .object(members)
        case .array(var items):
            guard let index = Int(token), items.indices.contains(index) else { throw .badRequest("jsonpatch remove: index \(token) out of range") }
            if path.count == 1 { items.remove(at: index) } else { items[index] = try remove(items[index], path.dropFirst()) }
            return .array(items)
        default:
            throw .badRequest("jsonpatch remove: cannot descend into a scalar at \(token)")
        }
    }
}

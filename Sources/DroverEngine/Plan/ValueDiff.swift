/// Computes the paths at which two input values differ; an unknown on the new side always counts as a difference.
enum ValueDiff {
    static func changedPaths(_ old: Value, _ new: Value) -> [String] {
        var paths: [String] = []
        walk(old, new, path: "", into: &paths)
        return paths
    }

    private static func walk(_ old: Value, _ new: Value, path: String, into paths: inout [String]) {
        switch (old, new) {
        case (.object(let a), .object(let b)):
            for key in Set(a.keys).union(b.keys).sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                walk(a[key] ?? .null, b[key] ?? .null, path: child, into: &paths)
            }
        case (.array(let a), .array(let b)) where a.count == b.count:
            for index in a.indices { walk(a[index], b[index], path: "\(path)[\(index)]", into: &paths) }
        case (_, .unknown), (_, .reference):
            paths.append(path)
        default:
            if old != new { paths.append(path) }
        }
    }

    /// The top-level field a path starts with.
    static func topField(_ path: String) -> String {
        String(path.prefix { $0 != "." && $0 != "[" })
    }
}

/// Comparing ARM resource ids, which ARM may answer in other casing (`resourcegroups`; azure-api.md §11.14).
public enum ResourceID {
    /// Whether two ids name the same resource (case-insensitive).
    public static func same(_ a: String?, _ b: String?) -> Bool { a?.lowercased() == b?.lowercased() }

    /// `wanted` when `seen` names the same resource (so casing alone is no drift), else `seen`.
    public static func spelled(_ seen: String?, as wanted: String?) -> String? { same(seen, wanted) ? wanted : seen }

    /// The last segment of an id: the resource's own name.
    public static func name(of id: String) -> String { String(id.split(separator: "/").last ?? "") }
}

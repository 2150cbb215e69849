import Foundation

/// An ARM request path split into what the router needs; matching is case-insensitive (azure-api.md §11.14).
struct ArmPath: Sendable {
    /// The original segments.
    let segments: [String]
    /// Lower-cased segments.
    let lower: [String]

    init(_ path: String) {
        segments = path.split(separator: "/").map(String.init)
        lower = segments.map { $0.lowercased() }
    }

    var count: Int { segments.count }

    /// Whether the lower-cased segments match `pattern`, where `*` matches any one segment.
    func matches(_ pattern: [String]) -> Bool {
        guard pattern.count == lower.count else { return false }
        return zip(pattern, lower).allSatisfy { $0 == "*" || $0 == $1 }
    }

    /// The lower-cased path, used as a key.
    var key: String { "/" + lower.joined(separator: "/") }
}

import Yams

/// Read-only helpers over a parsed YAML/JSON tree, matching keys by their text so that quoting does not matter.
extension Node {
    /// The value under `key` in a mapping.
    func value(_ key: String) -> Node? {
        mapping?.first(where: { $0.key.scalar?.string == key })?.value
    }

    /// The value at a path of mapping keys.
    func value(at path: [String]) -> Node? {
        path.reduce(Optional(self)) { node, key in node?.value(key) }
    }

    /// The items of a sequence, or none.
    var items: [Node] { sequence.map { Array($0) } ?? [] }

    /// The text of a scalar that is not null.
    var text: String? {
        guard let scalar, !(scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)) else { return nil }
        return scalar.string
    }

    /// True for the YAML booleans `true`/`True`/`TRUE` (and JSON `true`).
    var isTrue: Bool { ["true", "True", "TRUE"].contains(scalar?.string ?? "") }

    /// A value that is not null: a non-null scalar, a mapping or a sequence.
    var isPresent: Bool { text != nil || mapping != nil || sequence != nil }
}

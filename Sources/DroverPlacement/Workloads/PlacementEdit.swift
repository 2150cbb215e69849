import Yams

/// One addition placement makes to an object: a field set where it was missing, or an item appended to a list.
/// The same edits are applied to YAML by `place` and rendered as JSONPatch `add` operations by the webhook.
public struct PlacementEdit: Sendable, Hashable {
    /// Keys from the object root to the field (for `append`, to the list).
    public var path: [String]
    /// The value added.
    public var value: PlacementValue
    /// Append `value` to the list at `path` instead of setting the field.
    public var append: Bool

    /// Creates an edit.
    public init(path: [String], value: PlacementValue, append: Bool = false) {
        self.path = path
        self.value = value
        self.append = append
    }

    /// Applies the edit to `root`, creating missing mappings on the way; new nodes' tags share `constructor`.
    public func apply(to root: inout Node, constructor: Constructor = .default) {
        root = Self.applying(value.node(constructor: constructor), append: append, at: path[...], in: root, constructor: constructor)
    }

    static func applying(_ value: Node, append: Bool, at path: ArraySlice<String>, in node: Node, constructor: Constructor) -> Node {
        guard let key = path.first else {
            guard append else { return value }
            var items = node.items
            items.append(value)
            return Node(items, node.tag, node.sequence?.style ?? .any)
        }
        var mapping = node.mapping ?? Node.Mapping([], PlacementValue.tag(constructor))
        let index = mapping.firstIndex(where: { $0.key.scalar?.string == key })
        let child = index.map { mapping[$0].value }.flatMap { $0.isPresent ? $0 : nil } ?? Node([(Node, Node)](), PlacementValue.tag(constructor))
        let updated = applying(value, append: append, at: path.dropFirst(), in: child, constructor: constructor)
        if let index {
            mapping[mapping[index].key] = updated
        } else {
            mapping[Node(key, PlacementValue.tag(constructor))] = updated
        }
        return .mapping(mapping)
    }
}

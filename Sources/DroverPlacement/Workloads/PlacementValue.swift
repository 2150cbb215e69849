import Foundation
import Yams

/// A value placement adds: a string, a mapping with ordered keys, or a list. Sendable, unlike a YAML tree.
public indirect enum PlacementValue: Sendable, Hashable {
    case string(String)
    case mapping([Field])
    case list([PlacementValue])

    /// One key and its value in a mapping.
    public struct Field: Sendable, Hashable {
        public var key: String
        public var value: PlacementValue

        /// Creates a field.
        public init(_ key: String, _ value: PlacementValue) {
            self.key = key
            self.value = value
        }
    }

    /// A mapping of string values in the given order.
    public static func strings(_ pairs: [(String, String)]) -> PlacementValue {
        .mapping(pairs.map { Field($0.0, .string($0.1)) })
    }

    /// The value as a YAML tree whose scalars resolve with Yams' basic resolver and whose tags share `constructor`.
    ///
    /// The emitter resolves every node's tag, and Yams' default resolver runs its regular expressions on each
    /// scalar; with the basic one (the one `place` parses with) the printed YAML is the same, as scalars are
    /// emitted with implicit tags. Each node needs a `Tag` of its own, as resolving a `Tag` sets its name.
    public func node(constructor: Constructor = .default) -> Node {
        switch self {
        case let .string(text): Node(text, Self.tag(constructor))
        case let .mapping(fields): Node(fields.map { (Node($0.key, Self.tag(constructor)), $0.value.node(constructor: constructor)) }, Self.tag(constructor))
        case let .list(items): Node(items.map { $0.node(constructor: constructor) }, Self.tag(constructor))
        }
    }

    /// A new implicit tag with the basic resolver.
    static func tag(_ constructor: Constructor) -> Tag {
        Tag(.implicit, .basic, constructor)
    }

    /// The value for the webhook's JSON writer.
    var jsonText: JSONText {
        switch self {
        case let .string(text): .string(text)
        case let .mapping(fields): .object(fields.map { ($0.key, $0.value.jsonText) })
        case let .list(items): .array(items.map(\.jsonText))
        }
    }

    /// Compact flow text for reports: `{name: windows}`.
    public var flow: String {
        switch self {
        case let .string(text): text
        case let .mapping(fields): "{" + fields.map { "\($0.key): \($0.value.flow)" }.joined(separator: ", ") + "}"
        case let .list(items): "[" + items.map(\.flow).joined(separator: ", ") + "]"
        }
    }
}

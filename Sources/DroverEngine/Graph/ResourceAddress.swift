/// The unique address of a resource: its type and its name, written `type/name` (for example `azure.vm/k8s/win-0`).
public struct ResourceAddress: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The resource type, such as `azure.vm`; it selects the handler.
    public var type: String
    /// The name inside the type, such as `k8s/win-0`.
    public var name: String

    /// Creates an address from a type and a name.
    public init(type: String, name: String) {
        self.type = type
        self.name = name
    }

    /// Parses `type/name`; returns nil when there is no slash or either side is empty.
    public init?(parsing text: String) {
        guard let slash = text.firstIndex(of: "/") else { return nil }
        let type = String(text[..<slash])
        let name = String(text[text.index(after: slash)...])
        guard !type.isEmpty, !name.isEmpty else { return nil }
        self.init(type: type, name: name)
    }

    public init(stringLiteral value: String) {
        guard let parsed = ResourceAddress(parsing: value) else {
            preconditionFailure("invalid resource address literal \(value)")
        }
        self = parsed
    }

    public var description: String { "\(type)/\(name)" }

    public static func < (lhs: ResourceAddress, rhs: ResourceAddress) -> Bool {
        lhs.description < rhs.description
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = ResourceAddress(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "resource address \(text) is not of the form type/name")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A reference to another resource by id (`SubResource` in network.json and common.json).
public struct SubResource: Codable, Sendable, Equatable {
    /// The referenced resource's id.
    public var id: String

    /// Creates a reference.
    public init(_ id: String) { self.id = id }
}

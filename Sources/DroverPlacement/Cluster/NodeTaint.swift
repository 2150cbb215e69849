/// A node taint (core/v1 Taint): pods without a matching toleration are kept off the node.
public struct NodeTaint: Sendable, Hashable, CustomStringConvertible {
    /// The key, such as `cattle.io/os`.
    public var key: String
    /// The value, empty when none.
    public var value: String
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    public var effect: String

    /// Creates a taint.
    public init(key: String, value: String = "", effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    /// `key=value:effect`.
    public var description: String { "\(key)\(value.isEmpty ? "" : "=\(value)"):\(effect)" }

    /// The toleration that matches exactly this taint.
    var toleration: PlacementValue {
        .strings([("key", key), ("operator", "Equal"), ("value", value), ("effect", effect)])
    }
}

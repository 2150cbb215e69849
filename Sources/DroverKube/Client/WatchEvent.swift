import DroverEngine

/// One change a watch reports (kube-and-rancher-wire.md §A.7: `{"type": …, "object": …}` per line).
public struct WatchEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    /// What happened.
    public var kind: Kind
    /// The object as it is now (as it was last, for `deleted`).
    public var object: Value
    /// True for objects replayed from a fresh list after the watch's resource version expired (410), which may
    /// repeat earlier events.
    public var fromRelist: Bool

    /// Creates an event.
    public init(kind: Kind, object: Value, fromRelist: Bool = false) {
        self.kind = kind
        self.object = object
        self.fromRelist = fromRelist
    }
}

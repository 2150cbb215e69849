/// How a patch body is to be read (kube-and-rancher-wire.md §A.6).
public enum PatchType: String, Sendable, CaseIterable {
    /// RFC 7386 JSON merge patch.
    case merge = "application/merge-patch+json"
    /// Strategic merge patch: lists with a merge key merged by key.
    case strategicMerge = "application/strategic-merge-patch+json"
    /// RFC 6902 JSON patch.
    case json = "application/json-patch+json"
}

/// What happens to an object's dependents when it is deleted (`DeleteOptions.propagationPolicy`).
public enum DeletePropagation: String, Sendable {
    /// Deleted in the background after the owner (kubectl's default).
    case background = "Background"
    /// Deleted before the owner disappears.
    case foreground = "Foreground"
    /// Left behind, no longer owned.
    case orphan = "Orphan"
}

/// Which objects a list or watch returns.
public struct KubeSelector: Sendable, Equatable {
    /// A label selector such as `kubernetes.io/os=windows,app in (web)`.
    public var labels: String?
    /// A field selector such as `spec.nodeName=n1,status.phase!=Succeeded`.
    public var fields: String?

    /// Creates a selector; nil members select everything.
    public init(labels: String? = nil, fields: String? = nil) {
        self.labels = labels
        self.fields = fields
    }
}

import Foundation

/// A resource type as the API server's discovery describes it: where objects of a kind live and whether they
/// belong to a namespace (kube-and-rancher-wire.md §A.2, legacy `APIResourceList`).
public struct APIResource: Sendable, Equatable {
    /// `v1` or `group/version`, such as `apps/v1`.
    public var groupVersion: String
    /// The kind, such as `Deployment`.
    public var kind: String
    /// The plural resource name in paths, such as `deployments`.
    public var name: String
    /// Whether objects live in a namespace.
    public var namespaced: Bool

    /// Creates a resource description.
    public init(groupVersion: String, kind: String, name: String, namespaced: Bool) {
        self.groupVersion = groupVersion
        self.kind = kind
        self.name = name
        self.namespaced = namespaced
    }

    /// The path of the collection, `/api/v1/namespaces/NS/pods` or `/apis/apps/v1/deployments` (all namespaces or
    /// cluster-scoped when `namespace` is nil).
    public func collectionPath(namespace: String?) -> String {
        let root = groupVersion.contains("/") ? "/apis/\(groupVersion)" : "/api/\(groupVersion)"
        guard namespaced, let namespace else { return "\(root)/\(name)" }
        return "\(root)/namespaces/\(KubePath.escape(namespace))/\(name)"
    }

    /// The path of one object.
    public func objectPath(name object: String, namespace: String?) -> String {
        "\(collectionPath(namespace: namespace))/\(KubePath.escape(object))"
    }
}

/// Path and query escaping for API paths.
enum KubePath {
    /// `text` escaped as one path segment.
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}

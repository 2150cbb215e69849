import Foundation

/// Where one object is stored: its resource, namespace (empty for cluster-scoped kinds) and name.
struct KubeObjectKey: Sendable, Hashable, Codable, Comparable {
    /// `plural.group` (`deployments.apps`, `nodes`).
    let resource: String
    let namespace: String
    let name: String

    init(_ type: KubeResourceType, namespace: String?, name: String) {
        resource = type.qualifiedName
        self.namespace = type.namespaced ? (namespace ?? "") : ""
        self.name = name
    }

    static func < (lhs: KubeObjectKey, rhs: KubeObjectKey) -> Bool {
        (lhs.resource, lhs.namespace, lhs.name) < (rhs.resource, rhs.namespace, rhs.name)
    }
}

/// Reading the metadata every object carries (kube-and-rancher-wire.md §A.9).
extension JSONValue {
    var metadataName: String { at("metadata.name")?.string ?? "" }
    var metadataNamespace: String { at("metadata.namespace")?.string ?? "" }
    var uid: String { at("metadata.uid")?.string ?? "" }
    /// `metadata.labels` as strings.
    var labels: [String: String] { (at("metadata.labels")?.object ?? [:]).compactMapValues(\.string) }
    /// The owners' uids (`metadata.ownerReferences[].uid`).
    var ownerUIDs: [String] { (at("metadata.ownerReferences")?.array ?? []).compactMap { $0["uid"]?.string } }
}

import Foundation

/// One kind of object the simulated API server stores: where it lives (group, version, plural) and what discovery
/// says about it (kube-and-rancher-wire.md §A.2: `responseKind`, `shortNames`, scope, verbs).
struct KubeResourceType: Sendable, Hashable {
    /// API group, empty for the core group.
    let group: String
    /// API version, e.g. `v1`.
    let version: String
    /// Plural resource name used in paths (`deployments`).
    let plural: String
    /// Singular resource name (`deployment`).
    let singular: String
    /// The object kind (`Deployment`).
    let kind: String
    /// Whether objects live in a namespace.
    let namespaced: Bool
    /// Short names kubectl resolves only through discovery (§A.2 point 6).
    let shortNames: [String]
    /// Discovery categories (`all`).
    let categories: [String]
    /// Whether a `status` subresource splits spec writes from status writes.
    let hasStatus: Bool
    /// Whether `metadata.generation` counts spec changes.
    let tracksGeneration: Bool

    /// `apps/v1`, or `v1` for the core group.
    var groupVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// The resource as error messages name it: `deployments.apps`, `nodes` (§A.8).
    var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }
    /// The path prefix of this group version: `/api/v1` or `/apis/apps/v1`.
    var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The verbs every stored kind supports.
    static let verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
}

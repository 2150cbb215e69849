import Foundation

/// The seam between the Rancher simulator and the Kubernetes API simulator: one simulated Kubernetes cluster as
/// Rancher sees it (a workload cluster, or Rancher's own `local` cluster).
///
/// The Rancher simulator creates one per cluster through a ``DownstreamClusterFactory``, proxies
/// `/k8s/clusters/{id}/...` to ``handle(_:)`` (rancher-api.md, kube-and-rancher-wire.md §C.7), and reads the nodes to
/// decide when the cluster is active. Simulated machines register their kubelet's Node object over that proxy.
public protocol DownstreamCluster: Sendable {
    /// Answers one Kubernetes API request (the path as the API server sees it, e.g. `/api/v1/nodes`), with the
    /// bearer token already checked by whoever forwarded it.
    func handle(_ request: SimRequest) async -> SimResponse

    /// The cluster's nodes as they stand now.
    func nodeSummaries() async -> [DownstreamNodeSummary]

    /// Removes every object (the cluster was deleted in Rancher).
    func tearDown() async
}

/// Builds the Kubernetes API of a new cluster: its Rancher id (`c-m-xxxxxxxx`, `c-xxxxx` or `local`), display name,
/// and distribution (`rke1`, `rke2`).
public typealias DownstreamClusterFactory = @Sendable (_ id: String, _ name: String, _ distribution: String) -> any DownstreamCluster

/// What Rancher needs to know about one node of a downstream cluster.
public struct DownstreamNodeSummary: Sendable, Equatable, Codable {
    /// The Kubernetes node name.
    public var name: String
    /// `linux` or `windows` (label `kubernetes.io/os`).
    public var os: String
    /// `etcd`, `controlplane`, `worker` (from the `node-role.kubernetes.io/*` labels).
    public var roles: Set<String>
    /// Whether the node's `Ready` condition is `True`.
    public var ready: Bool

    /// Creates a summary.
    public init(name: String, os: String, roles: Set<String>, ready: Bool) {
        self.name = name
        self.os = os
        self.roles = roles
        self.ready = ready
    }
}

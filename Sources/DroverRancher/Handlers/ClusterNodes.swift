import DroverEngine

/// A cluster's nodes as Rancher's management API lists them: `GET /v3/nodes?clusterId=` (kube-and-rancher-wire.md
/// §C.6: made by the node syncer from the downstream Kubernetes nodes; role booleans from the
/// `node-role.kubernetes.io/*` labels; `state` active when Ready).
struct ClusterNodes {
    /// One node.
    struct Node: Decodable, Sendable {
        struct Condition: Decodable, Sendable {
            var type: String
            var status: String?
            var message: String?
            var reason: String?
        }
        var nodeName: String?
        var hostname: String?
        var state: String?
        var etcd: Bool?
        var controlPlane: Bool?
        var worker: Bool?
        var labels: [String: String]?
        var conditions: [Condition]?

        /// The Kubernetes node name.
        var name: String { nodeName ?? hostname ?? "?" }
        /// `linux` or `windows` from the kubelet's `kubernetes.io/os` label (or the beta one), if known.
        var os: String? { labels?["kubernetes.io/os"] ?? labels?["beta.kubernetes.io/os"] }
        /// The `Ready` condition when present, else `state == active`.
        var isReady: Bool {
            if let ready = conditions?.first(where: { $0.type == "Ready" }) { return ready.status == "True" }
            return state == "active"
        }
        /// The roles as words.
        var roles: [String] {
            [etcd == true ? "etcd" : nil, controlPlane == true ? "control-plane" : nil, worker == true ? "worker" : nil].compactMap { $0 }
        }
        /// The last word on why it is not Ready: the Ready condition's message or reason, else the state.
        var lastCondition: String {
            if let ready = conditions?.first(where: { $0.type == "Ready" }) {
                let why = [ready.reason, ready.message].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
                return "Ready=\(ready.status ?? "Unknown")" + (why.isEmpty ? "" : " (\(why))")
            }
            return "state \(state ?? "unknown")"
        }
    }

    /// A CAPI machine of an RKE2 custom cluster (kube-and-rancher-wire.md §C.6): exists from the agent's first
    /// `/v3/connect/agent` call, before any Kubernetes node.
    struct Machine: Decodable, Sendable {
        struct Metadata: Decodable, Sendable { var name: String?; var labels: [String: String]? }
        struct Status: Decodable, Sendable {
            struct NodeRef: Decodable, Sendable { var name: String? }
            var phase: String?
            var nodeRef: NodeRef?
        }
        var metadata: Metadata?
        var status: Status?

        /// The node name it stands for: `status.nodeRef.name` once joined, else the `rke.cattle.io/node-name` label.
        var nodeName: String? { status?.nodeRef?.name ?? metadata?.labels?["rke.cattle.io/node-name"] }
    }

    let client: RancherClient
    let clusterId: String

    /// The machines of provisioning cluster `clusterName` in `fleet-default`, matched by the
    /// `cluster.x-k8s.io/cluster-name` label (§C.6); none when the server has no such collection (only a hint).
    func machines(clusterName: String, context: OperationContext) async throws -> [Machine] {
        let all = try await CodedError.nilWhenNotFound {
            try await client.json(RancherCollection<Machine>.self, "GET", "/v1/cluster.x-k8s.io.machines/fleet-default", context: context).data
        }
        return (all ?? []).filter { $0.metadata?.labels?["cluster.x-k8s.io/cluster-name"] == clusterName }
    }

    /// Every node of the cluster.
    func list(context: OperationContext) async throws -> [Node] {
        try await client.json(RancherCollection<Node>.self, "GET", "/v3/nodes", query: [("clusterId", clusterId)], context: context).data
    }

    /// The management cluster's `state` (`provisioning`, `updating`, `active`, …; rancher-api.md §6.4).
    func clusterState(context: OperationContext) async throws -> String? {
        struct Cluster: Decodable { var state: String? }
        return try await client.json(Cluster.self, "GET", "/v3/clusters/\(clusterId)", context: context).state
    }
}

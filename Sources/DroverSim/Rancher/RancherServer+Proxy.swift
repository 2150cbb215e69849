import Foundation

/// `/k8s/clusters/{id}/...`: Rancher's authenticating proxy to a cluster's Kubernetes API (rancher-api.md §4.1,
/// kube-and-rancher-wire.md §C.7); it accepts users' API tokens and the cluster's own agent token (seams agreement).
extension RancherServer {
    func proxy(_ request: SimRequest) async -> SimResponse {
        let rest = request.path.dropFirst("/k8s/clusters/".count)
        let id = String(rest.prefix { $0 != "/" })
        guard let cluster = world.clusters[id], cluster.visibleAt <= now else {
            return RancherError.norman(404, "NotFound", "clusters.management.cattle.io \"\(id)\" not found")
        }
        let bearer = Self.credential(request) ?? ""
        let isAgent = !bearer.isEmpty && bearer == cluster.agentToken
        if !isAgent, case .failure(let refusal) = authenticate(request) {
            return RancherError.norman(401, "Unauthorized", refusal.message)
        }
        guard let api = downstream[id] else {
            return RancherError.norman(503, "ClusterUnavailable", "cluster \(id) has no Kubernetes API attached (its agent is not connected)")
        }
        var forwarded = request
        let path = String(rest.dropFirst(id.count))
        forwarded.path = path.isEmpty ? "/" : path
        forwarded.headers["authorization"] = nil
        forwarded.headers["cookie"] = nil
        return await api.handle(forwarded)
    }
}

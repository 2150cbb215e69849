import Foundation

/// Management clusters on `/v3/clusters`: RKE1 custom clusters (rancher-api.md §2), the management side of RKE2
/// clusters and `local`, their state, and `generateKubeconfig` (kube-and-rancher-wire.md §C.7).
extension RancherServer {
    func clustersRequest(_ request: SimRequest, caller: Caller, segments: [String]) async -> SimResponse {
        switch (request.method, segments.count) {
        case ("GET", 2):
            var clusters = world.clusters.values.filter { $0.visibleAt <= now }.sorted { $0.id < $1.id }
            if let name = request.query["name"] { clusters = clusters.filter { $0.name == name } }
            var data: [JSONValue] = []
            for cluster in clusters { data.append(await clusterResource(cluster.id, request: request)) }
            return .json(200, collection("cluster", data, request: request))
        case ("POST", 2): return createRKE1Cluster(request)
        case (_, 3):
            guard isVisible(segments[2]) else {
                return RancherError.norman(404, "NotFound", "clusters.management.cattle.io \"\(segments[2])\" not found")
            }
            return await clusterRequest(request, caller: caller, id: segments[2])
        default: return RancherError.norman(405, "MethodNotAllow", "method \(request.method) not allowed")
        }
    }

    func isVisible(_ clusterId: String) -> Bool { world.clusters[clusterId].map { $0.visibleAt <= now } ?? false }

    private func clusterRequest(_ request: SimRequest, caller: Caller, id: String) async -> SimResponse {
        switch (request.method, request.query["action"]) {
        case ("GET", _): return .json(200, await clusterResource(id, request: request))
        case ("POST", "generateKubeconfig"): return generateKubeconfig(request, caller: caller, id: id)
        case ("PUT", _): return await updateRKE1Cluster(request, id: id)
        case ("DELETE", _):
            guard id != "local" else { return RancherError.norman(403, "PermissionDenied", "the local cluster cannot be deleted") }
            var resource = await clusterResource(id, request: request)
            resource["state"] = "removing"
            if let provisioning = world.provisioning.values.first(where: { $0.managementId == id }) {
                world.provisioning[provisioning.key] = nil
            }
            await removeCluster(id)
            return .json(200, resource)
        default: return RancherError.norman(405, "MethodNotAllow", "method \(request.method) not allowed")
        }
    }

    // MARK: RKE1

    /// `POST /v3/clusters` with `rancherKubernetesEngineConfig` (rancher-api.md §2.1, §2.2): 2.3–2.11 only.
    private func createRKE1Cluster(_ request: SimRequest) -> SimResponse {
        guard let body = try? JSONValue.parse(request.body), body.object != nil else {
            return RancherError.norman(422, "InvalidBodyContent", "failed to decode request body")
        }
        guard body["rancherKubernetesEngineConfig"]?.object != nil else {
            return RancherError.norman(422, "MissingRequired",
                                       "the simulator creates custom RKE1 clusters only: rancherKubernetesEngineConfig is required (RKE2: POST /v1/provisioning.cattle.io.clusters)",
                                       fieldName: "rancherKubernetesEngineConfig")
        }
        // rancher-api.md §2.2 / §4.4: RKE1 is gone from 2.12.0 (R-2.12 rancher.go validateRKE1Resources; the HTTP
        // code is an inference).
        guard configuration.version.supportsRKE1 else {
            return RancherError.norman(422, "InvalidBodyContent",
                                       "Rancher v2.12+ does not support RKE1. Detected RKE1-related resources (rancherKubernetesEngineConfig); provision RKE2 through /v1/provisioning.cattle.io.clusters")
        }
        guard let name = body["name"]?.string, !name.isEmpty else {
            return RancherError.norman(422, "MissingRequired", "name is required", fieldName: "name")
        }
        // cluster_store.go:559: a duplicate name is 422 NotUnique on field "Cluster name".
        if world.cluster(named: name) != nil {
            return RancherError.norman(422, "NotUnique", "Cluster name \"\(name)\" is already in use", fieldName: "Cluster name")
        }
        if let refusal = networkOptionsRefusal(body) { return refusal }
        let id = "c-" + draw(5)
        var stored = body
        stored["type"] = nil
        world.clusters[id] = ManagementCluster(id: id, name: name, description: body["description"]?.string ?? "", distribution: "rke1",
                                               body: stored, created: now, visibleAt: now, agentToken: newAgentToken())
        attachDownstream()
        // rancher-api.md §3.1: 2.6+ controllers make `default-token` for every cluster; 2.3 needs it created.
        if configuration.version.createsDefaultToken {
            makeRegistrationToken(clusterId: id, name: "default-token", visibleAt: now.addingTimeInterval(scaled(configuration.registrationTokenDelay)))
        }
        return .json(201, clusterBody(world.clusters[id]!, readiness: ClusterReadiness(nodes: []), request: request))
    }

    /// `network.options` is a map of strings (rancher-api.md §2.1: "Option keys are snake_case strings, values are
    /// strings"); a number is refused rather than silently converted (the HTTP code is an inference).
    private func networkOptionsRefusal(_ body: JSONValue) -> SimResponse? {
        guard let options = body.at("rancherKubernetesEngineConfig.network.options")?.object else { return nil }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) where value.string == nil {
            return RancherError.norman(422, "InvalidFormat",
                                       "rancherKubernetesEngineConfig.network.options.\(key) must be a string (e.g. \"4789\"), got \(value.encodedText)",
                                       fieldName: "options")
        }
        return nil
    }

    /// `PUT /v3/clusters/{id}`: changed fields only; `windowsPreferedCluster` is `noupdate` (rancher-api.md §2.1, §6.6)
    /// and keeps its value.
    private func updateRKE1Cluster(_ request: SimRequest, id: String) async -> SimResponse {
        guard var cluster = world.clusters[id], let body = try? JSONValue.parse(request.body), body.object != nil else {
            return RancherError.norman(422, "InvalidBodyContent", "failed to decode request body")
        }
        if let refusal = networkOptionsRefusal(body) { return refusal }
        var update = body
        for key in ["windowsPreferedCluster", "id", "type", "name", "links", "actions", "state"] { update[key] = nil }
        if let description = update["description"]?.string { cluster.description = description }
        update["description"] = nil
        cluster.body = cluster.body.merging(update)
        world.clusters[id] = cluster
        return .json(200, await clusterResource(id, request: request))
    }

    // MARK: State

    /// Reads the cluster's nodes and records the first moment it was ready (kube-and-rancher-wire.md §C.2: ready
    /// never goes back).
    func readiness(of id: String) async -> ClusterReadiness {
        let nodes = await downstream[id]?.nodeSummaries() ?? []
        let readiness = ClusterReadiness(nodes: nodes)
        if readiness.linuxReady, var cluster = world.clusters[id], cluster.firstReadyAt == nil {
            cluster.firstReadyAt = now
            world.clusters[id] = cluster
            try? save()
        }
        return readiness
    }

    func clusterResource(_ id: String, request: SimRequest) async -> JSONValue {
        let readiness = await readiness(of: id)
        guard let cluster = world.clusters[id] else { return .null }
        return clusterBody(cluster, readiness: readiness, request: request)
    }

    /// The `/v3` cluster: `state` provisioning → active (rancher-api.md §2.2, §6.4), conditions `Ready`, `Updated`,
    /// `Provisioned` (TF waits for `Updated`, §1.1).
    private func clusterBody(_ cluster: ManagementCluster, readiness: ClusterReadiness, request: SimRequest) -> JSONValue {
        let active = cluster.firstReadyAt != nil
        let message = active ? "" : readiness.waitingMessage
        let status: JSONValue = .string(active ? "True" : "Unknown")
        let conditions: JSONValue = .array(["Ready", "Updated", "Provisioned", "Connected"].map { type in
            ["type": .string(type), "status": status, "message": .string(message), "lastUpdateTime": .string(Self.timestamp(cluster.created))]
        })
        let link = baseURL(request) + "/v3/clusters/" + cluster.id
        var resource = cluster.body
        resource["id"] = .string(cluster.id)
        resource["type"] = "cluster"
        resource["baseType"] = "cluster"
        resource["name"] = .string(cluster.name)
        resource["description"] = .string(cluster.description)
        resource["state"] = .string(active ? "active" : "provisioning")
        resource["transitioning"] = .string(active ? "no" : "yes")
        resource["transitioningMessage"] = .string(message)
        resource["conditions"] = conditions
        resource["created"] = .string(Self.timestamp(cluster.created))
        if cluster.distribution == "rke1" { resource["driver"] = "rancherKubernetesEngine" }
        if cluster.distribution == "rke2" {
            resource["driver"] = "rke2"
            resource["provider"] = "rke2"
            resource["fleetWorkspaceName"] = "fleet-default"
        }
        resource["links"] = ["self": .string(link), "nodes": .string(baseURL(request) + "/v3/nodes?clusterId=" + cluster.id),
                             "clusterRegistrationTokens": .string(baseURL(request) + "/v3/clusterregistrationtokens?clusterId=" + cluster.id)]
        resource["actions"] = ["generateKubeconfig": .string(link + "?action=generateKubeconfig")]
        return resource
    }

    /// Forgets a cluster and everything hanging off it; its Kubernetes API is torn down.
    func removeCluster(_ id: String) async {
        world.clusters[id] = nil
        world.registrationTokens = world.registrationTokens.filter { $0.value.clusterId != id }
        world.machines = world.machines.filter { $0.value.clusterId != id }
        let api = downstream.removeValue(forKey: id)
        try? save()
        await api?.tearDown()
    }

    // MARK: Kubeconfig

    /// `POST /v3/clusters/{id}?action=generateKubeconfig` ⇒ 200 `{"type":"generateKubeconfigOutput","config":...}`
    /// with a new kubeconfig token of `kubeconfig-default-token-ttl-minutes` (kube-and-rancher-wire.md §C.7, §6.5).
    private func generateKubeconfig(_ request: SimRequest, caller: Caller, id: String) -> SimResponse {
        guard let cluster = world.clusters[id] else { return RancherError.norman(404, "NotFound", "cluster \(id) not found") }
        let minutes = Int64(world.settings["kubeconfig-default-token-ttl-minutes"] ?? "0") ?? 0
        let token = newToken(userId: caller.user.id, description: "Kubeconfig token", ttl: minutes * 60_000,
                             name: "kubeconfig-user-" + draw(5))
        let document = KubeconfigDocument(name: cluster.name, server: baseURL(request) + "/k8s/clusters/" + id,
                                          caCertificates: world.settings["cacerts"] ?? "", token: "\(token.name):\(token.secret)")
        return .json(200, ["type": "generateKubeconfigOutput", "baseType": "generateKubeconfigOutput", "config": .string(document.rendered())])
    }
}

extension JSONValue {
    /// The compact JSON text of this value.
    var encodedText: String { String(decoding: encoded(), as: UTF8.self) }
}

import Foundation

/// RKE2 clusters through Steve, `/v1/provisioning.cattle.io.clusters` (rancher-api.md §4.1;
/// kube-and-rancher-wire.md §C.2), validated against Rancher's CRD schema.
extension RancherServer {
    static let fleetNamespace = "fleet-default"

    func provisioningRequest(_ request: SimRequest, segments: [String]) async -> SimResponse {
        let namespace = segments.count > 2 ? segments[2] : nil
        switch (request.method, segments.count) {
        case ("GET", 2), ("GET", 3):
            var data: [JSONValue] = []
            for cluster in world.provisioning.values.sorted(by: { $0.key < $1.key }) where namespace == nil || cluster.namespace == namespace {
                data.append(await provisioningResource(cluster.key, request: request))
            }
            return .json(200, steveCollection("provisioning.cattle.io.cluster", data, request: request))
        case ("POST", 2), ("POST", 3): return createProvisioningCluster(request, pathNamespace: namespace)
        case (_, 4):
            let key = "\(segments[2])/\(segments[3])"
            guard let cluster = world.provisioning[key] else {
                return RancherError.steve(404, "NotFound", "clusters.provisioning.cattle.io \"\(segments[3])\" not found")
            }
            switch request.method {
            case "GET": return .json(200, await provisioningResource(key, request: request))
            case "PUT": return await updateProvisioningCluster(request, cluster: cluster)
            case "DELETE":
                var resource = await provisioningResource(key, request: request)
                resource.set("metadata.state", ["name": "removing", "error": false, "transitioning": true, "message": ""])
                world.provisioning[key] = nil
                await removeCluster(cluster.managementId)
                return .json(200, resource)
            default: return RancherError.steve(405, "MethodNotAllowed", "method \(request.method) not allowed")
            }
        default: return RancherError.steve(405, "MethodNotAllowed", "method \(request.method) not allowed")
        }
    }

    private func createProvisioningCluster(_ request: SimRequest, pathNamespace: String?) -> SimResponse {
        guard let body = try? JSONValue.parse(request.body), body.object != nil else {
            return RancherError.steve(400, "BadRequest", "failed to decode request body as JSON")
        }
        let name = body.at("metadata.name")?.string ?? ""
        let namespace = body.at("metadata.namespace")?.string ?? pathNamespace ?? Self.fleetNamespace
        var causes = Self.nameCauses(name)
        let checked: (pruned: JSONValue, causes: [String])
        do {
            checked = try provisioningSchema().validate(body)
        } catch {
            return RancherError.steve(500, "InternalError", "\(error)")
        }
        causes += checked.causes
        guard causes.isEmpty else { return invalid(name, causes) }
        let key = "\(namespace)/\(name)"
        guard world.provisioning[key] == nil else {
            return RancherError.steve(409, "AlreadyExists", "clusters.provisioning.cattle.io \"\(name)\" already exists")
        }
        // R14 controller.go: the management cluster `c-m-` + 8 characters appears in status.clusterName within seconds.
        let managementId = "c-m-" + draw(8)
        let visibleAt = now.addingTimeInterval(scaled(configuration.clusterNameDelay))
        world.clusters[managementId] = ManagementCluster(
            id: managementId, name: name, description: body.at("metadata.annotations")?["field.cattle.io/description"]?.string ?? "",
            distribution: "rke2", body: [:], created: now, visibleAt: visibleAt, agentToken: newAgentToken())
        attachDownstream()
        makeRegistrationToken(clusterId: managementId, name: "default-token",
                              visibleAt: visibleAt.addingTimeInterval(scaled(configuration.registrationTokenDelay)))
        var object = checked.pruned
        object["type"] = nil
        object["status"] = nil
        let cluster = ProvisioningCluster(namespace: namespace, name: name, uid: Self.uid(&world.random), object: object,
                                          managementId: managementId, created: now, generation: 1,
                                          resourceVersion: world.nextResourceVersion())
        world.provisioning[key] = cluster
        return .json(201, provisioningBody(cluster, readiness: ClusterReadiness(nodes: []), canalBlocked: [], request: request))
    }

    /// `PUT` of the whole object with its `resourceVersion`; a stale one is 409 `Conflict` (rancher-api.md §4.1).
    private func updateProvisioningCluster(_ request: SimRequest, cluster: ProvisioningCluster) async -> SimResponse {
        guard let body = try? JSONValue.parse(request.body), body.object != nil else {
            return RancherError.steve(400, "BadRequest", "failed to decode request body as JSON")
        }
        guard body.at("metadata.resourceVersion")?.string == cluster.resourceVersion else {
            return RancherError.steve(409, "Conflict",
                                      "Operation cannot be fulfilled on clusters.provisioning.cattle.io \"\(cluster.name)\": the object has been modified; please apply your changes to the latest version and try again")
        }
        let checked: (pruned: JSONValue, causes: [String])
        do { checked = try provisioningSchema().validate(body) } catch { return RancherError.steve(500, "InternalError", "\(error)") }
        guard checked.causes.isEmpty else { return invalid(cluster.name, checked.causes) }
        var updated = cluster
        updated.object["spec"] = checked.pruned["spec"]
        updated.generation += 1
        updated.resourceVersion = world.nextResourceVersion()
        world.provisioning[cluster.key] = updated
        return .json(200, await provisioningResource(cluster.key, request: request))
    }

    /// A lowercase RFC 1123 label, as Rancher requires of cluster names (Kubernetes' own message).
    static func nameCauses(_ name: String) -> [String] {
        if name.isEmpty { return ["metadata.name: Required value: name or generateName is required"] }
        let valid = name.count <= 63 && name.range(of: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", options: .regularExpression) != nil
        return valid ? [] : ["metadata.name: Invalid value: \"\(name)\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]
    }

    /// 422 `Invalid` with the API server's message, passed through by Steve with the reason as `code`
    /// (kube-and-rancher-wire.md §A.8, §C.2).
    private func invalid(_ name: String, _ causes: [String]) -> SimResponse {
        let list = causes.count == 1 ? causes[0] : "[" + causes.joined(separator: ", ") + "]"
        return RancherError.steve(422, "Invalid", "Cluster.provisioning.cattle.io \"\(name)\" is invalid: \(list)")
    }

    func provisioningSchema() throws -> CustomResourceSchema {
        try RancherSchemas.provisioningCluster.get()
    }

    // MARK: Shapes

    func provisioningResource(_ key: String, request: SimRequest) async -> JSONValue {
        guard let cluster = world.provisioning[key] else { return .null }
        let readiness = await readiness(of: cluster.managementId)
        let blocked = canalBlockedMachines(cluster)
        guard let current = world.provisioning[key] else { return .null }
        return provisioningBody(current, readiness: readiness, canalBlocked: blocked, request: request)
    }

    /// Windows machines of a canal cluster: their plan can never apply (rancher-api.md §4.3: only Calico and Flannel
    /// support Windows; peers.md P1 "Waiting for plan to be applied").
    func canalBlockedMachines(_ cluster: ProvisioningCluster) -> [RegisteredMachine] {
        guard cluster.cni == "canal" else { return [] }
        return world.machines.values.filter { $0.clusterId == cluster.managementId && $0.os == "windows" }.sorted { $0.name < $1.name }
    }

    static func canalMessage(_ machines: [RegisteredMachine]) -> String {
        "waiting for plan to be applied on Windows machine(s) \(machines.map(\.name).joined(separator: ", ")): the cluster's CNI canal cannot carry Windows nodes (only calico and flannel support Windows; the CNI cannot be changed after creation)"
    }

    /// The Steve resource (kube-and-rancher-wire.md §C.2): the object with `id`, `type`, `links`, `metadata.state`.
    private func provisioningBody(_ cluster: ProvisioningCluster, readiness: ClusterReadiness, canalBlocked: [RegisteredMachine],
                                  request: SimRequest) -> JSONValue {
        let management = world.clusters[cluster.managementId]
        let named = management.map { $0.visibleAt <= now } ?? false
        let ready = management?.firstReadyAt != nil
        var message = ready ? "" : readiness.waitingMessage
        if !canalBlocked.isEmpty { message = Self.canalMessage(canalBlocked) }
        var object = cluster.object
        object["id"] = .string(cluster.key)
        object["type"] = "provisioning.cattle.io.cluster"
        object["apiVersion"] = "provisioning.cattle.io/v1"
        object["kind"] = "Cluster"
        let link = baseURL(request) + "/v1/provisioning.cattle.io.clusters/" + cluster.key
        object["links"] = ["self": .string(link), "update": .string(link), "remove": .string(link), "view": .string(link)]
        var metadata = object["metadata"] ?? [:]
        metadata["name"] = .string(cluster.name)
        metadata["namespace"] = .string(cluster.namespace)
        metadata["uid"] = .string(cluster.uid)
        metadata["resourceVersion"] = .string(cluster.resourceVersion)
        metadata["generation"] = .int(Int64(cluster.generation))
        metadata["creationTimestamp"] = .string(Self.timestamp(cluster.created))
        metadata["state"] = ["name": .string(ready && canalBlocked.isEmpty ? "active" : ready ? "updating" : "provisioning"),
                             "error": false, "transitioning": .bool(!(ready && canalBlocked.isEmpty)), "message": .string(message)]
        metadata["relationships"] = []
        object["metadata"] = metadata
        guard named, let management else {
            object["status"] = ["observedGeneration": .int(Int64(cluster.generation))]
            return object
        }
        func condition(_ type: String, _ holds: Bool, _ text: String = "") -> JSONValue {
            ["type": .string(type), "status": .string(holds ? "True" : "Unknown"), "message": .string(text),
             "reason": .string(holds ? "" : "Waiting"), "lastUpdateTime": .string(Self.timestamp(management.created))]
        }
        object["status"] = [
            "clusterName": .string(management.id), "fleetWorkspaceName": .string(cluster.namespace),
            "clientSecretName": .string("\(cluster.name)-kubeconfig"), "agentDeployed": .bool(ready),
            "observedGeneration": .int(Int64(cluster.generation)), "ready": .bool(ready),
            "conditions": [condition("Created", true), condition("Provisioned", ready, ready ? "" : message),
                           condition("Updated", ready && canalBlocked.isEmpty, canalBlocked.isEmpty ? (ready ? "" : message) : Self.canalMessage(canalBlocked)),
                           condition("Ready", ready, ready ? "" : message)]]
        return object
    }

    /// A Steve collection (kube-and-rancher-wire.md §C.2).
    func steveCollection(_ type: String, _ data: [JSONValue], request: SimRequest) -> JSONValue {
        ["type": "collection", "resourceType": .string(type), "links": ["self": .string(baseURL(request) + request.path)],
         "createTypes": .object([type: .string(baseURL(request) + "/v1/" + type + "s")]), "actions": [:],
         "revision": .string(String(world.resourceVersion)), "count": .int(Int64(data.count)), "data": .array(data)]
    }

    static func uid(_ random: inout SeededGenerator) -> String { SimIDs.uuid(&random) }
}

/// The CRD schemas, read once per process from the bundled YAML.
enum RancherSchemas {
    static let provisioningCluster: Result<CustomResourceSchema, any Error> = Result { try CustomResourceSchema.provisioningCluster() }
}

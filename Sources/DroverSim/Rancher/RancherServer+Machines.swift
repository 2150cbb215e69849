import Foundation

/// Registered nodes as Rancher lists them: CAPI machines on `/v1/cluster.x-k8s.io.machines` (RKE2) and management
/// nodes on `/v3/nodes?clusterId=` (kube-and-rancher-wire.md §C.6).
extension RancherServer {
    func machinesRequest(_ request: SimRequest, segments: [String]) async -> SimResponse {
        guard request.method == "GET" else { return RancherError.steve(405, "MethodNotAllowed", "method \(request.method) not allowed") }
        let namespace = segments.count > 2 ? segments[2] : nil
        let rke2 = world.machines.values.filter { world.clusters[$0.clusterId]?.distribution == "rke2" }.sorted { $0.name < $1.name }
        guard namespace == nil || namespace == Self.fleetNamespace else { return .json(200, steveCollection("cluster.x-k8s.io.machine", [], request: request)) }
        var data: [JSONValue] = []
        for machine in rke2 where segments.count < 4 || machine.name == segments[3] {
            data.append(await machineResource(machine, request: request))
        }
        if segments.count == 4 {
            guard let single = data.first else {
                return RancherError.steve(404, "NotFound", "machines.cluster.x-k8s.io \"\(segments[3])\" not found")
            }
            return .json(200, single)
        }
        return .json(200, steveCollection("cluster.x-k8s.io.machine", data, request: request))
    }

    /// The machine's phase: Running once its node is Ready, Provisioned while it is not, Provisioning before it
    /// exists, and for ever in a canal cluster when it is Windows (rancher-api.md §4.3).
    func phase(of machine: RegisteredMachine, readiness: ClusterReadiness) -> MachinePhase {
        if isCanalBlocked(machine) { return .provisioning }
        guard let node = readiness.node(named: machine.nodeName) else { return .provisioning }
        return node.ready ? .running : .provisioned
    }

    private func isCanalBlocked(_ machine: RegisteredMachine) -> Bool {
        guard machine.os == "windows", let cluster = world.provisioning.values.first(where: { $0.managementId == machine.clusterId }) else {
            return false
        }
        return cluster.cni == "canal"
    }

    /// A CAPI Machine with the labels and annotations of §C.4 (`pkg/capr/common.go` names).
    private func machineResource(_ machine: RegisteredMachine, request: SimRequest) async -> JSONValue {
        let readiness = await readiness(of: machine.clusterId)
        let phase = phase(of: machine, readiness: readiness)
        let clusterName = world.clusters[machine.clusterId]?.name ?? ""
        var labels: [String: JSONValue] = [
            "rke.cattle.io/machine-id": .string(machine.cattleId), "rke.cattle.io/cluster-name": .string(clusterName),
            "cluster.x-k8s.io/cluster-name": .string(clusterName), "rke.cattle.io/node-name": .string(machine.nodeName)]
        if machine.roles.contains("etcd") { labels["rke.cattle.io/etcd-role"] = "true" }
        if machine.roles.contains("controlplane") {
            labels["rke.cattle.io/control-plane-role"] = "true"
            labels["cluster.x-k8s.io/control-plane"] = "true"
        }
        if machine.roles.contains("worker") { labels["rke.cattle.io/worker-role"] = "true" }
        for (key, value) in machine.labels { labels[key] = .string(value) }
        let message = isCanalBlocked(machine) ? Self.canalMessage([machine]) : phase == .running ? "" : "waiting for the node to be Ready"
        var status: JSONValue = ["phase": .string(phase.rawValue),
                                 "conditions": [["type": "Ready", "status": .string(phase == .running ? "True" : "False"),
                                                 "reason": .string(phase == .running ? "" : "Waiting"), "message": .string(message)]]]
        if phase != .provisioning { status["nodeRef"] = ["kind": "Node", "name": .string(machine.nodeName), "apiVersion": "v1"] }
        let key = "\(Self.fleetNamespace)/\(machine.name)"
        return ["id": .string(key), "type": "cluster.x-k8s.io.machine", "apiVersion": .string(configuration.version.machineAPIVersion),
                "kind": "Machine", "links": ["self": .string(baseURL(request) + "/v1/cluster.x-k8s.io.machines/" + key)],
                "metadata": ["name": .string(machine.name), "namespace": .string(Self.fleetNamespace), "uid": .string(machine.uid),
                             "creationTimestamp": .string(Self.timestamp(machine.created)), "labels": .object(labels),
                             "annotations": ["rke.cattle.io/address": .string(machine.address),
                                             "rke.cattle.io/internal-address": .string(machine.internalAddress),
                                             "rke.cattle.io/taints": .string(machine.taints.joined(separator: ","))],
                             "state": ["name": .string(phase.rawValue.lowercased()), "error": false,
                                       "transitioning": .bool(phase != .running), "message": .string(message)]],
                "spec": ["clusterName": .string(clusterName),
                         "infrastructureRef": ["kind": "CustomMachine", "name": .string(machine.name), "namespace": .string(Self.fleetNamespace)]],
                "status": status]
    }

    /// `GET /v3/nodes?clusterId=` (§C.6): one node per registered machine, roles as booleans, `state` from the phase.
    func nodesRequest(_ request: SimRequest) async -> SimResponse {
        guard request.method == "GET" else { return RancherError.norman(405, "MethodNotAllow", "method \(request.method) not allowed") }
        let machines = world.machines.values.filter { request.query["clusterId"] == nil || $0.clusterId == request.query["clusterId"] }
            .sorted { $0.name < $1.name }
        var data: [JSONValue] = []
        for machine in machines {
            let readiness = await readiness(of: machine.clusterId)
            let phase = phase(of: machine, readiness: readiness)
            let id = "\(machine.clusterId):\(machine.name)"
            data.append(["id": .string(id), "type": "node", "baseType": "node", "clusterId": .string(machine.clusterId),
                         "nodeName": .string(machine.nodeName), "hostname": .string(machine.nodeName),
                         "ipAddress": .string(machine.address), "etcd": .bool(machine.roles.contains("etcd")),
                         "controlPlane": .bool(machine.roles.contains("controlplane")), "worker": .bool(machine.roles.contains("worker")),
                         "state": .string(phase.nodeState), "transitioning": .string(phase == .running ? "no" : "yes"),
                         "transitioningMessage": .string(isCanalBlocked(machine) ? Self.canalMessage([machine]) : ""),
                         "labels": ["kubernetes.io/os": .string(machine.os)],
                         "links": ["self": .string(baseURL(request) + "/v3/nodes/" + id)]])
        }
        return .json(200, collection("node", data, request: request))
    }
}

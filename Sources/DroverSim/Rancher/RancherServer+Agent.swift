import Crypto
import Foundation

/// What node agents call: `/cacerts`, the install scripts, `/v3/connect/agent` (RKE2) and `/v3/connect/register`
/// (RKE1) (rancher-api.md §6.1; kube-and-rancher-wire.md §C.4, §C.5, §C.8; the issue-9 seams agreement).
extension RancherServer {
    func agentEndpoint(_ request: SimRequest) async -> SimResponse {
        switch request.path {
        case "/v3/connect/register":
            guard configuration.version.supportsRKE1 else { return RancherError.routeNotFound() }
            return await connectRegister(request)
        case _ where !configuration.version.hasProvisioningV2:
            return RancherError.routeNotFound()
        case "/cacerts":
            // §C.8: the setting with a trailing newline ensured, so sha256(body) == the checksum; empty without a CA.
            let value = world.settings["cacerts"] ?? ""
            return RancherError.text(200, value.isEmpty || value.hasSuffix("\n") ? value : value + "\n")
        case "/system-agent-install.sh": return RancherError.text(200, installScript(windows: false))
        case "/wins-agent-install.ps1": return RancherError.text(200, installScript(windows: true))
        default: return await connectAgent(request)
        }
    }

    /// The served script: the env lines Rancher prepends (§C.4 step 1), then a body standing in for the real
    /// script (system-agent `install.sh` / wins `install.ps1`, not reproduced here).
    private func installScript(windows: Bool) -> String {
        var variables: [(String, String)] = []
        if let mode = world.settings["agent-tls-mode"] { variables.append(("STRICT_VERIFY", mode == "strict" ? "true" : "false")) }
        let serverURL = world.settings["server-url"] ?? ""
        let agentVersion = world.settings[windows ? "wins-agent-version" : "system-agent-version"] ?? ""
        if !agentVersion.isEmpty, !serverURL.isEmpty { variables.append(("CATTLE_AGENT_BINARY_BASE_URL", serverURL + "/assets")) }
        if !serverURL.isEmpty { variables.append(("CATTLE_SERVER", serverURL)) }
        if let checksum = RegistrationCommands.checksum(of: world.settings["cacerts"] ?? "") { variables.append(("CATTLE_CA_CHECKSUM", checksum)) }
        if windows {
            return variables.map { "$env:\($0.0)=\"\($0.1)\"" }.joined(separator: "\n")
                + "\n# Drover simulator: stands in for rancher/wins install.ps1 (options -Server -Token -CaChecksum -Worker -Address -InternalAddress -Label -Taint -NodeName).\n"
        }
        return "#!/usr/bin/env sh\n" + variables.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: "\n")
            + "\n# Drover simulator: stands in for rancher/system-agent install.sh (options --server --token --ca-checksum --etcd --controlplane --worker --address --internal-address --label --taints --node-name).\n"
    }

    // MARK: RKE2

    /// `GET /v3/connect/agent` (§C.4 step 5): `X-Cattle-Id` and the CRT token as bearer, or 401; the headers become
    /// a machine `custom-<12 hex of sha256(id)>`.
    private func connectAgent(_ request: SimRequest) async -> SimResponse {
        guard let cattleId = request.headers["x-cattle-id"], !cattleId.isEmpty else {
            return RancherError.norman(401, "Unauthorized", "missing X-Cattle-Id header")
        }
        let bearer = request.headers["authorization"].flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
        guard let token = registrationToken(secret: bearer), let cluster = world.clusters[token.clusterId], cluster.distribution == "rke2" else {
            return RancherError.norman(401, "Unauthorized", "invalid cluster registration token")
        }
        let labels = Self.pairs(request.headers["x-cattle-labels"])
        var roles = Set<String>()
        if request.headers["x-cattle-role-etcd"] == "true" { roles.insert("etcd") }
        if request.headers["x-cattle-role-control-plane"] == "true" { roles.insert("controlplane") }
        if request.headers["x-cattle-role-worker"] == "true" { roles.insert("worker") }
        let hash = SHA256.hash(data: Data(cattleId.utf8)).map { String(format: "%02x", $0) }.joined()
        let name = "custom-" + hash.prefix(12)
        let os = labels["cattle.io/os"] ?? "linux"
        let machine = RegisteredMachine(
            name: name, clusterId: cluster.id, nodeName: request.headers["x-cattle-node-name"] ?? name, os: os, roles: roles,
            address: request.headers["x-cattle-address"] ?? "", internalAddress: request.headers["x-cattle-internal-address"] ?? "",
            labels: labels, taints: Self.list(request.headers["x-cattle-taints"]), cattleId: cattleId, created: now,
            uid: Self.uid(&world.random))
        if let refusal = await windowsRefusal(machine, cluster: cluster) { return refusal }
        world.machines[name] = world.machines[name].map { existing in
            var kept = machine
            kept.created = existing.created
            kept.uid = existing.uid
            return kept
        } ?? machine
        return .json(200, ["namespace": .string(Self.fleetNamespace), "secretName": .string(name + "-machine-plan"),
                           "kubeConfig": .string(agentKubeconfig(cluster, request: request))])
    }

    // MARK: RKE1

    /// `GET /v3/connect/register` (§C.5, seams agreement: a plain GET answered 200 with `kubeConfig`):
    /// `X-API-Tunnel-Token` = CRT token, `X-API-Tunnel-Params` = base64 JSON `{"node":{...}}`.
    private func connectRegister(_ request: SimRequest) async -> SimResponse {
        guard let token = registrationToken(secret: request.headers["x-api-tunnel-token"] ?? ""),
              let cluster = world.clusters[token.clusterId], cluster.distribution == "rke1" else {
            return RancherError.norman(401, "Unauthorized", "invalid cluster registration token")
        }
        guard let encoded = request.headers["x-api-tunnel-params"], let data = Data(base64Encoded: encoded),
              let params = try? JSONValue.parse(data), let node = params["node"],
              let hostname = node["requestedHostname"]?.string, !hostname.isEmpty else {
            return RancherError.norman(400, "InvalidBodyContent",
                                       "X-API-Tunnel-Params must be base64 JSON {\"node\":{\"requestedHostname\":...,\"customConfig\":{\"address\",\"internalAddress\",\"roles\"}}}")
        }
        let custom = node["customConfig"] ?? [:]
        var labels: [String: String] = [:]
        for (key, value) in custom["label"]?.object ?? [:] { labels[key] = value.string }
        // The Windows agent runs on Docker for Windows: docker info's OSType, or the node's os label.
        let os = node.at("dockerInfo.OSType")?.string?.lowercased() ?? labels["kubernetes.io/os"] ?? labels["cattle.io/os"] ?? "linux"
        let roles = Set((custom["roles"]?.array ?? []).compactMap(\.string).map { $0 == "controlPlane" ? "controlplane" : $0 })
        let existing = world.machines.values.first { $0.clusterId == cluster.id && $0.nodeName == hostname }
        let machine = RegisteredMachine(
            name: existing?.name ?? "m-" + draw(5), clusterId: cluster.id, nodeName: hostname, os: os, roles: roles,
            address: custom["address"]?.string ?? "", internalAddress: custom["internalAddress"]?.string ?? "", labels: labels,
            taints: (custom["taints"]?.array ?? []).compactMap(\.string), cattleId: hostname, created: existing?.created ?? now,
            uid: existing?.uid ?? Self.uid(&world.random))
        if let refusal = await windowsRefusal(machine, cluster: cluster) { return refusal }
        world.machines[machine.name] = machine
        var answer: JSONValue = ["kubeConfig": .string(agentKubeconfig(cluster, request: request)), "nodeName": .string(hostname)]
        // rancher-api.md §5: in a windowsPreferedCluster every Linux node gets cattle.io/os=linux:NoSchedule.
        answer["taints"] = cluster.windowsPreferred && os == "linux"
            ? [["key": "cattle.io/os", "value": "linux", "effect": "NoSchedule"]] : []
        return .json(200, answer)
    }

    // MARK: Shared

    /// A Windows node before a Ready Linux control plane is refused with 503 (seams agreement; rancher-api.md §4.2,
    /// peers.md P1: Windows workers join after the Linux etcd, control-plane and worker nodes).
    private func windowsRefusal(_ machine: RegisteredMachine, cluster: ManagementCluster) async -> SimResponse? {
        guard machine.os == "windows" else { return nil }
        let readiness = await readiness(of: cluster.id)
        guard !readiness.hasReadyLinuxControlPlane else { return nil }
        var refusal = RancherError.norman(
            503, "ClusterUnavailable",
            "Windows node \(machine.nodeName) cannot join cluster \(cluster.name) (\(cluster.id)) yet: it has no Ready Linux control-plane node; register the Linux etcd, control-plane and worker nodes first and retry")
        refusal.setHeader("Retry-After", "5")
        return refusal
    }

    /// The kubeconfig of the agent answer: context "agent", the cluster proxy URL and the cluster's agent token
    /// (§C.4; seams agreement `server: <server-url>/k8s/clusters/<id>`).
    private func agentKubeconfig(_ cluster: ManagementCluster, request: SimRequest) -> String {
        KubeconfigDocument(name: "agent", server: baseURL(request) + "/k8s/clusters/" + cluster.id,
                           caCertificates: world.settings["cacerts"] ?? "", token: cluster.agentToken).rendered()
    }

    static func pairs(_ header: String?) -> [String: String] {
        var result: [String: String] = [:]
        for item in list(header) {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            result[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return result
    }

    static func list(_ header: String?) -> [String] {
        (header ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

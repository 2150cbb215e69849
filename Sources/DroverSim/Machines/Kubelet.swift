import Foundation
import Yams

/// The node's kubelet once the agent registered: it creates its Node through the kubeConfig the registration answered
/// (`POST /api/v1/nodes`, issue-9 seams) with the labels and nodeInfo of kube-and-rancher-wire.md §D, then reports
/// Ready with `PATCH /api/v1/nodes/{name}/status` after the node's start-up time.
enum Kubelet {
    /// Starts the kubelet in the background from the registration answer `{"kubeConfig": …, "taints": […]}`.
    static func launch(registration: Data, flags: RKE2Agent.JoinFlags, nodeName: String, trust: [String], context: MachineContext) async {
        guard let answer = try? JSONValue.parse(registration), let kubeConfig = answer["kubeConfig"]?.string,
              let config = try? Yams.load(yaml: kubeConfig) as? [String: Any],
              let cluster = ((config["clusters"] as? [[String: Any]])?.first?["cluster"]) as? [String: Any],
              let server = cluster["server"] as? String else {
            await context.log("kubelet: the registration answer holds no usable kubeConfig; the node cannot register")
            return
        }
        let token = (((config["users"] as? [[String: Any]])?.first?["user"]) as? [String: Any])?["token"] as? String ?? ""
        var roots = trust
        if let data = cluster["certificate-authority-data"] as? String, let decoded = Data(base64Encoded: data) {
            roots.append(String(decoding: decoded, as: UTF8.self))
        }
        let extraTaints = (answer["taints"]?.array ?? []).compactMap { $0.string ?? taintText($0) }
        await context.update { $0.state = "registered" }
        let kubeletRoots = roots
        context.simulator.background(context.vmID) { context in
            await run(server: server, token: token, roots: kubeletRoots, flags: flags, nodeName: nodeName, extraTaints: extraTaints, context: context)
        }
    }

    static func taintText(_ value: JSONValue) -> String? {
        guard let key = value["key"]?.string, let effect = value["effect"]?.string else { return nil }
        return "\(key)=\(value["value"]?.string ?? ""):\(effect)"
    }

    static func run(server: String, token: String, roots: [String], flags: RKE2Agent.JoinFlags, nodeName: String,
                    extraTaints: [String], context: MachineContext) async {
        guard let record = await context.record() else { return }
        let http = MachineHTTP(network: context.simulator.network)
        let headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
        let node = nodeObject(record: record, flags: flags, name: nodeName, taints: flags.taints + extraTaints, now: context.timer.now())
        switch await http.send("POST", url: server + "/api/v1/nodes", headers: headers, body: node.encoded(), trust: roots) {
        case .success(let answer) where [200, 201, 409].contains(answer.status):
            await context.log("kubelet: node \(nodeName) registered with the API server")
        case .success(let answer):
            await context.log("kubelet: Unable to register node \(nodeName) with API server: HTTP \(answer.status) \(String(decoding: answer.body.prefix(200), as: UTF8.self))")
            return
        case .failure(let failure):
            await context.log("kubelet: Unable to register node \(nodeName) with API server: \(failure.curl.1)")
            return
        }
        let delays = context.simulator.delays
        await context.timer.sleep(record.os == .windows ? delays.windowsNodeReady : delays.linuxNodeReady)
        let patch: JSONValue = ["status": ["conditions": [condition(ready: true, now: context.timer.now())]]]
        var patchHeaders = headers
        patchHeaders["Content-Type"] = "application/strategic-merge-patch+json"
        switch await http.send("PATCH", url: server + "/api/v1/nodes/\(nodeName)/status", headers: patchHeaders, body: patch.encoded(), trust: roots) {
        case .success(let answer) where answer.status == 200:
            await context.log("kubelet: node \(nodeName) is Ready")
            await context.update { $0.state = "joined" }
        case .success(let answer):
            await context.log("kubelet: status update for \(nodeName) failed: HTTP \(answer.status)")
        case .failure(let failure):
            await context.log("kubelet: status update for \(nodeName) failed: \(failure.curl.1)")
        }
    }

    static func condition(ready: Bool, now: Date) -> JSONValue {
        let time = JSONValue.string(now.formatted(.iso8601))
        return ["type": "Ready", "status": .string(ready ? "True" : "False"), "reason": .string(ready ? "KubeletReady" : "KubeletNotReady"),
                "message": .string(ready ? "kubelet is posting ready status" : "container runtime network not ready: NetworkReady=false"),
                "lastHeartbeatTime": time, "lastTransitionTime": time]
    }

    /// The Node as the kubelet (and RKE2, Rancher) label it (kube-and-rancher-wire.md §D).
    static func nodeObject(record: MachineRecord, flags: RKE2Agent.JoinFlags, name: String, taints: [String], now: Date) -> JSONValue {
        let os = record.os.rawValue
        var labels: [String: JSONValue] = [
            "kubernetes.io/os": .string(os), "beta.kubernetes.io/os": .string(os), "kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/arch": "amd64", "kubernetes.io/hostname": .string(name), "node.kubernetes.io/instance-type": "rke2",
        ]
        if let build = record.windowsBuild { labels["node.kubernetes.io/windows-build"] = .string(build) }
        if flags.controlPlane { labels["node-role.kubernetes.io/control-plane"] = "true"; labels["node-role.kubernetes.io/master"] = "true" }
        if flags.etcd { labels["node-role.kubernetes.io/etcd"] = "true" }
        if flags.worker { labels["node-role.kubernetes.io/worker"] = "true" }
        for label in flags.labels {
            let parts = label.split(separator: "=", maxSplits: 1)
            labels[String(parts[0])] = .string(parts.count > 1 ? String(parts[1]) : "")
        }
        var taintObjects = taints.compactMap(parseTaint)
        // Rancher's planner taints control-plane and etcd nodes that are not workers (§D).
        if flags.controlPlane, !flags.worker { taintObjects.append(["key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"]) }
        if flags.etcd, !flags.worker { taintObjects.append(["key": "node-role.kubernetes.io/etcd", "effect": "NoExecute"]) }
        let windows = record.os == .windows
        let build = record.windowsBuild ?? ""
        var addresses: [JSONValue] = [["type": "Hostname", "address": .string(name)]]
        if let internalAddress = flags.internalAddress { addresses.insert(["type": "InternalIP", "address": .string(internalAddress)], at: 0) }
        if let publicAddress = flags.address, publicAddress != flags.internalAddress { addresses.append(["type": "ExternalIP", "address": .string(publicAddress)]) }
        return [
            "apiVersion": "v1", "kind": "Node",
            "metadata": ["name": .string(name), "labels": .object(labels)],
            "spec": ["providerID": .string("rke2://\(name)"), "taints": .array(taintObjects)],
            "status": [
                "conditions": [condition(ready: false, now: now)],
                "addresses": .array(addresses),
                "nodeInfo": [
                    "operatingSystem": .string(os), "architecture": "amd64", "osImage": .string(record.osImage),
                    "kernelVersion": .string(windows ? "\(build).6054" : "6.8.0-1015-azure"),
                    "containerRuntimeVersion": .string(windows ? "containerd://1.7.27" : "containerd://1.7.27-k3s1"),
                    "kubeletVersion": .string(windows ? "v1.34.2" : "v1.34.2+rke2r1"), "kubeProxyVersion": "",
                    "machineID": .string(String(SimIDs.hash(record.vmID).prefix(32))), "systemUUID": .string(record.vmID.lowercased()), "bootID": .string(String(record.boots)),
                ],
            ],
        ]
    }

    /// `key=value:Effect` or `key:Effect`.
    static func parseTaint(_ text: String) -> JSONValue? {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let keyValue = parts[0].split(separator: "=", maxSplits: 1)
        var taint: JSONValue = ["key": .string(String(keyValue[0])), "effect": .string(String(parts[1]))]
        if keyValue.count > 1 { taint["value"] = .string(String(keyValue[1])) }
        return taint
    }
}

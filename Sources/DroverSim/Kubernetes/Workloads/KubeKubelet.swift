import Foundation

/// What happens to a pod once created: the scheduler binds it or leaves it Pending with `PodScheduled=False` and a
/// FailedScheduling event; the node's kubelet then pulls and starts it, or fails as the real one does when the image
/// does not fit the node's OS or Windows build (peers.md P3), or rejects a pod whose `spec.os.name` is not the
/// node's OS. Times come from the simulator clock.
extension KubernetesCluster {
    /// Seconds a job's container runs before it completes.
    static let jobRunSeconds: TimeInterval = 5
    /// Seconds after ErrImagePull before the kubelet reports ImagePullBackOff.
    static let imagePullBackOffSeconds: TimeInterval = 10

    func scheduleAndStartPods() {
        let nodes = list(KubeCatalog.nodes, namespace: nil)
        for pod in list(KubeCatalog.pods, namespace: nil) where pod.at("spec.nodeName") == nil {
            var counts: [String: Int] = [:]
            for other in list(KubeCatalog.pods, namespace: nil) { if let node = other.at("spec.nodeName")?.string { counts[node, default: 0] += 1 } }
            switch KubeScheduler.schedule(pod, nodes: nodes, podCounts: counts) {
            case .bind(let nodeName):
                bind(pod, to: nodes.first { $0.metadataName == nodeName }!)
            case .unschedulable(let message):
                let scheduled = condition("PodScheduled", false, "Unschedulable", message)
                if pod.at("status.conditions")?.array?.first(where: { $0["type"]?.string == "PodScheduled" })?["message"] != scheduled["message"] {
                    record(pod, type: "Warning", reason: "FailedScheduling", message: message, component: "default-scheduler")
                }
                updateStatus(KubeCatalog.pods, pod, ["phase": "Pending", "conditions": [scheduled]])
            }
        }
    }

    private func bind(_ pod: JSONValue, to node: JSONValue) {
        let key = KubeObjectKey(KubeCatalog.pods, namespace: pod.metadataNamespace, name: pod.metadataName)
        var bound = pod
        bound.set("spec.nodeName", .string(node.metadataName))
        commit(KubeCatalog.pods, key, bound)
        record(pod, type: "Normal", reason: "Scheduled", message: "Successfully assigned \(pod.metadataNamespace)/\(pod.metadataName) to \(node.metadataName)",
               component: "default-scheduler")
        start(objects[key]!, on: node)
    }

    /// The kubelet's first status for a bound pod.
    private func start(_ pod: JSONValue, on node: JSONValue) {
        let nodeOS = node.labels["kubernetes.io/os"] ?? "linux"
        let hostIP = (node.at("status.addresses")?.array ?? []).first { $0["type"]?.string == "InternalIP" }?["address"] ?? .null
        var status: [String: JSONValue] = ["hostIP": hostIP, "startTime": .string(now)]
        if let wanted = pod.at("spec.os.name")?.string, wanted != nodeOS {
            status["phase"] = "Failed"
            status["reason"] = "PodOSNotSupported"
            status["message"] = .string("Failed to admit pod as the `OS` field doesn't match node OS (pod \(wanted), node \(nodeOS))")
            record(pod, type: "Warning", reason: "PodOSNotSupported", message: status["message"]!.string!, component: "kubelet")
            updateStatus(KubeCatalog.pods, pod, .object(status))
            return
        }
        var containerStatuses: [JSONValue] = []
        var failure: (reason: String, message: String)?
        for container in pod.at("spec.containers")?.array ?? [] {
            let image = container["image"]?.string ?? ""
            var state: JSONValue = ["running": ["startedAt": .string(now)]]
            if failure == nil, let problem = ContainerImagePlatform(image: image).failure(
                image: image, nodeOS: nodeOS, nodeBuild: node.labels["node.kubernetes.io/windows-build"]) {
                failure = problem
                state = ["waiting": ["reason": .string(problem.reason), "message": .string(problem.message)]]
                record(pod, type: "Warning", reason: "Failed", message: problem.reason == "ErrImagePull"
                       ? "Failed to pull image \"\(image)\": \(problem.message)" : "Error: \(problem.message)", component: "kubelet")
            } else if failure != nil {
                state = ["waiting": ["reason": "PodInitializing"]]
            }
            var containerStatus: JSONValue = ["name": container["name"] ?? "", "image": .string(image), "restartCount": 0,
                                              "ready": .bool(state["running"] != nil && failure == nil), "started": .bool(state["running"] != nil),
                                              "state": state]
            if state["running"] != nil {
                containerStatus["containerID"] = .string("containerd://" + KubeNames.templateHash(.string("\(pod.uid)\(image)")))
                containerStatus["imageID"] = .string(image)
            }
            containerStatuses.append(containerStatus)
        }
        let running = failure == nil
        if running { record(pod, type: "Normal", reason: "Started", message: "Started container \(containerStatuses.first?["name"]?.string ?? "")", component: "kubelet") }
        status["phase"] = running ? "Running" : "Pending"
        let ip = podIP(pod, node: node)
        status["podIP"] = .string(ip)
        status["podIPs"] = [["ip": .string(ip)]]
        status["containerStatuses"] = .array(containerStatuses)
        status["conditions"] = [condition("PodScheduled", true, "", ""), condition("Initialized", true, "", ""),
                                condition("ContainersReady", running, running ? "" : "ContainersNotReady", ""),
                                condition("Ready", running, running ? "" : "ContainersNotReady", "")]
        updateStatus(KubeCatalog.pods, pod, .object(status))
    }

    /// Moves kubelets along the clock: ErrImagePull becomes ImagePullBackOff, job containers complete.
    func advanceKubelets() {
        let instant = clock.now()
        for pod in list(KubeCatalog.pods, namespace: nil) where pod.at("spec.nodeName") != nil {
            let started = KubeTime.parse(pod.at("status.startTime")?.string) ?? instant
            let elapsed = instant.timeIntervalSince(started)
            var statuses = pod.at("status.containerStatuses")?.array ?? []
            if elapsed >= Self.imagePullBackOffSeconds,
               let index = statuses.firstIndex(where: { $0.at("state.waiting.reason")?.string == "ErrImagePull" }) {
                statuses[index]["state"] = ["waiting": ["reason": "ImagePullBackOff",
                                                        "message": .string("Back-off pulling image \"\(statuses[index]["image"]?.string ?? "")\"")]]
                updateStatus(KubeCatalog.pods, pod, ["containerStatuses": .array(statuses)])
            }
            let runsToCompletion = ["OnFailure", "Never"].contains(pod.at("spec.restartPolicy")?.string ?? "")
            if runsToCompletion, pod.at("status.phase")?.string == "Running", elapsed >= Self.jobRunSeconds {
                let finished = KubeTime.format(started.addingTimeInterval(Self.jobRunSeconds))
                statuses = statuses.map { status in
                    var done = status
                    done["ready"] = false
                    done["state"] = ["terminated": ["reason": "Completed", "exitCode": 0, "finishedAt": .string(finished)]]
                    return done
                }
                updateStatus(KubeCatalog.pods, pod, ["phase": "Succeeded", "containerStatuses": .array(statuses),
                                                     "conditions": [condition("Ready", false, "PodCompleted", "")]])
            }
        }
    }

    private func podIP(_ pod: JSONValue, node: JSONValue) -> String {
        let cidr = node.at("spec.podCIDR")?.string ?? "10.42.0.0/24"
        let prefix = cidr.split(separator: "/").first?.split(separator: ".").prefix(3).joined(separator: ".") ?? "10.42.0"
        let digest = KubeNames.templateHash(.string(pod.uid)).unicodeScalars.reduce(0) { $0 + Int($1.value) }
        return "\(prefix).\(2 + digest % 250)"
    }

    /// Stores a core/v1 Event about `object` (what `kubectl describe` and `get events` show).
    func record(_ object: JSONValue, type: String, reason: String, message: String, component: String) {
        let kind = object["kind"]?.string ?? ""
        let name = "\(object.metadataName).\(KubeNames.suffix(seed: "\(object.uid)\(reason)\(message)\(revision)", length: 16))"
        let namespace = object.metadataNamespace.isEmpty ? "default" : object.metadataNamespace
        let event: JSONValue = [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "involvedObject": ["kind": .string(kind), "namespace": .string(object.metadataNamespace), "name": .string(object.metadataName),
                               "uid": .string(object.uid), "apiVersion": object["apiVersion"] ?? "v1"],
            "reason": .string(reason), "message": .string(message), "type": .string(type),
            "source": ["component": .string(component)], "reportingComponent": .string(component),
            "firstTimestamp": .string(now), "lastTimestamp": .string(now), "count": 1,
        ]
        let key = KubeObjectKey(KubeCatalog.events, namespace: namespace, name: name)
        var stored = KubeDefaults.applyCreate(event, type: KubeCatalog.events, now: clock.now())
        stored.set("metadata.namespace", .string(namespace))
        commit(KubeCatalog.events, key, stored)
    }
}

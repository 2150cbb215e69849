import Foundation

/// The controllers that make workloads behave, run synchronously after every write so the simulator is
/// deterministic: Deployment → ReplicaSet → Pods, DaemonSet (a pod per fitting node), StatefulSet (ordinal pods,
/// one at a time), Job (pods until `completions` succeed), CronJob (Jobs on schedule, from ``tick()``), then the
/// scheduler and the kubelet outcome of every unbound pod.
extension KubernetesCluster {
    static let controllerManager = "kube-controller-manager"

    /// Runs the controllers until nothing changes (bounded).
    func reconcile() {
        guard !reconciling else { return }
        reconciling = true
        defer { reconciling = false }
        for _ in 0..<20 {
            let before = revision
            for deployment in list(KubeCatalog.deployments, namespace: nil) { reconcileDeployment(deployment) }
            for set in list(KubeCatalog.replicaSets, namespace: nil) { reconcileReplicaSet(set) }
            for set in list(KubeCatalog.daemonSets, namespace: nil) { reconcileDaemonSet(set) }
            for set in list(KubeCatalog.statefulSets, namespace: nil) { reconcileStatefulSet(set) }
            for job in list(KubeCatalog.jobs, namespace: nil) { reconcileJob(job) }
            scheduleAndStartPods()
            if revision == before { return }
        }
    }

    // MARK: Workloads

    private func reconcileDeployment(_ deployment: JSONValue) {
        let template = deployment.at("spec.template")
        let hash = KubeNames.templateHash(template)
        let name = "\(deployment.metadataName)-\(hash)"
        let sets = owned(KubeCatalog.replicaSets, by: deployment)
        let replicas = deployment.at("spec.replicas")?.int ?? 1
        if !sets.contains(where: { $0.metadataName == name }) {
            var labels = template?.at("metadata.labels")?.object ?? [:]
            labels["pod-template-hash"] = .string(hash)
            var podTemplate = template ?? [:]
            podTemplate.set("metadata.labels", .object(labels))
            var selector = deployment.at("spec.selector") ?? [:]
            selector.set("matchLabels.pod-template-hash", nil)
            var matchLabels = selector["matchLabels"]?.object ?? [:]
            matchLabels["pod-template-hash"] = .string(hash)
            selector["matchLabels"] = .object(matchLabels)
            let set: JSONValue = ["apiVersion": "apps/v1", "kind": "ReplicaSet",
                                  "metadata": ["name": .string(name), "labels": .object(labels),
                                               "ownerReferences": [ownerReference(deployment, KubeCatalog.deployments)]],
                                  "spec": ["replicas": .int(replicas), "selector": selector, "template": podTemplate]]
            _ = try? create(KubeCatalog.replicaSets, namespace: deployment.metadataNamespace, body: set, manager: Self.controllerManager)
        }
        for set in owned(KubeCatalog.replicaSets, by: deployment) {
            let wanted: Int64 = set.metadataName == name ? replicas : 0
            if set.at("spec.replicas")?.int != wanted { setField(KubeCatalog.replicaSets, set, "spec.replicas", .int(wanted)) }
        }
        let current = owned(KubeCatalog.replicaSets, by: deployment).first { $0.metadataName == name }
        let ready = current?.at("status.readyReplicas")?.int ?? 0
        let total = owned(KubeCatalog.replicaSets, by: deployment).reduce(Int64(0)) { $0 + ($1.at("status.replicas")?.int ?? 0) }
        updateStatus(KubeCatalog.deployments, deployment, [
            "observedGeneration": .int(deployment.at("metadata.generation")?.int ?? 1), "replicas": .int(total),
            "updatedReplicas": .int(current?.at("status.replicas")?.int ?? 0), "readyReplicas": .int(ready),
            "availableReplicas": .int(ready), "unavailableReplicas": .int(max(0, replicas - ready)),
            "conditions": [condition("Available", ready >= replicas, ready >= replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                                     ready >= replicas ? "Deployment has minimum availability." : "Deployment does not have minimum availability.")],
        ])
    }

    private func reconcileReplicaSet(_ set: JSONValue) {
        let replicas = Int(set.at("spec.replicas")?.int ?? 1)
        var pods = owned(KubeCatalog.pods, by: set)
        if pods.count < replicas {
            for index in pods.count..<replicas {
                let name = "\(set.metadataName)-\(KubeNames.suffix(seed: "\(set.uid)-\(index)-\(revision)"))"
                createPod(name: name, owner: set, type: KubeCatalog.replicaSets, template: set.at("spec.template"))
            }
        } else if pods.count > replicas {
            pods.sort { $0.metadataName > $1.metadataName }
            for pod in pods.prefix(pods.count - replicas) { removePod(pod) }
        }
        let current = owned(KubeCatalog.pods, by: set)
        let ready = current.filter(Self.podReady).count
        updateStatus(KubeCatalog.replicaSets, set, ["replicas": .int(Int64(current.count)), "readyReplicas": .int(Int64(ready)),
                                                    "availableReplicas": .int(Int64(ready)),
                                                    "observedGeneration": .int(set.at("metadata.generation")?.int ?? 1)])
    }

    /// One pod per node the pod template fits (selector, affinity, taints; DaemonSet pods tolerate not-ready and
    /// unschedulable nodes as the real controller adds those tolerations), bound by `matchFields` on the node name.
    private func reconcileDaemonSet(_ set: JSONValue) {
        var template = set.at("spec.template") ?? [:]
        var tolerations = template.at("spec.tolerations")?.array ?? []
        for (key, effect) in [("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/not-ready", "NoSchedule"),
                              ("node.kubernetes.io/unreachable", "NoExecute"), ("node.kubernetes.io/unschedulable", "NoSchedule")] {
            tolerations.append(["key": .string(key), "operator": "Exists", "effect": .string(effect)])
        }
        template.set("spec.tolerations", .array(tolerations))
        let nodes = list(KubeCatalog.nodes, namespace: nil).filter { KubeScheduler.rejection(template, $0) == nil }
        let pods = owned(KubeCatalog.pods, by: set)
        for node in nodes where !pods.contains(where: { Self.daemonNode($0) == node.metadataName }) {
            var podTemplate = template
            podTemplate.set("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
                            [["matchFields": [["key": "metadata.name", "operator": "In", "values": [.string(node.metadataName)]]]]])
            createPod(name: "\(set.metadataName)-\(KubeNames.suffix(seed: "\(set.uid)-\(node.metadataName)"))", owner: set,
                      type: KubeCatalog.daemonSets, template: podTemplate)
        }
        for pod in pods where !nodes.contains(where: { $0.metadataName == Self.daemonNode(pod) }) { removePod(pod) }
        let current = owned(KubeCatalog.pods, by: set)
        let ready = Int64(current.filter(Self.podReady).count)
        let count = Int64(nodes.count)
        updateStatus(KubeCatalog.daemonSets, set, [
            "desiredNumberScheduled": .int(count), "currentNumberScheduled": .int(Int64(current.count)),
            "numberReady": .int(ready), "updatedNumberScheduled": .int(Int64(current.count)), "numberAvailable": .int(ready),
            "numberMisscheduled": 0, "observedGeneration": .int(set.at("metadata.generation")?.int ?? 1),
        ])
    }

    private static func daemonNode(_ pod: JSONValue) -> String? {
        pod.at("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms")?
            .array?.first?["matchFields"]?.array?.first?["values"]?.array?.first?.string
    }

    /// Pods `<name>-0`, `<name>-1`, … created in order, each only once the one before is Ready (OrderedReady).
    private func reconcileStatefulSet(_ set: JSONValue) {
        let replicas = Int(set.at("spec.replicas")?.int ?? 1)
        for ordinal in 0..<replicas {
            let name = "\(set.metadataName)-\(ordinal)"
            if let pod = objects[KubeObjectKey(KubeCatalog.pods, namespace: set.metadataNamespace, name: name)] {
                if !Self.podReady(pod) { break }
                continue
            }
            var template = set.at("spec.template") ?? [:]
            template.set("spec.hostname", .string(name))
            createPod(name: name, owner: set, type: KubeCatalog.statefulSets, template: template,
                      labels: ["statefulset.kubernetes.io/pod-name": .string(name)])
            break
        }
        for pod in owned(KubeCatalog.pods, by: set) {
            if let ordinal = Int(pod.metadataName.split(separator: "-").last ?? ""), ordinal >= replicas { removePod(pod) }
        }
        let current = owned(KubeCatalog.pods, by: set)
        let ready = Int64(current.filter(Self.podReady).count)
        updateStatus(KubeCatalog.statefulSets, set, ["replicas": .int(Int64(current.count)), "readyReplicas": .int(ready),
                                                     "availableReplicas": .int(ready), "currentReplicas": .int(Int64(current.count)),
                                                     "observedGeneration": .int(set.at("metadata.generation")?.int ?? 1)])
    }

    /// Pods until `completions` have succeeded, `parallelism` at a time; Complete once they have.
    private func reconcileJob(_ job: JSONValue) {
        let completions = job.at("spec.completions")?.int ?? 1
        let parallelism = job.at("spec.parallelism")?.int ?? 1
        let pods = owned(KubeCatalog.pods, by: job)
        let succeeded = Int64(pods.filter { $0.at("status.phase")?.string == "Succeeded" }.count)
        let active = pods.filter { !["Succeeded", "Failed"].contains($0.at("status.phase")?.string ?? "") }
        let complete = succeeded >= completions
        if !complete {
            let wanted = min(parallelism, completions - succeeded) - Int64(active.count)
            var index = pods.count
            for _ in 0..<max(0, wanted) {
                createPod(name: "\(job.metadataName)-\(KubeNames.suffix(seed: "\(job.uid)-\(index)"))", owner: job,
                          type: KubeCatalog.jobs, template: job.at("spec.template"),
                          labels: ["batch.kubernetes.io/job-name": .string(job.metadataName), "job-name": .string(job.metadataName)])
                index += 1
            }
        }
        var status: [String: JSONValue] = ["active": .int(Int64(active.count)), "succeeded": .int(succeeded),
                                           "startTime": job.at("status.startTime") ?? .string(now)]
        if complete {
            status["completionTime"] = job.at("status.completionTime") ?? .string(now)
            status["conditions"] = [condition("Complete", true, "", "")]
        }
        if !complete { status["ready"] = .int(Int64(active.filter(Self.podReady).count)) }
        updateStatus(KubeCatalog.jobs, job, .object(status))
    }

    /// Creates the Job of every CronJob whose schedule fired since its last run (on the simulator clock).
    func runCronJobs() {
        let instant = clock.now()
        for cronJob in list(KubeCatalog.cronJobs, namespace: nil) where cronJob.at("spec.suspend")?.bool != true {
            guard let schedule = KubeCronSchedule(cronJob.at("spec.schedule")?.string ?? ""),
                  let since = KubeTime.parse(cronJob.at("status.lastScheduleTime")?.string ?? cronJob.at("metadata.creationTimestamp")?.string),
                  let firing = schedule.lastFiring(after: since, until: instant) else { continue }
            let name = "\(cronJob.metadataName)-\(Int64(firing.timeIntervalSince1970 / 60))"
            var template = cronJob.at("spec.jobTemplate") ?? [:]
            template["apiVersion"] = "batch/v1"
            template["kind"] = "Job"
            template.set("metadata.name", .string(name))
            template.set("metadata.ownerReferences", [ownerReference(cronJob, KubeCatalog.cronJobs)])
            _ = try? create(KubeCatalog.jobs, namespace: cronJob.metadataNamespace, body: template, manager: Self.controllerManager)
            var status = cronJob["status"] ?? [:]
            status["lastScheduleTime"] = .string(KubeTime.format(firing))
            updateStatus(KubeCatalog.cronJobs, cronJob, status)
        }
    }

    // MARK: Helpers

    func owned(_ type: KubeResourceType, by owner: JSONValue) -> [JSONValue] {
        list(type, namespace: owner.metadataNamespace).filter { $0.ownerUIDs.contains(owner.uid) }
    }

    private func ownerReference(_ owner: JSONValue, _ type: KubeResourceType) -> JSONValue {
        ["apiVersion": .string(type.groupVersion), "kind": .string(type.kind), "name": .string(owner.metadataName),
         "uid": .string(owner.uid), "controller": true, "blockOwnerDeletion": true]
    }

    private func createPod(name: String, owner: JSONValue, type: KubeResourceType, template: JSONValue?, labels extra: [String: JSONValue] = [:]) {
        var labels = template?.at("metadata.labels")?.object ?? [:]
        labels.merge(extra) { _, new in new }
        var metadata = template?["metadata"] ?? [:]
        metadata["name"] = .string(name)
        metadata["labels"] = .object(labels)
        metadata["ownerReferences"] = [ownerReference(owner, type)]
        let pod: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": template?["spec"] ?? [:]]
        _ = try? create(KubeCatalog.pods, namespace: owner.metadataNamespace, body: pod, manager: Self.controllerManager)
    }

    private func removePod(_ pod: JSONValue) {
        _ = try? delete(KubeCatalog.pods, namespace: pod.metadataNamespace, name: pod.metadataName, propagation: "Background")
    }

    /// Sets one field of a stored object, as a controller's own write.
    func setField(_ type: KubeResourceType, _ object: JSONValue, _ path: String, _ value: JSONValue) {
        var changed = object
        changed.set(path, value)
        if changed != object { commit(type, KubeObjectKey(type, namespace: object.metadataNamespace, name: object.metadataName), changed) }
    }

    /// Replaces `status` when it differs (no write, no new resourceVersion otherwise).
    func updateStatus(_ type: KubeResourceType, _ object: JSONValue, _ status: JSONValue) {
        guard let key = Optional(KubeObjectKey(type, namespace: object.metadataNamespace, name: object.metadataName)),
              let current = objects[key] else { return }
        var merged = current["status"] ?? [:]
        for (field, value) in status.object ?? [:] { merged[field] = value }
        if let conditions = merged["conditions"]?.array, let old = current.at("status.conditions")?.array {
            merged["conditions"] = .array(conditions.map { keepTransitionTime($0, old) })
        }
        if merged != current["status"] { setField(type, current, "status", merged) }
    }

    /// A condition with `lastTransitionTime` now (kept from `old` when the status did not change).
    func condition(_ type: String, _ ok: Bool, _ reason: String, _ message: String) -> JSONValue {
        var entry: JSONValue = ["type": .string(type), "status": ok ? "True" : "False", "lastTransitionTime": .string(now)]
        if !reason.isEmpty { entry["reason"] = .string(reason) }
        if !message.isEmpty { entry["message"] = .string(message) }
        return entry
    }

    private func keepTransitionTime(_ condition: JSONValue, _ old: [JSONValue]) -> JSONValue {
        guard let previous = old.first(where: { $0["type"] == condition["type"] }), previous["status"] == condition["status"] else { return condition }
        var kept = condition
        kept["lastTransitionTime"] = previous["lastTransitionTime"]
        if let heartbeat = previous["lastProbeTime"] { kept["lastProbeTime"] = heartbeat }
        return kept
    }

    static func podReady(_ pod: JSONValue) -> Bool {
        (pod.at("status.conditions")?.array ?? []).contains { $0["type"]?.string == "Ready" && $0["status"]?.string == "True" }
    }
}

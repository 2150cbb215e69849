import Foundation

/// The default scheduler's filters that matter for a hybrid cluster, in its plugin order (NodeUnschedulable,
/// TaintToleration, NodeAffinity), and its FailedScheduling message: `0/3 nodes are available: 1 node(s) had
/// untolerated taint {cattle.io/os: linux}, 2 node(s) didn't match Pod's node affinity/selector.` (issue 9;
/// rancher-api.md §5 quotes the fleet#324 form of the same message). A node whose Ready condition is not True counts
/// as carrying `node.kubernetes.io/not-ready:NoSchedule`, the taint the node lifecycle controller puts there.
enum KubeScheduler {
    /// The chosen node, or the FailedScheduling message.
    enum Decision: Equatable {
        case bind(String)
        case unschedulable(String)
    }

    /// Picks the feasible node running the fewest pods (ties by name); `podCounts` by node name.
    static func schedule(_ pod: JSONValue, nodes: [JSONValue], podCounts: [String: Int]) -> Decision {
        var reasons: [String: Int] = [:]
        var feasible: [JSONValue] = []
        for node in nodes {
            if let reason = rejection(pod, node) { reasons[reason, default: 0] += 1 } else { feasible.append(node) }
        }
        if let best = feasible.min(by: { (podCounts[$0.metadataName] ?? 0, $0.metadataName) < (podCounts[$1.metadataName] ?? 0, $1.metadataName) }) {
            return .bind(best.metadataName)
        }
        let parts = reasons.map { "\($0.value) \($0.key)" }.sorted()
        let detail = parts.isEmpty ? "" : " " + parts.joined(separator: ", ")
        return .unschedulable("0/\(nodes.count) nodes are available:\(detail).")
    }

    /// The first filter `node` fails for `pod`, as the scheduler words it, or nil.
    static func rejection(_ pod: JSONValue, _ node: JSONValue) -> String? {
        let spec = pod["spec"] ?? [:]
        if node.at("spec.unschedulable")?.bool == true, !tolerates(spec, key: "node.kubernetes.io/unschedulable", value: "", effect: "NoSchedule") {
            return "node(s) were unschedulable"
        }
        for taint in effectiveTaints(node) where !tolerates(spec, key: taint.key, value: taint.value, effect: taint.effect) {
            return "node(s) had untolerated taint {\(taint.key): \(taint.value)}"
        }
        if !matchesAffinity(spec, node) { return "node(s) didn't match Pod's node affinity/selector" }
        return nil
    }

    /// The node's NoSchedule/NoExecute taints, plus `node.kubernetes.io/not-ready` when it is not Ready.
    static func effectiveTaints(_ node: JSONValue) -> [(key: String, value: String, effect: String)] {
        var taints = (node.at("spec.taints")?.array ?? []).compactMap { taint -> (String, String, String)? in
            let effect = taint["effect"]?.string ?? ""
            guard effect == "NoSchedule" || effect == "NoExecute" else { return nil }
            return (taint["key"]?.string ?? "", taint["value"]?.string ?? "", effect)
        }
        if !KubernetesCluster.isReady(node) { taints.append(("node.kubernetes.io/not-ready", "", "NoSchedule")) }
        return taints
    }

    /// Whether one of the pod's tolerations matches the taint (operator `Exists` or `Equal`, empty effect = all).
    static func tolerates(_ spec: JSONValue, key: String, value: String, effect: String) -> Bool {
        (spec["tolerations"]?.array ?? []).contains { toleration in
            let tolerationKey = toleration["key"]?.string ?? ""
            let op = toleration["operator"]?.string ?? "Equal"
            let tolerationEffect = toleration["effect"]?.string ?? ""
            guard tolerationEffect.isEmpty || tolerationEffect == effect else { return false }
            if tolerationKey.isEmpty { return op == "Exists" }
            guard tolerationKey == key else { return false }
            return op == "Exists" || (toleration["value"]?.string ?? "") == value
        }
    }

    /// `nodeSelector` and required node affinity (`matchExpressions` on labels, `matchFields` on `metadata.name`).
    static func matchesAffinity(_ spec: JSONValue, _ node: JSONValue) -> Bool {
        let labels = node.labels
        for (key, value) in spec["nodeSelector"]?.object ?? [:] where labels[key] != value.string { return false }
        guard let terms = spec.at("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms")?.array,
              !terms.isEmpty else { return true }
        return terms.contains { term in
            let expressions = term["matchExpressions"]?.array ?? []
            let fields = term["matchFields"]?.array ?? []
            guard !expressions.isEmpty || !fields.isEmpty else { return false }
            return expressions.allSatisfy { requirement($0, labels[$0["key"]?.string ?? ""]) }
                && fields.allSatisfy { requirement($0, $0["key"]?.string == "metadata.name" ? node.metadataName : nil) }
        }
    }

    private static func requirement(_ expression: JSONValue, _ actual: String?) -> Bool {
        let values = (expression["values"]?.array ?? []).compactMap(\.string)
        switch expression["operator"]?.string {
        case "In": return actual.map(values.contains) ?? false
        case "NotIn": return !(actual.map(values.contains) ?? false)
        case "Exists": return actual != nil
        case "DoesNotExist": return actual == nil
        case "Gt": return (actual.flatMap { Int($0) } ?? .min) > (values.first.flatMap { Int($0) } ?? .max)
        case "Lt": return (actual.flatMap { Int($0) } ?? .max) < (values.first.flatMap { Int($0) } ?? .min)
        default: return false
        }
    }
}

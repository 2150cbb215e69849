import Foundation

/// The kinds this simulator serves: the minimum group-version set of kube-and-rancher-wire.md §A.2 plus the
/// workload kinds of issue 9.
enum KubeCatalog {
    static let all: [KubeResourceType] = [
        core("nodes", "node", "Node", namespaced: false, short: ["no"], status: true),
        core("namespaces", "namespace", "Namespace", namespaced: false, short: ["ns"], status: true),
        core("pods", "pod", "Pod", short: ["po"], categories: ["all"], status: true),
        core("configmaps", "configmap", "ConfigMap", short: ["cm"]),
        core("secrets", "secret", "Secret"),
        core("events", "event", "Event", short: ["ev"]),
        core("serviceaccounts", "serviceaccount", "ServiceAccount", short: ["sa"]),
        workload("apps", "deployments", "deployment", "Deployment", short: ["deploy"]),
        workload("apps", "daemonsets", "daemonset", "DaemonSet", short: ["ds"]),
        workload("apps", "statefulsets", "statefulset", "StatefulSet", short: ["sts"]),
        workload("apps", "replicasets", "replicaset", "ReplicaSet", short: ["rs"]),
        workload("batch", "jobs", "job", "Job", short: []),
        workload("batch", "cronjobs", "cronjob", "CronJob", short: ["cj"]),
        KubeResourceType(group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease",
                         namespaced: true, shortNames: [], categories: [], hasStatus: false, tracksGeneration: false),
    ]

    /// The groups in discovery order, each with its one version.
    static var groups: [(group: String, version: String)] {
        var seen: [String] = []
        var result: [(String, String)] = []
        for type in all where !type.group.isEmpty && !seen.contains(type.group) {
            seen.append(type.group)
            result.append((type.group, type.version))
        }
        return result
    }

    /// The kind served at `group`/`version` under `plural`, if any.
    static func find(group: String, version: String, plural: String) -> KubeResourceType? {
        all.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    /// The type of `apiVersion` + `kind` (as an object names itself).
    static func find(apiVersion: String, kind: String) -> KubeResourceType? {
        all.first { $0.groupVersion == apiVersion && $0.kind == kind }
    }

    /// Every kind in one group version.
    static func types(group: String, version: String) -> [KubeResourceType] {
        all.filter { $0.group == group && $0.version == version }
    }

    static let nodes = all[0]
    static let namespaces = all[1]
    static let pods = all[2]
    static let events = all[5]
    static let deployments = all[7]
    static let daemonSets = all[8]
    static let statefulSets = all[9]
    static let replicaSets = all[10]
    static let jobs = all[11]
    static let cronJobs = all[12]

    private static func core(_ plural: String, _ singular: String, _ kind: String, namespaced: Bool = true,
                             short: [String] = [], categories: [String] = [], status: Bool = false) -> KubeResourceType {
        KubeResourceType(group: "", version: "v1", plural: plural, singular: singular, kind: kind, namespaced: namespaced,
                         shortNames: short, categories: categories, hasStatus: status, tracksGeneration: false)
    }

    private static func workload(_ group: String, _ plural: String, _ singular: String, _ kind: String,
                                 short: [String]) -> KubeResourceType {
        KubeResourceType(group: group, version: "v1", plural: plural, singular: singular, kind: kind, namespaced: true,
                         shortNames: short, categories: ["all"], hasStatus: true, tracksGeneration: true)
    }
}

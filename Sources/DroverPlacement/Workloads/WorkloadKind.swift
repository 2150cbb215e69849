/// The workload kinds `place` edits, each with the path from the object to its pod spec.
public enum WorkloadKind: String, Sendable, CaseIterable {
    case pod = "Pod"
    case deployment = "Deployment"
    case replicaSet = "ReplicaSet"
    case statefulSet = "StatefulSet"
    case daemonSet = "DaemonSet"
    case job = "Job"
    case cronJob = "CronJob"

    /// The keys from the object root to the pod spec (Kubernetes API: PodTemplateSpec in `spec.template`,
    /// CronJob's JobTemplateSpec in `spec.jobTemplate`).
    public var podSpecPath: [String] {
        switch self {
        case .pod: ["spec"]
        case .deployment, .replicaSet, .statefulSet, .daemonSet, .job: ["spec", "template", "spec"]
        case .cronJob: ["spec", "jobTemplate", "spec", "template", "spec"]
        }
    }
}

import Yams

/// What `drover doctor` reads from a live cluster, already fetched (DroverPlacement stays network-free): the nodes,
/// every pod, the workload objects and the names of kube-system's DaemonSets.
public struct DoctorInput {
    /// The nodes.
    public var cluster: ClusterDescription
    /// Every Pod object, as read from the API (JSON is YAML).
    public var pods: [Node]
    /// Every Deployment, StatefulSet, DaemonSet, ReplicaSet, Job and CronJob object.
    public var workloads: [Node]
    /// The names of the DaemonSets in kube-system (CNI evidence).
    public var systemDaemonSets: [String]

    /// Creates an input.
    public init(cluster: ClusterDescription, pods: [Node], workloads: [Node], systemDaemonSets: [String]) {
        self.cluster = cluster
        self.pods = pods
        self.workloads = workloads
        self.systemDaemonSets = systemDaemonSets
    }
}

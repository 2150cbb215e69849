/// How the cluster wants undecided workloads placed and which taints its nodes carry.
///
/// These come from flags, and with `--cluster KUBECONFIG` from the real nodes' labels and taints (``cluster``).
public struct PlacementOptions: Sendable, Hashable {
    /// The OS given to workloads whose evidence decides nothing; nil lists them instead.
    public var defaultOS: OperatingSystem?
    /// The cluster is RKE1 with Windows preferred: its Linux nodes carry `cattle.io/os=linux:NoSchedule`, so Linux
    /// workloads need the matching toleration (Rancher docs, "Launching Kubernetes on Windows Clusters",
    /// RKE1 Windows-preferred clusters taint Linux workers).
    public var rke1WindowsPreferred: Bool
    /// The live cluster's nodes, when read: workloads tolerate the OS taints of their OS's nodes.
    public var cluster: ClusterDescription?

    /// Creates options.
    public init(defaultOS: OperatingSystem? = nil, rke1WindowsPreferred: Bool = false, cluster: ClusterDescription? = nil) {
        self.defaultOS = defaultOS
        self.rke1WindowsPreferred = rke1WindowsPreferred
        self.cluster = cluster
    }

    /// The taints a workload for `os` must tolerate: RKE1's Linux taint when the flag says so, and the OS taints of
    /// the cluster's nodes of that OS.
    public func requiredTolerations(for os: OperatingSystem) -> [NodeTaint] {
        var taints = os == .linux && rke1WindowsPreferred ? [NodeTaint(key: "cattle.io/os", value: "linux", effect: "NoSchedule")] : []
        for taint in cluster?.requiredTolerations(for: os) ?? [] where !taints.contains(taint) { taints.append(taint) }
        return taints
    }
}

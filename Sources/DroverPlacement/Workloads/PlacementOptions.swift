/// How the cluster wants undecided workloads placed and which taints its nodes carry.
///
/// Today these come from flags; a later `--cluster KUBECONFIG` (DroverKube) fills the same fields from the real
/// nodes' labels and taints.
public struct PlacementOptions: Sendable, Hashable {
    /// The OS given to workloads whose evidence decides nothing; nil lists them instead.
    public var defaultOS: OperatingSystem?
    /// The cluster is RKE1 with Windows preferred: its Linux nodes carry `cattle.io/os=linux:NoSchedule`, so Linux
    /// workloads need the matching toleration (Rancher docs, "Launching Kubernetes on Windows Clusters",
    /// RKE1 Windows-preferred clusters taint Linux workers).
    public var rke1WindowsPreferred: Bool

    /// Creates options.
    public init(defaultOS: OperatingSystem? = nil, rke1WindowsPreferred: Bool = false) {
        self.defaultOS = defaultOS
        self.rke1WindowsPreferred = rke1WindowsPreferred
    }
}

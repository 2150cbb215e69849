/// What placement and the doctor know of one node of a live cluster, read by the CLI through DroverKube.
public struct ClusterNode: Sendable, Hashable {
    /// The node's name.
    public var name: String
    /// The OS it runs (the `kubernetes.io/os` label, else what the kubelet reports); nil when unknown.
    public var os: OperatingSystem?
    /// Whether the `kubernetes.io/os` label is set (node selectors only see labels).
    public var hasOSLabel: Bool
    /// The Windows build (the `node.kubernetes.io/windows-build` label, else the kernel version).
    public var build: WindowsBuild?
    /// Whether the `node.kubernetes.io/windows-build` label is set.
    public var hasBuildLabel: Bool
    /// Whether its `Ready` condition is `True`.
    public var ready: Bool
    /// The `Ready` condition's reason and message when it is not `True`.
    public var readyDetail: String?
    /// Whether it is cordoned (`spec.unschedulable`).
    public var unschedulable: Bool
    /// Its roles, from the `node-role.kubernetes.io/*` labels.
    public var roles: [String]
    /// Its taints.
    public var taints: [NodeTaint]
    /// Its annotations (CNI evidence).
    public var annotations: [String: String]

    /// Creates a node description.
    public init(
        name: String, os: OperatingSystem?, hasOSLabel: Bool = true, build: WindowsBuild? = nil, hasBuildLabel: Bool = true,
        ready: Bool = true, readyDetail: String? = nil, unschedulable: Bool = false, roles: [String] = [], taints: [NodeTaint] = [],
        annotations: [String: String] = [:]
    ) {
        self.name = name
        self.os = os
        self.hasOSLabel = hasOSLabel
        self.build = build
        self.hasBuildLabel = hasBuildLabel
        self.ready = ready
        self.readyDetail = readyDetail
        self.unschedulable = unschedulable
        self.roles = roles
        self.taints = taints
        self.annotations = annotations
    }

    /// Whether ordinary workloads may land here: a taint other than an OS taint (the control plane's, say) keeps
    /// them off, as `drover place` only adds OS tolerations.
    var acceptsWorkloads: Bool {
        !unschedulable && !taints.contains { $0.effect != "PreferNoSchedule" && !ClusterDescription.isOSTaint($0) }
    }
}

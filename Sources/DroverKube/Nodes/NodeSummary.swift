import DroverEngine

/// What placement and diagnosis need from a Node: OS, Windows build, readiness, roles, taints, labels
/// (kube-and-rancher-wire.md §D: labels set by the kubelet and RKE2, `status.nodeInfo`, `status.conditions`).
public struct NodeSummary: Sendable, Equatable {
    /// A node taint.
    public struct Taint: Sendable, Hashable {
        /// The key, such as `cattle.io/os`.
        public var key: String
        /// The value, empty when none.
        public var value: String
        /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
        public var effect: String

        /// Creates a taint.
        public init(key: String, value: String = "", effect: String) {
            self.key = key
            self.value = value
            self.effect = effect
        }

        /// `key=value:effect`.
        public var description: String { "\(key)\(value.isEmpty ? "" : "=\(value)"):\(effect)" }
    }

    /// `metadata.name`.
    public var name: String
    /// The `kubernetes.io/os` label; nil when the node lacks it.
    public var osLabel: String?
    /// `status.nodeInfo.operatingSystem`, what the kubelet reports.
    public var reportedOS: String?
    /// The `node.kubernetes.io/windows-build` label (`10.0.17763`); nil when absent.
    public var windowsBuildLabel: String?
    /// `status.nodeInfo.kernelVersion`; on Windows `10.0.BUILD.UBR`.
    public var kernelVersion: String?
    /// `status.nodeInfo.osImage`, such as `Windows Server 2019 Datacenter`.
    public var osImage: String?
    /// `status.nodeInfo.kubeletVersion`.
    public var kubeletVersion: String?
    /// Whether the `Ready` condition is `True`; nil when the node reports none.
    public var ready: Bool?
    /// The `Ready` condition's reason and message when it is not `True`.
    public var readyDetail: String?
    /// The roles of the `node-role.kubernetes.io/ROLE` labels, sorted (kubectl's Roles column, §A.5).
    public var roles: [String]
    /// `spec.taints`.
    public var taints: [Taint]
    /// `spec.unschedulable` (cordoned).
    public var unschedulable: Bool
    /// Every label.
    public var labels: [String: String]
    /// Every annotation (CNI evidence such as flannel's backend type lives here).
    public var annotations: [String: String]

    /// The OS the node runs: the label, else what the kubelet reports.
    public var os: String? { osLabel ?? reportedOS }

    /// The Windows build as `10.0.BUILD`: the label, else the first three parts of the kernel version.
    public var windowsBuild: String? {
        if let windowsBuildLabel { return windowsBuildLabel }
        guard os == "windows", let kernelVersion else { return nil }
        let parts = kernelVersion.split(separator: ".")
        return parts.count >= 3 ? parts.prefix(3).joined(separator: ".") : nil
    }

    /// Reads a Node object.
    public init(node: Value) {
        name = node.name ?? "?"
        labels = node.labels
        annotations = node.annotations
        osLabel = labels["kubernetes.io/os"]
        windowsBuildLabel = labels["node.kubernetes.io/windows-build"]
        let info = node.value(at: ["status", "nodeInfo"])
        reportedOS = info?["operatingSystem"]?.stringValue
        kernelVersion = info?["kernelVersion"]?.stringValue
        osImage = info?["osImage"]?.stringValue
        kubeletVersion = info?["kubeletVersion"]?.stringValue
        let readyCondition = (node.value(at: ["status", "conditions"])?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }
        ready = readyCondition.map { $0["status"]?.stringValue == "True" }
        readyDetail = readyCondition.flatMap { condition in
            condition["status"]?.stringValue == "True" ? nil
                : [condition["reason"]?.stringValue, condition["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
        }
        let rolePrefix = "node-role.kubernetes.io/"
        roles = labels.keys.filter { $0.hasPrefix(rolePrefix) }.map { String($0.dropFirst(rolePrefix.count)) }.filter { !$0.isEmpty }.sorted()
        taints = (node.value(at: ["spec", "taints"])?.arrayValue ?? []).compactMap { taint in
            guard let key = taint["key"]?.stringValue, let effect = taint["effect"]?.stringValue else { return nil }
            return Taint(key: key, value: taint["value"]?.stringValue ?? "", effect: effect)
        }
        unschedulable = node.value(at: ["spec", "unschedulable"]) == .bool(true)
    }
}

extension KubeClient {
    /// Every node of the cluster, summarised.
    public func nodes() async throws -> [NodeSummary] {
        try await list(apiVersion: "v1", kind: "Node").items.map(NodeSummary.init(node:))
    }
}

import DroverEngine

/// `rancher.cluster_ready`: waits until the cluster is `active` and every expected node is Ready, showing a live table
/// (node, OS, role, state, since). Each node has a timeout by OS on the engine clock — Windows 20 minutes (the
/// Containers feature reboot and image pulls, as the seed warned), Linux 10 — and a timeout names the missing nodes,
/// their last condition and where to look: the join extension's status and the node's join log.
public struct ClusterReadyHandler: ResourceHandler {
    /// A node the cluster must have.
    public struct ExpectedNode: Codable, Sendable, Equatable {
        /// The VM and Kubernetes node name.
        public var name: String
        /// `linux` or `windows`.
        public var os: String
        /// Its roles, such as `etcd`, `controlplane`, `worker`.
        public var roles: [String]?
    }

    /// Inputs.
    public struct Inputs: RancherAccessInputs, Equatable {
        public var url: String
        public var rancherToken: String
        public var caCertificate: String?
        /// The management cluster id.
        public var clusterId: String
        /// The provisioning cluster's name (RKE2): its CAPI machines show nodes that have not registered yet.
        public var clusterName: String?
        /// Every node that must be Ready.
        public var nodes: [ExpectedNode]
        /// The nodes' resource group, for the `az vm extension show` hint.
        public var resourceGroup: String?
        /// The join extension's name, for the hint; `drover-join` when not given.
        public var joinExtensionName: String?
        /// Minutes a Windows node may take; 20 when not given.
        public var windowsTimeoutMinutes: Double?
        /// Minutes a Linux node may take; 10 when not given.
        public var linuxTimeoutMinutes: Double?
    }

    /// Outputs.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The management cluster id.
        public var clusterId: String
        /// How many nodes are Ready.
        public var readyNodes: Int
    }

    let session: RancherSession
    let interval: Double

    /// Creates the handler; `interval` is the seconds between polls.
    public init(session: RancherSession, interval: Double = 10) {
        self.session = session
        self.interval = interval
    }

    public var type: String { "rancher.cluster_ready" }
    public var sensitiveInputs: Set<String> { ["rancherToken"] }

    /// The node log the join scripts write (DroverNodes' join scripts).
    static func logPath(os: String) -> String { os == "windows" ? #"C:\drover\join.log"# : "/var/log/drover-join.log" }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let nodes = ClusterNodes(client: try await session.client(for: inputs), clusterId: inputs.clusterId)
        let start = context.clock.now()
        var tracker = ReadinessTracker(expected: inputs.nodes, start: start)
        while true {
            let listed = try await nodes.list(context: context)
            var machines: [ClusterNodes.Machine] = []
            if let name = inputs.clusterName { machines = try await nodes.machines(clusterName: name, context: context) }
            let clusterState = try await nodes.clusterState(context: context) ?? "unknown"
            let now = context.clock.now()
            tracker.observe(listed, machines: machines, at: now)
            let pending = inputs.nodes.filter { !tracker.isReady($0.name) }
            context.report(
                "cluster \(inputs.clusterId) \(clusterState); \(inputs.nodes.count - pending.count) of \(inputs.nodes.count) nodes Ready",
                table: tracker.table(at: now))
            if pending.isEmpty, clusterState == "active" {
                return Outputs(clusterId: inputs.clusterId, readyNodes: inputs.nodes.count)
            }
            let overdue = pending.filter { now - start >= limit($0.os, inputs) }
            let clusterOverdue = pending.isEmpty && now - start >= inputs.nodes.map { limit($0.os, inputs) }.max() ?? 0
            if !overdue.isEmpty || clusterOverdue || (context.deadline.map { now >= $0 } ?? false) {
                throw CodedError(
                    code: "ClusterNotReady", message: diagnosis(inputs, pending: pending, clusterState: clusterState, tracker: tracker, now: now, start: start),
                    remediation: "fix what the node's join log or extension status says, then run the same command again to keep waiting")
            }
            try await context.sleep(seconds: interval)
        }
    }

    /// Seconds a node of `os` may take.
    func limit(_ os: String, _ inputs: Inputs) -> Double {
        60 * (os == "windows" ? inputs.windowsTimeoutMinutes ?? 20 : inputs.linuxTimeoutMinutes ?? 10)
    }

    /// The timeout message: the cluster's state, then per missing node its last condition and where to look.
    func diagnosis(_ inputs: Inputs, pending: [ExpectedNode], clusterState: String, tracker: ReadinessTracker, now: Double, start: Double) -> String {
        var lines = ["cluster \(inputs.clusterId) is not ready after \(Duration.text(now - start)) (cluster state: \(clusterState))"]
        if pending.isEmpty { lines.append("every node is Ready, but the cluster never became active") }
        for node in pending {
            let roles = (node.roles ?? []).joined(separator: ", ")
            lines.append("- \(node.name) (\(node.os)\(roles.isEmpty ? "" : ", \(roles)"), limit \(Duration.text(limit(node.os, inputs)))): \(tracker.lastWord(node.name))")
            let group = inputs.resourceGroup ?? "<resource group>"
            lines.append("    extension status: az vm extension show --resource-group \(group) --vm-name \(node.name) --name \(inputs.joinExtensionName ?? "drover-join") --query instanceView")
            lines.append("    node log: \(Self.logPath(os: node.os))")
        }
        return lines.joined(separator: "\n")
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? { prior.map { Observed($0) } }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        try await create(new, context: context)
    }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {}
}

/// What was seen of each expected node over time: its state and since when.
struct ReadinessTracker {
    struct Seen { var state: String; var since: Double; var node: ClusterNodes.Node?; var machine: ClusterNodes.Machine? }
    let expected: [ClusterReadyHandler.ExpectedNode]
    var seen: [String: Seen]

    init(expected: [ClusterReadyHandler.ExpectedNode], start: Double) {
        self.expected = expected
        seen = Dictionary(uniqueKeysWithValues: expected.map { ($0.name.lowercased(), Seen(state: "not registered", since: start)) })
    }

    /// Records each expected node's state: Ready / NotReady from Rancher's node, else its machine's phase, else
    /// not registered.
    mutating func observe(_ nodes: [ClusterNodes.Node], machines: [ClusterNodes.Machine] = [], at now: Double) {
        for wanted in expected {
            let key = wanted.name.lowercased()
            let node = nodes.first { $0.name.lowercased() == key || $0.hostname?.lowercased() == key }
            let machine = machines.first { $0.nodeName?.lowercased() == key }
            let state = node.map { $0.isReady ? "Ready" : "NotReady (\($0.state ?? "?"))" }
                ?? machine.map { "machine \($0.status?.phase ?? "Pending")" } ?? "not registered"
            if seen[key]?.state != state { seen[key] = Seen(state: state, since: now) }
            seen[key]?.node = node
            seen[key]?.machine = machine
        }
    }

    func isReady(_ name: String) -> Bool { seen[name.lowercased()]?.state == "Ready" }

    /// The last condition of a node as a sentence.
    func lastWord(_ name: String) -> String {
        guard let entry = seen[name.lowercased()] else { return "unknown" }
        guard let node = entry.node else {
            guard let machine = entry.machine else { return "never registered with Rancher" }
            return "machine \(machine.metadata?.name ?? "?") is \(machine.status?.phase ?? "Pending"), no Kubernetes node yet"
        }
        return "last condition \(node.lastCondition)"
    }

    func table(at now: Double) -> ProgressTable {
        ProgressTable(
            columns: ["node", "OS", "role", "state", "since"],
            rows: expected.map { node in
                let entry = seen[node.name.lowercased()]
                let roles = entry?.node.map { $0.roles } ?? node.roles ?? []
                return [node.name, node.os, roles.joined(separator: ","), entry?.state ?? "?", Duration.text(now - (entry?.since ?? now))]
            })
    }
}

/// Seconds as `1h2m3s` / `4m5s` / `6s`.
enum Duration {
    static func text(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded()))
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        return h > 0 ? "\(h)h\(m)m\(s)s" : m > 0 ? "\(m)m\(s)s" : "\(s)s"
    }
}

import DroverEngine

/// `rancher.windows_registration`: the Windows node command, handed out only once the cluster has Ready Linux nodes
/// with the etcd, control-plane and worker roles — "The Windows registration command only appears once Linux etcd,
/// control-plane and worker nodes are running" (peers.md §2.2 and P1, Rancher docs use-windows-clusters); a Windows node
/// registering earlier is refused (issue 9 seams).
public struct WindowsRegistrationHandler: ResourceHandler {
    /// Inputs.
    public struct Inputs: RancherAccessInputs, Equatable {
        public var url: String
        public var rancherToken: String
        public var caCertificate: String?
        /// The management cluster id.
        public var clusterId: String
        /// Seconds to wait for the Linux nodes; 1200 when not given.
        public var timeoutSeconds: Double?
    }

    /// Outputs.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The Windows node command without per-node flags (sensitive: it carries the token).
        public var windowsCommand: String
    }

    let session: RancherSession

    /// Creates the handler.
    public init(session: RancherSession) { self.session = session }

    public var type: String { "rancher.windows_registration" }
    public var replaceTriggers: Set<String> { ["clusterId"] }
    public var sensitiveInputs: Set<String> { ["rancherToken"] }
    public var sensitiveOutputs: Set<String> { ["windowsCommand"] }

    static let linuxRoles = ["etcd", "control-plane", "worker"]

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let client = try await session.client(for: inputs)
        let nodes = ClusterNodes(client: client, clusterId: inputs.clusterId)
        let missing = MissingRoles()
        try await context.wait(
            for: "Ready Linux etcd, control-plane and worker nodes in \(inputs.clusterId) before handing out the Windows command",
            every: 10, timeout: inputs.timeoutSeconds ?? 1200,
            diagnosis: { await missing.text }
        ) { () -> Bool? in
            let ready = try await nodes.list(context: context).filter { $0.os != "windows" && $0.isReady }
            let lacking = Self.linuxRoles.filter { role in !ready.contains { $0.roles.contains(role) } }
            await missing.set(lacking.isEmpty ? nil : "no Ready Linux node with role \(lacking.joined(separator: ", "))")
            if lacking.isEmpty { return true }
            context.report(
                "Windows command held back until Linux etcd, control-plane and worker nodes are Ready; still missing: \(lacking.joined(separator: ", "))")
            return nil
        }
        let token = try await RegistrationTokens(client: client, clusterId: inputs.clusterId).ready(createIfMissing: false, timeout: 300, context: context)
        guard let command = token.windowsNodeCommand, !command.isEmpty else {
            throw CodedError(
                code: "NoWindowsCommand", message: "Rancher gives no Windows node command for cluster \(inputs.clusterId)",
                remediation: "the cluster must be a Windows-capable custom cluster (RKE1 windowsPreferedCluster, or RKE2 with calico or flannel)")
        }
        context.report("Linux nodes are Ready; Windows command handed out")
        return Outputs(windowsCommand: command)
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        guard let prior else { return nil }
        let tokens = RegistrationTokens(client: try await session.client(for: inputs), clusterId: inputs.clusterId)
        guard let token = try await CodedError.nilWhenNotFound({ try await tokens.list(context: context) })?.first(where: \.isReady),
            let command = token.windowsNodeCommand, !command.isEmpty
        else { return nil }
        return Observed(command == prior.windowsCommand ? prior : Outputs(windowsCommand: command))
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        try await create(new, context: context)
    }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {}
}

/// What the Windows command still waits for, for the timeout message.
actor MissingRoles {
    var text: String?
    func set(_ value: String?) { text = value }
}

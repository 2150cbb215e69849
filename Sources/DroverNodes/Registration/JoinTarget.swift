/// A Kubernetes role a node takes in the workload cluster.
public enum AgentRole: String, Codable, Sendable, CaseIterable, Comparable {
    case etcd, controlplane, worker

    public static func < (a: AgentRole, b: AgentRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One node about to run the registration command: its name, roles and addresses.
public struct JoinTarget: Sendable, Equatable {
    /// The node name Rancher shows (the VM's host name).
    public var nodeName: String
    /// Its roles; Windows nodes are workers only.
    public var roles: Set<AgentRole>
    /// The public address (`--address`).
    public var address: String
    /// The private address in the VNet (`--internal-address`); Azure does not let the agent detect it (rancher/rancher#22612).
    public var internalAddress: String

    /// Creates a join target.
    public init(nodeName: String, roles: Set<AgentRole>, address: String, internalAddress: String) {
        self.nodeName = nodeName
        self.roles = roles
        self.address = address
        self.internalAddress = internalAddress
    }
}

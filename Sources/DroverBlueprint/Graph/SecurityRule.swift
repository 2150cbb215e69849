import DroverEngine

/// One inbound allow rule of a network security group, as the blueprint declares it; the priority follows from its
/// place in the list (azure-api.md §5.1: 100–4096, unique, lower wins).
struct SecurityRule: Equatable {
    /// The rule's name, unique in the group.
    var name: String
    /// `Tcp` or `Udp` (Azure's `SecurityRulePropertiesFormat.protocol` spelling).
    var `protocol`: String
    /// Ports or ranges (`"2379-2380"`).
    var ports: [String]
    /// Where traffic may come from: `*`, `Internet` or `VirtualNetwork` (service tags, azure-api.md §5.1).
    var source: String

    /// Administrative access (SSH, RDP). The spec names no admin network yet, so it is open; Drover's own machine
    /// needs SSH on rancher-2.3 (`rke up`).
    static let adminSource = "*"

    /// The rule as the `azure.network_security_group` handler's `rules` element.
    func value(priority: Int) -> Value {
        [
            "name": .string(name), "priority": .number(Double(priority)), "protocol": .string(self.protocol),
            "destinationPortRanges": .array(ports.map(Value.string)), "sourceAddressPrefix": .string(source),
        ]
    }

    private static func tcp(_ name: String, _ ports: [String], from source: String) -> SecurityRule {
        SecurityRule(name: name, protocol: "Tcp", ports: ports, source: source)
    }

    /// Kubernetes traffic between nodes of one network: the API, RKE2's supervisor, the kubelet, etcd
    /// (peers.md P2; RKE2's and RKE1's port requirements).
    private static func insideNetwork(rke2: Bool) -> [SecurityRule] {
        (rke2 ? [tcp("allow-rke2-supervisor", ["9345"], from: "VirtualNetwork")] : [])
            + [tcp("allow-kubelet", ["10250"], from: "VirtualNetwork"), tcp("allow-etcd", ["2379-2380"], from: "VirtualNetwork")]
    }

    /// The Rancher servers' rules: SSH from the admin, HTTP(S) and the Kubernetes API to the load balancer (the
    /// Standard load balancer passes the client's address, so the NSG must allow the Internet), the rest inside.
    static func rancher(profile: Profile) -> [SecurityRule] {
        [
            tcp("allow-ssh", ["22"], from: adminSource), tcp("allow-web", ["80", "443"], from: "Internet"),
            tcp("allow-kube-api", ["6443"], from: "Internet"),
        ] + insideNetwork(rke2: profile == .current)
    }

    /// The workload nodes' rules: SSH (and RDP with Windows nodes) from the admin, Kubernetes inside the network, and
    /// the CNI's VXLAN port over UDP between nodes (peers.md P2).
    static func workload(profile: Profile, windows: Bool, vxlanPort: Int) -> [SecurityRule] {
        [tcp("allow-ssh", ["22"], from: adminSource)]
            + (windows ? [tcp("allow-rdp", ["3389"], from: adminSource)] : [])
            + [tcp("allow-kube-api", ["6443"], from: "VirtualNetwork")]
            + insideNetwork(rke2: profile == .current)
            + [SecurityRule(name: "allow-vxlan", protocol: "Udp", ports: [String(vxlanPort)], source: "VirtualNetwork")]
    }
}

/// One VM the spec asks for, with its static private address.
public struct PlannedNode: Sendable, Equatable {
    /// The node pool's name (`rancher` for Rancher's own servers).
    public var pool: String
    /// The index inside the pool.
    public var index: Int
    /// The VM name, also its host name.
    public var vmName: String
    /// The operating system.
    public var os: NodeOS
    /// The Kubernetes roles.
    public var roles: [NodeRole]
    /// The VM size.
    public var vmSize: String
    /// The static private address, or nil when the subnet has no room left (validation reports that).
    public var privateAddress: IPv4Address?
    /// The spec path of the pool, for diagnostics.
    public var specPath: String
}

extension ClusterSpec {
    /// The Rancher server VMs: RKE2 servers on `current`; one etcd, one controlplane and one worker node on `rancher-2.3`.
    public var rancherNodes: [PlannedNode] {
        let network = try? IPv4Network.parse(rancher.network.subnet).get()
        var next = network?.azureAssignable?.lowerBound
        func take() -> IPv4Address? {
            guard let value = next, let range = network?.azureAssignable, range.contains(value) else { return nil }
            next = value + 1
            return IPv4Address(value)
        }
        switch profile {
        case .current:
            return (0..<rancher.servers).map { i in
                PlannedNode(pool: "rancher", index: i, vmName: "rancher-\(i)-vm", os: .linux, roles: [.etcd, .controlplane, .worker],
                    vmSize: rancher.vmSize, privateAddress: take(), specPath: "rancher.servers")
            }
        case .rancher23:
            return [("etcd", NodeRole.etcd), ("control", .controlplane), ("worker", .worker)].map { name, role in
                PlannedNode(pool: "rancher-\(name)", index: 0, vmName: "rancher-\(name)-0-vm", os: .linux, roles: [role],
                    vmSize: rancher.vmSize, privateAddress: take(), specPath: "rancher")
            }
        }
    }

    /// The workload cluster VMs, pool by pool, with addresses taken in order from the subnet's first usable one
    /// (the seed's `cidrhost(subnet, index + 4)`) unless a pool names its `firstAddress`.
    public var clusterNodes: [PlannedNode] {
        let network = try? IPv4Network.parse(cluster.network.subnet).get()
        var next = network?.azureAssignable?.lowerBound
        var nodes: [PlannedNode] = []
        for (p, pool) in cluster.nodePools.enumerated() {
            // A firstAddress that is not an address leaves this pool without addresses (validation reports it
            // once) and the pools after it where they would have been, so one typo is one error.
            let unreadable = pool.firstAddress.map { IPv4Address($0) == nil } ?? false
            if let first = pool.firstAddress.flatMap { IPv4Address($0) } { next = first.value }
            for i in 0..<pool.count {
                var address: IPv4Address?
                if !unreadable, let value = next {
                    address = IPv4Address(value)
                    next = value == .max ? nil : value + 1
                }
                nodes.append(
                    PlannedNode(pool: pool.name, index: i, vmName: pool.vmName(i), os: pool.os, roles: pool.roles,
                        vmSize: pool.vmSize, privateAddress: address, specPath: "cluster.nodePools[\(p)]"))
            }
        }
        return nodes
    }
}

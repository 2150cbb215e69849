import Foundation

/// Whether a cluster's Linux nodes carry it: Ready Linux nodes holding the etcd, controlplane and worker roles
/// between them (rancher-api.md §2.2 "waiting for etcd/controlplane", §6.4; peers.md P1), and which Windows
/// machines can never become Ready (canal cannot carry Windows, rancher-api.md §4.3).
struct ClusterReadiness: Sendable {
    var nodes: [DownstreamNodeSummary]
    var missingRoles: [String]

    static let requiredRoles = ["etcd", "controlplane", "worker"]

    init(nodes: [DownstreamNodeSummary]) {
        self.nodes = nodes
        let held = nodes.filter { $0.ready && $0.os == "linux" }.reduce(into: Set<String>()) { $0.formUnion($1.roles) }
        missingRoles = Self.requiredRoles.filter { !held.contains($0) }
    }

    /// Every Linux role is held by a Ready node.
    var linuxReady: Bool { missingRoles.isEmpty }

    /// A Ready Linux control-plane node exists (what a Windows node needs before it may join; seams agreement).
    var hasReadyLinuxControlPlane: Bool { nodes.contains { $0.ready && $0.os == "linux" && $0.roles.contains("controlplane") } }

    /// The message a cluster shows while it waits.
    var waitingMessage: String {
        "waiting for Ready Linux nodes with the role(s) \(missingRoles.joined(separator: ", ")) to be registered"
    }

    func node(named name: String) -> DownstreamNodeSummary? { nodes.first { $0.name == name } }
}

/// Where a registered machine stands (CAPI `MachinePhase`, kube-and-rancher-wire.md §C.6).
enum MachinePhase: String {
    case provisioning = "Provisioning", provisioned = "Provisioned", running = "Running"

    /// The v3 node `state` shown for it (rancher-api.md §6.4, inference for the mapping).
    var nodeState: String {
        switch self {
        case .provisioning: "provisioning"
        case .provisioned: "registering"
        case .running: "active"
        }
    }
}

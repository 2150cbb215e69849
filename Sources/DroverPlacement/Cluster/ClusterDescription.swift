/// A live cluster's nodes as placement sees them: which OSes and Windows builds it runs, which OS taints its nodes
/// carry, and whether any node can take a workload. Network-free: the CLI fills it through DroverKube.
public struct ClusterDescription: Sendable, Hashable {
    /// Every node.
    public var nodes: [ClusterNode]

    /// Creates a description.
    public init(nodes: [ClusterNode]) { self.nodes = nodes }

    /// The OSes of its nodes.
    public var systems: Set<OperatingSystem> { Set(nodes.compactMap(\.os)) }

    /// Whether Linux and Windows nodes are both present.
    public var isMixed: Bool { systems.count > 1 }

    /// The Windows builds of its Windows nodes.
    public var windowsBuilds: Set<WindowsBuild> { Set(nodes.filter { $0.os == .windows }.compactMap(\.build)) }

    /// Whether `taint` exists to keep other OSes off a node: key `cattle.io/os` (Rancher's RKE1 Windows-preferred
    /// clusters taint Linux nodes `cattle.io/os=linux:NoSchedule`, rancher-api.md §5) or `os` (the Kubernetes
    /// docs' "Guide for scheduling Windows containers" taints Windows nodes `os=windows:NoSchedule`), valued with
    /// an OS name.
    static func isOSTaint(_ taint: NodeTaint) -> Bool {
        ["cattle.io/os", "os"].contains(taint.key) && OperatingSystem(rawValue: taint.value) != nil
    }

    /// The OS taints on nodes of `os` that a workload for `os` must tolerate, in a stable order.
    public func requiredTolerations(for os: OperatingSystem) -> [NodeTaint] {
        let taints = nodes.filter { $0.os == os }.flatMap(\.taints).filter { Self.isOSTaint($0) && $0.value == os.rawValue && $0.effect != "PreferNoSchedule" }
        return Array(Set(taints)).sorted { $0.description < $1.description }
    }

    /// The Ready, schedulable nodes a workload for `os` (and `build`) can run on.
    public func nodes(for os: OperatingSystem, build: WindowsBuild?) -> [ClusterNode] {
        nodes.filter { $0.ready && $0.acceptsWorkloads && $0.os == os && (build == nil || os != .windows || $0.build == build) }
    }

    /// Why no node can run a workload for `os`/`build`, nil when one can.
    public func fitProblem(os: OperatingSystem, build: WindowsBuild?) -> String? {
        guard nodes(for: os, build: build).isEmpty else { return nil }
        let sameOS = nodes.filter { $0.os == os }
        let target = build.map { "\(os.rawValue) \($0)" } ?? os.rawValue
        if sameOS.isEmpty { return "no node runs \(os.rawValue)" }
        if let build, os == .windows, !sameOS.contains(where: { $0.build == build }) {
            let present = Set(sameOS.compactMap(\.build)).sorted().map(\.description).joined(separator: ", ")
            return "no Windows node runs build \(build) (\(build.nodeLabel)); the cluster's Windows nodes are \(present.isEmpty ? "of unknown build" : "build \(present)")"
        }
        return "no Ready, schedulable node runs \(target) (\(sameOS.map(\.name).sorted().joined(separator: ", ")) \(sameOS.count == 1 ? "is" : "are") NotReady, cordoned or tainted)"
    }

    /// The OS a workload that nothing decides should get, when the cluster says: the only OS with nodes that take
    /// workloads, or the only one whose nodes carry no OS taint (an RKE1 Windows-preferred cluster taints its Linux
    /// nodes, so Windows is preferred); nil when both are equally open.
    public var preferredOS: OperatingSystem? {
        let open = OperatingSystem.allCases.filter { !nodes(for: $0, build: nil).isEmpty }
        if open.count == 1 { return open[0] }
        let untainted = open.filter { requiredTolerations(for: $0).isEmpty }
        return untainted.count == 1 ? untainted[0] : nil
    }

    /// One warning per placed workload no node can run.
    public func fitWarnings(_ placements: [WorkloadPlacement]) -> [String] {
        placements.compactMap { placement in
            guard case let .placed(os, build, _) = placement.outcome, let problem = fitProblem(os: os, build: build) else { return nil }
            return "\(placement.workload): \(problem)"
        }
    }
}

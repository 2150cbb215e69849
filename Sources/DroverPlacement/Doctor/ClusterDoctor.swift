import Yams

/// The checks of `drover doctor`: node labels and readiness, pods that cannot start because of their OS or Windows
/// build, workloads that say nothing about their OS in a mixed cluster, and a network plugin Windows cannot use.
public struct ClusterDoctor: Sendable {
    /// Reads pods' needs.
    public var analyzer: PodAnalyzer

    /// Creates a doctor.
    public init(analyzer: PodAnalyzer = PodAnalyzer()) { self.analyzer = analyzer }

    /// Every finding, errors first, then by check and object.
    public func diagnose(_ input: DoctorInput) -> [DoctorFinding] {
        let findings = nodeFindings(input.cluster) + input.pods.flatMap { podFindings($0, cluster: input.cluster) }
            + workloadFindings(input.workloads + input.pods, cluster: input.cluster) + NetworkCheck.findings(input)
        return findings.sorted { ($0.severity, $0.check, $0.object) < ($1.severity, $1.check, $1.object) }
    }

    // MARK: Nodes

    func nodeFindings(_ cluster: ClusterDescription) -> [DoctorFinding] {
        cluster.nodes.flatMap { node -> [DoctorFinding] in
            var findings: [DoctorFinding] = []
            let object = "Node \(node.name)"
            if !node.hasOSLabel {
                findings.append(DoctorFinding(
                    severity: .warning, check: "NodeMissingOSLabel", object: object,
                    problem: "no kubernetes.io/os label, so no OS node selector can choose this node",
                    fix: "kubectl label node \(node.name) kubernetes.io/os=\(node.os?.rawValue ?? "<linux|windows>") (the kubelet sets it; check its version and flags)"))
            }
            if node.os == .windows, !node.hasBuildLabel {
                findings.append(DoctorFinding(
                    severity: .warning, check: "NodeMissingBuildLabel", object: object,
                    problem: "no node.kubernetes.io/windows-build label, so workloads cannot select this node's Windows build",
                    fix: "kubectl label node \(node.name) node.kubernetes.io/windows-build=\(node.build?.nodeLabel ?? "10.0.<build>")"))
            }
            if node.os == .windows, !node.ready {
                // peers.md P1: where a Windows node's join and kubelet problems show.
                findings.append(DoctorFinding(
                    severity: .error, check: "WindowsNodeNotReady", object: object,
                    problem: "NotReady" + (node.readyDetail.map { ": \($0)" } ?? ""),
                    fix: "on the node, check Get-Service rancher-wins,rke2, the rancher-wins event log, C:\\var\\lib\\rancher\\agent logs and hnsdiag list networks"))
            }
            return findings
        }
    }

    // MARK: Pods

    /// Conditions and container messages that mean an OS or build mismatch (peers.md P3: "The container operating
    /// system does not match the host operating system", "no match for platform in manifest").
    static let mismatchMessages = ["does not match the host operating system", "no match for platform in manifest", "no matching manifest for"]

    func podFindings(_ pod: Node, cluster: ClusterDescription) -> [DoctorFinding] {
        guard let spec = pod.value("spec") else { return [] }
        let object = "Pod \(Self.name(of: pod))"
        let needs = analyzer.needs(of: spec, at: "spec")
        let phase = pod.value(at: ["status", "phase"])?.text
        let nodeName = spec.value("nodeName")?.text
        var findings: [DoctorFinding] = []
        if let nodeName, let node = cluster.nodes.first(where: { $0.name == nodeName }) {
            if let os = needs.os, let nodeOS = node.os, os != nodeOS {
                findings.append(DoctorFinding(
                    severity: .error, check: "OSMismatch", object: object,
                    problem: "\(WorkloadPlacer.proof(needs) { $0.os == os }) \(os.rawValue) but it runs on \(nodeOS.rawValue) node \(nodeName)",
                    fix: "pin it to \(os.rawValue) nodes: drover place -f <its manifest> and apply the result"))
            } else if node.os == .windows, let build = needs.build, let nodeBuild = node.build, build != nodeBuild {
                findings.append(DoctorFinding(
                    severity: .error, check: "BuildMismatch", object: object,
                    problem: "\(WorkloadPlacer.proof(needs) { $0.build == build }) Windows build \(build) but node \(nodeName) runs \(nodeBuild)",
                    fix: Self.buildFix(build: build, cluster: cluster)))
            }
        }
        if findings.isEmpty, let failure = Self.mismatchFailure(pod) {
            findings.append(DoctorFinding(
                severity: .error, check: "OSMismatch", object: object, problem: "a container cannot start: \(failure)",
                fix: "use an image built for the node's OS and build, or pin the pod with drover place"))
        }
        if phase == "Pending", nodeName == nil, let finding = unschedulable(spec, needs: needs, object: object, cluster: cluster) {
            findings.append(finding)
        }
        return findings
    }

    /// Why a pending pod cannot be scheduled for its OS: no node of its OS/build (from its images, else its node
    /// selector), or an OS taint every such node carries that the pod does not tolerate.
    func unschedulable(_ spec: Node, needs: PodNeeds, object: String, cluster: ClusterDescription) -> DoctorFinding? {
        let selector = spec.value("nodeSelector")
        guard let os = needs.os ?? selector?.value(ExplicitChoice.osLabel)?.text.flatMap(OperatingSystem.init(rawValue:)) else { return nil }
        let build = os == .windows ? needs.build ?? selector?.value(ExplicitChoice.buildLabel)?.text.flatMap(WindowsBuild.init(osVersion:)) : nil
        if let problem = cluster.fitProblem(os: os, build: build) {
            return DoctorFinding(
                severity: .error, check: "Unschedulable", object: object, problem: "Pending: \(problem)",
                fix: build.map { Self.buildFix(build: $0, cluster: cluster) } ?? "add a \(os.rawValue) node pool or fix the pod's image")
        }
        let tolerations = spec.value("tolerations")?.items ?? []
        let candidates = cluster.nodes(for: os, build: build)
        let blocking = cluster.requiredTolerations(for: os).filter { taint in
            candidates.allSatisfy { $0.taints.contains(taint) } && !tolerations.contains { WorkloadPlacer.tolerates($0, taint) }
        }
        guard !blocking.isEmpty else { return nil }
        return DoctorFinding(
            severity: .error, check: "MissingToleration", object: object,
            problem: "Pending: every \(os.rawValue) node is tainted \(blocking.map(\.description).joined(separator: ", ")) and the pod does not tolerate it",
            fix: "drover place -f <its manifest> --cluster <kubeconfig> adds the toleration; apply the result")
    }

    /// The waiting reason and message of a container that fails because of its OS or build.
    static func mismatchFailure(_ pod: Node) -> String? {
        for list in ["initContainerStatuses", "containerStatuses"] {
            for status in pod.value(at: ["status", list])?.items ?? [] {
                guard let waiting = status.value(at: ["state", "waiting"]), let message = waiting.value("message")?.text,
                      mismatchMessages.contains(where: { message.contains($0) }) else { continue }
                return "\(status.value("name")?.text ?? "?"): \(waiting.value("reason")?.text ?? "Waiting"): \(message)"
            }
        }
        return nil
    }

    static func buildFix(build: WindowsBuild, cluster: ClusterDescription) -> String {
        let present = cluster.windowsBuilds.sorted()
        guard !present.isEmpty, !present.contains(build) else {
            return "select node.kubernetes.io/windows-build=\(build.nodeLabel) (drover place does) so it lands on a matching node"
        }
        let tags = present.map { "\($0) (\(Self.ltscTag[$0.number] ?? $0.nodeLabel))" }.joined(separator: ", ")
        return "rebuild or retag the image for build \(tags), or add Windows nodes of build \(build)"
    }

    /// Microsoft's LTSC tags of the builds Rancher supports (peers.md P3: pair the build with `ltsc2019`/`ltsc2022`).
    static let ltscTag = [17763: "ltsc2019", 20348: "ltsc2022"]

    // MARK: Workloads

    /// Namespaces of the platform itself, left out like the webhook leaves them out.
    static func isSystem(_ namespace: String) -> Bool {
        ["kube-system", "kube-public", "kube-node-lease", "calico-system", "tigera-operator"].contains(namespace) || namespace.hasPrefix("cattle-")
    }

    func workloadFindings(_ objects: [Node], cluster: ClusterDescription) -> [DoctorFinding] {
        guard cluster.isMixed else { return [] }
        let placer = WorkloadPlacer(analyzer: analyzer)
        return objects.compactMap { object -> DoctorFinding? in
            // Objects a controller owns follow their owner's template.
            guard (object.value(at: ["metadata", "ownerReferences"])?.items ?? []).isEmpty,
                  !Self.isSystem(object.value(at: ["metadata", "namespace"])?.text ?? "default"),
                  let placement = placer.place(object) else { return nil }
            let selectsOS = !placement.edits.contains { $0.path.last == "nodeSelector" || $0.path.last == ExplicitChoice.osLabel }
            switch placement.outcome {
            case .undecided:
                return DoctorFinding(
                    severity: .warning, check: "NoOSDecision", object: placement.workload,
                    problem: "nothing says which OS it needs and it selects none, so it may land on either",
                    fix: "drover place -f <its manifest> --default-os linux|windows, or set nodeSelector kubernetes.io/os")
            case let .placed(os, build, _) where !selectsOS:
                return DoctorFinding(
                    severity: .warning, check: "NoOSDecision", object: placement.workload,
                    problem: "its images need \(build.map { "\(os.rawValue) \($0)" } ?? os.rawValue) but it selects no OS, so it may land on the wrong nodes",
                    fix: "drover place -f <its manifest> adds the node selectors; apply the result")
            default:
                return nil
            }
        }
    }

    /// `namespace/name`.
    static func name(of object: Node) -> String {
        [object.value(at: ["metadata", "namespace"])?.text, object.value(at: ["metadata", "name"])?.text ?? "?"].compactMap { $0 }.joined(separator: "/")
    }
}

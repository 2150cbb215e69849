import Foundation
@testable import DroverPlacement
import Testing
import Yams

/// The cluster description's tolerations and fit, and the doctor's rules one by one.
@Suite struct ClusterDoctorTests {
    static let linux = ClusterNode(name: "lin", os: .linux, roles: ["worker"])
    static let win2019 = ClusterNode(name: "w19", os: .windows, build: WindowsBuild(17763), roles: ["worker"])
    static let win2022 = ClusterNode(name: "w22", os: .windows, build: WindowsBuild(20348), roles: ["worker"])

    static func object(_ yaml: String) throws -> Node { try #require(try Yams.compose(yaml: yaml)) }

    static func pod(_ image: String, node: String? = nil, namespace: String = "apps", extra: String = "") throws -> Node {
        try object("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: \(namespace)}
            spec:
            \(node.map { "  nodeName: \($0)\n" } ?? "")  containers:
              - {name: c, image: "\(image)"}
            \(extra)
            """)
    }

    static func diagnose(_ nodes: [ClusterNode], pods: [Node] = [], workloads: [Node] = [], daemonSets: [String] = []) -> [DoctorFinding] {
        ClusterDoctor().diagnose(DoctorInput(cluster: ClusterDescription(nodes: nodes), pods: pods, workloads: workloads, systemDaemonSets: daemonSets))
    }

    @Test func osTaintsBecomeTolerationsOfTheirOSOnly() throws {
        var windows = Self.win2019
        windows.taints = [NodeTaint(key: "os", value: "windows", effect: "NoSchedule")]
        var controlPlane = Self.linux
        controlPlane.taints = [NodeTaint(key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule")]
        let cluster = ClusterDescription(nodes: [controlPlane, windows])
        #expect(cluster.requiredTolerations(for: .windows) == [NodeTaint(key: "os", value: "windows", effect: "NoSchedule")])
        // The control plane's taint is not an OS taint: no toleration, and the node takes no workloads.
        #expect(cluster.requiredTolerations(for: .linux).isEmpty)
        #expect(cluster.fitProblem(os: .linux, build: nil)?.contains("NotReady, cordoned or tainted") == true)
        let placer = WorkloadPlacer(options: PlacementOptions(cluster: cluster))
        let pod = try Self.pod("mcr.microsoft.com/windows/nanoserver:ltsc2019")
        let edit = try #require(placer.place(pod)?.edits.first { $0.path.last == "tolerations" })
        #expect(edit.value.flow == "[{key: os, operator: Equal, value: windows, effect: NoSchedule}]")
        let tolerated = try Self.pod("mcr.microsoft.com/windows/nanoserver:ltsc2019", extra: "  tolerations:\n  - {key: os, operator: Exists}")
        #expect(placer.place(tolerated)?.edits.contains { $0.path.last == "tolerations" } == false)
    }

    /// (nodes, os, build, problem or nil)
    static let fits: [([ClusterNode], OperatingSystem, Int?, String?)] = [
        ([linux, win2019], .windows, 17763, nil),
        ([linux, win2019], .windows, 20348, "no Windows node runs build 20348 (10.0.20348); the cluster's Windows nodes are build 17763"),
        ([linux], .windows, nil, "no node runs windows"),
        ([win2019, win2022], .linux, nil, "no node runs linux"),
        ([linux, ClusterNode(name: "w", os: .windows, build: WindowsBuild(17763), ready: false)], .windows, 17763,
         "no Ready, schedulable node runs windows 17763 (w is NotReady, cordoned or tainted)"),
    ]

    @Test(arguments: fits)
    func fitNamesWhyNoNodeCanRunAWorkload(nodes: [ClusterNode], os: OperatingSystem, build: Int?, problem: String?) {
        #expect(ClusterDescription(nodes: nodes).fitProblem(os: os, build: build.map(WindowsBuild.init)) == problem)
    }

    @Test func podOnANodeOfTheOtherOSIsAnOSMismatch() throws {
        let findings = Self.diagnose([Self.linux, Self.win2019], pods: [try Self.pod("mcr.microsoft.com/windows/nanoserver:ltsc2019", node: "lin", extra: "  nodeSelector: {kubernetes.io/os: linux}")])
        #expect(findings.map(\.check) == ["OSMismatch"])
        #expect(findings[0].problem == "spec.containers[c].image needs windows but it runs on linux node lin")
    }

    @Test func containerMessagesOfAMismatchAreReportedWhenTheImageSaysNothing() throws {
        let pod = try Self.pod("registry.example.com/app:1", node: "w19", extra: """
              nodeSelector: {kubernetes.io/os: windows}
            status:
              containerStatuses:
              - name: c
                state: {waiting: {reason: ErrImagePull, message: "no matching manifest for windows/amd64 10.0.17763 in the manifest list entries"}}
            """)
        let findings = Self.diagnose([Self.linux, Self.win2019], pods: [pod])
        #expect(findings.map(\.check) == ["OSMismatch"])
        #expect(findings[0].problem.hasPrefix("a container cannot start: c: ErrImagePull: no matching manifest"))
    }

    @Test func workloadsWithoutAnOSAreOnlyFlaggedInMixedClustersOutsideSystemNamespaces() throws {
        let bare = try Self.pod("registry.example.com/app:1")
        let system = try Self.pod("registry.example.com/app:1", namespace: "cattle-system")
        let chosen = try Self.pod("registry.example.com/app:1", extra: "  nodeSelector: {kubernetes.io/os: linux}")
        #expect(Self.diagnose([Self.linux, Self.win2019], pods: [bare, system, chosen]).map(\.object) == ["Pod apps/p"])
        #expect(Self.diagnose([Self.linux], pods: [bare]).isEmpty)
    }

    /// (annotations, expected problem or nil)
    static let networks: [([String: String], String?)] = [
        (["flannel.alpha.coreos.com/backend-type": "vxlan", "flannel.alpha.coreos.com/backend-data": #"{"VNI":4096,"VtepMAC":"x"}"#], nil),
        (["flannel.alpha.coreos.com/backend-type": "vxlan", "flannel.alpha.coreos.com/backend-data": #"{"VNI":1,"VtepMAC":"x"}"#], "flannel VXLAN VNI 1; Windows supports only 4096"),
        (["flannel.alpha.coreos.com/backend-type": "host-gw"], "flannel backend host-gw; Windows nodes need vxlan"),
        (["projectcalico.org/IPv4IPIPTunnelAddr": "10.42.0.1"], "Calico encapsulates with IP-in-IP, which Windows cannot use"),
        (["projectcalico.org/IPv4IPIPTunnelAddr": "10.42.0.1", "projectcalico.org/IPv4VXLANTunnelAddr": "10.42.0.2"], nil),
    ]

    @Test(arguments: networks)
    func networkSettingsWindowsCannotUse(annotations: [String: String], problem: String?) {
        var node = Self.linux
        node.annotations = annotations
        #expect(Self.diagnose([node, Self.win2019]).map(\.problem) == (problem.map { [$0] } ?? []))
        // Without Windows nodes nothing is wrong with the network.
        #expect(Self.diagnose([node]).isEmpty)
    }

    @Test func canalIsAnErrorOnlyWithWindowsNodes() {
        #expect(Self.diagnose([Self.linux, Self.win2019], daemonSets: ["rke2-canal", "rke2-coredns"]).map(\.object) == ["DaemonSet kube-system/rke2-canal"])
        #expect(Self.diagnose([Self.linux], daemonSets: ["rke2-canal"]).isEmpty)
    }

    @Test func pendingPodsNameTheirSelectorOrTheTaintTheyLack() throws {
        let pending = "status: {phase: Pending}"
        var taintedLinux = Self.linux
        taintedLinux.taints = [NodeTaint(key: "cattle.io/os", value: "linux", effect: "NoSchedule")]
        let selected = try Self.pod("registry.example.com/app:1", extra: "  nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: 10.0.20348}\n\(pending)")
        let linuxPod = try Self.pod("registry.example.com/app:1", extra: "  nodeSelector: {kubernetes.io/os: linux}\n\(pending)")
        let findings = Self.diagnose([taintedLinux, Self.win2019], pods: [selected, linuxPod])
        #expect(findings.map(\.check) == ["MissingToleration", "Unschedulable"])
        #expect(findings[0].problem == "Pending: every linux node is tainted cattle.io/os=linux:NoSchedule and the pod does not tolerate it")
        #expect(findings[1].problem.hasPrefix("Pending: no Windows node runs build 20348"))
        let tolerating = try Self.pod("registry.example.com/app:1", extra: "  nodeSelector: {kubernetes.io/os: linux}\n  tolerations: [{key: cattle.io/os, operator: Exists}]\n\(pending)")
        #expect(Self.diagnose([taintedLinux, Self.win2019], pods: [tolerating]).isEmpty)
    }

    @Test func findingsAreOrderedErrorsFirst() {
        let unlabeled = ClusterNode(name: "a", os: .linux, hasOSLabel: false)
        let down = ClusterNode(name: "z", os: .windows, build: WindowsBuild(17763), ready: false, readyDetail: "KubeletNotReady")
        #expect(Self.diagnose([unlabeled, down]).map(\.check) == ["WindowsNodeNotReady", "NodeMissingOSLabel"])
    }
}

/// The OS a cluster prefers for workloads nothing decides.
@Suite struct PreferredOSTests {
    static let taintedLinux = ClusterNode(name: "l", os: .linux, taints: [NodeTaint(key: "cattle.io/os", value: "linux", effect: "NoSchedule")])
    static let windows = ClusterNode(name: "w", os: .windows, build: WindowsBuild(17763))
    static let linux = ClusterNode(name: "l2", os: .linux)
    static let controlPlane = ClusterNode(name: "cp", os: .linux, taints: [NodeTaint(key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule")])

    @Test(arguments: [
        ([taintedLinux, windows], OperatingSystem.windows),
        ([linux, windows], nil),
        ([controlPlane, windows], .windows),
        ([linux], .linux),
        ([], nil),
    ] as [([ClusterNode], OperatingSystem?)])
    func preferredOS(nodes: [ClusterNode], expected: OperatingSystem?) {
        #expect(ClusterDescription(nodes: nodes).preferredOS == expected)
    }
}

/// `place` with a cluster's OS taints still writes valid Kubernetes objects.
@Suite struct ClusterPlacementValidityTests {
    @Test func placeWithClusterTolerationsPassesKubernetesValidate() async throws {
        let cluster = ClusterDescription(nodes: [
            ClusterNode(name: "l", os: .linux, taints: [NodeTaint(key: "cattle.io/os", value: "linux", effect: "NoSchedule")]),
            ClusterNode(name: "w", os: .windows, build: WindowsBuild(20348), taints: [NodeTaint(key: "os", value: "windows", effect: "NoSchedule")]),
        ])
        let input = try String(contentsOf: TestFiles.golden.appendingPathComponent("place/kinds.yaml"), encoding: .utf8)
        let run = try PlaceRun(text: input, file: "kinds.yaml", placer: WorkloadPlacer(options: PlacementOptions(defaultOS: .linux, cluster: cluster)))
        #expect(run.output.contains("key: os") && run.output.contains("key: cattle.io/os"))
        let folder = try TestFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("kinds.out.yaml")
        try run.output.write(to: file, atomically: true, encoding: .utf8)
        let result = try await TestFiles.run(TestFiles.kubernetesValidate, ["--strict", file.path])
        #expect(result.status == 0, "\(result.output)")
    }
}

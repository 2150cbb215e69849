@testable import DroverPlacement
import Testing
import Yams

/// Rules of the placer that the golden files do not spell out one by one.
@Suite struct WorkloadPlacerTests {
    /// A Pod with `image` and extra pod-spec YAML (indented four spaces under `spec:`).
    static func pod(_ image: String, _ extra: String = "") throws -> Node {
        try #require(try Yams.compose(yaml: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: \(image)\n\(extra)"))
    }

    static let rke1 = WorkloadPlacer(options: PlacementOptions(rke1WindowsPreferred: true))

    @Test(arguments: [
        ("  tolerations:\n    - key: cattle.io/os\n      operator: Equal\n      value: linux\n      effect: NoSchedule\n", false),
        ("  tolerations:\n    - key: cattle.io/os\n      operator: Exists\n", false),
        ("  tolerations:\n    - operator: Exists\n", false),
        ("  tolerations:\n    - key: cattle.io/os\n      operator: Equal\n      value: windows\n      effect: NoSchedule\n", true),
        ("  tolerations:\n    - key: cattle.io/os\n      operator: Equal\n      value: linux\n      effect: NoExecute\n", true),
        ("", true),
    ])
    func addsTheRKE1TolerationOnlyWhenNothingCoversIt(_ tolerations: String, _ added: Bool) throws {
        let placement = try #require(Self.rke1.place(Self.pod("alpine:3.20", tolerations)))
        #expect(placement.edits.contains { $0.path.last == "tolerations" } == added)
    }

    @Test func windowsWorkloadsNeverGetTheLinuxToleration() throws {
        let placement = try #require(Self.rke1.place(Self.pod("mcr.microsoft.com/windows/nanoserver:ltsc2022")))
        #expect(!placement.edits.contains { $0.path.last == "tolerations" })
    }

    /// Required node affinity on kubernetes.io/os with `values`, in one term.
    static func affinity(_ values: String) -> String {
        "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n"
            + "          - matchExpressions:\n              - key: kubernetes.io/os\n                operator: In\n                values: [\(values)]\n"
    }

    @Test(arguments: [
        ("mcr.microsoft.com/windows/nanoserver:ltsc2022", "linux, windows", nil, "windows evidence"),
        ("mcr.microsoft.com/windows/nanoserver:ltsc2022", "linux", nil, "conflict"),
        ("example.com/x:1", "linux, windows", OperatingSystem.windows, "windows default OS"),
        ("example.com/x:1", "linux", OperatingSystem.windows, "linux user's choice"),
        ("example.com/x:1", "linux, windows", nil, "undecided"),
    ])
    func affinityAllowsTheUnionOfItsValues(_ image: String, _ values: String, _ defaultOS: OperatingSystem?, _ expected: String) throws {
        let placer = WorkloadPlacer(options: PlacementOptions(defaultOS: defaultOS))
        let placement = try #require(placer.place(Self.pod(image, Self.affinity(values))))
        switch placement.outcome {
        case let .placed(os, _, source): #expect("\(os.rawValue) \(source.rawValue)" == expected)
        case .conflict: #expect(expected == "conflict")
        case .undecided: #expect(expected == "undecided")
        }
    }

    @Test func aLinuxWorkloadSelectingAWindowsBuildIsAConflict() throws {
        let selector = "  nodeSelector:\n    node.kubernetes.io/windows-build: 10.0.20348\n"
        let placement = try #require(WorkloadPlacer().place(Self.pod("alpine:3.20", selector)))
        #expect(placement.isConflict)
    }

    @Test func linuxOnlyFieldsBesideWindowsEvidenceNameBoth() throws {
        let context = "  securityContext:\n    runAsUser: 1000\n    windowsOptions:\n      hostProcess: true\n"
        let placement = try #require(WorkloadPlacer().place(Self.pod("example.com/x:1", context)))
        guard case let .conflict(messages) = placement.outcome else { Issue.record("not a conflict"); return }
        #expect(messages.joined().contains("spec.securityContext.runAsUser") && messages.joined().contains("hostProcess"))
    }

    @Test func otherKindsAreNotWorkloads() throws {
        #expect(WorkloadPlacer().place(try #require(try Yams.compose(yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"))) == nil)
    }
}

@testable import DroverRancher
import DroverEngine
import Foundation
import Testing

/// rancher.cluster_ready: the live table, per-OS timeouts on the engine clock, and the diagnosis (golden file).
@Suite struct ReadinessTests {
    static let nodes: [ClusterReadyHandler.ExpectedNode] = [
        .init(name: "k8s-lin-0", os: "linux", roles: ["etcd", "controlplane", "worker"]),
        .init(name: "k8s-win-0", os: "windows", roles: ["worker"]),
        .init(name: "k8s-win-1", os: "windows", roles: ["worker"]),
    ]

    static func inputs(_ rancher: FakeRancher, ca: String) -> ClusterReadyHandler.Inputs {
        rancher.with { $0.tokens["token-api"] = .init(secret: "s") }
        return ClusterReadyHandler.Inputs(
            url: RancherFixture.url, rancherToken: "token-api:s", caCertificate: ca, clusterId: "c-m-abcd1234", nodes: nodes,
            resourceGroup: "k8s-rg")
    }

    /// Every node Ready and the cluster active: done, with a table row per node.
    @Test func readyClusterReportsTheTable() async throws {
        let rancher = FakeRancher { s in
            s.clusterState = "active"
            s.nodes = [
                .init(name: "k8s-lin-0", os: "linux", roles: ["etcd", "control-plane", "worker"], ready: true),
                .init(name: "k8s-win-0", os: "windows", roles: ["worker"], ready: true),
                .init(name: "k8s-win-1", os: "windows", roles: ["worker"], ready: true),
            ]
        }
        try await withRancher(rancher: rancher) { fx in
            let out = try await ClusterReadyHandler(session: fx.session).create(Self.inputs(rancher, ca: fx.ca.certificatePEM), context: fx.context())
            #expect(out.readyNodes == 3)
            let table = try #require(fx.progress.entries.last?.table)
            #expect(table.columns == ["node", "OS", "role", "state", "since"])
            #expect(table.rows.first == ["k8s-lin-0", "linux", "etcd,control-plane,worker", "Ready", "0s"])
        }
    }

    /// A Linux node that never registers and a Windows node stuck NotReady: the Linux limit (10 min) ends the wait; the
    /// message names each missing node, its last condition, the extension command and the log path.
    @Test func timeoutDiagnosisMatchesGolden() async throws {
        let rancher = FakeRancher { s in
            s.nodes = [
                .init(name: "k8s-win-0", os: "windows", roles: ["worker"], ready: true),
                .init(name: "k8s-win-1", os: "windows", roles: ["worker"], ready: false, message: "container runtime network not ready: cni plugin not initialized"),
            ]
        }
        try await withRancher(rancher: rancher) { fx in
            let error = await #expect(throws: CodedError.self) {
                try await ClusterReadyHandler(session: fx.session).create(Self.inputs(rancher, ca: fx.ca.certificatePEM), context: fx.context())
            }
            #expect(error?.code == "ClusterNotReady")
            #expect(fx.clock.now() == 600)  // Linux limit on the engine clock, not the Windows one
            try Golden.check(error?.message ?? "", "readiness-timeout.txt")
            // The table showed the states and how long each has held.
            let table = try #require(fx.progress.entries.last?.table)
            #expect(table.rows.map { $0[3] } == ["not registered", "Ready", "NotReady (provisioning)"])
            #expect(table.rows[0][4] == "10m0s")
        }
    }

    /// RKE2: a node whose machine exists but which has no Kubernetes node yet shows the machine's phase.
    @Test func machinePhaseShowsBeforeTheNodeRegisters() async throws {
        let rancher = FakeRancher { s in
            s.nodes = [.init(name: "k8s-lin-0", os: "linux", roles: ["etcd", "control-plane", "worker"], ready: true)]
            s.machines = ["k8s-win-0": "Provisioning"]
        }
        try await withRancher(rancher: rancher) { fx in
            var inputs = Self.inputs(rancher, ca: fx.ca.certificatePEM)
            inputs.nodes = Array(Self.nodes.prefix(2))
            inputs.clusterName = "hybrid"
            let error = await #expect(throws: CodedError.self) {
                try await ClusterReadyHandler(session: fx.session).create(inputs, context: fx.context())
            }
            #expect(error?.message.contains("machine custom-0123456789ab is Provisioning, no Kubernetes node yet") == true)
            #expect(fx.progress.entries.last?.table?.rows.last?[3] == "machine Provisioning")
        }
    }

    /// Windows nodes get 20 minutes by default: a pending Windows node alone waits that long.
    @Test func windowsNodesGetTwentyMinutes() async throws {
        let rancher = FakeRancher { s in
            s.clusterState = "active"
            s.nodes = [.init(name: "k8s-lin-0", os: "linux", roles: ["etcd", "control-plane", "worker"], ready: true)]
        }
        try await withRancher(rancher: rancher) { fx in
            var inputs = Self.inputs(rancher, ca: fx.ca.certificatePEM)
            inputs.nodes = Array(Self.nodes.prefix(2))
            let error = await #expect(throws: CodedError.self) {
                try await ClusterReadyHandler(session: fx.session).create(inputs, context: fx.context())
            }
            #expect(fx.clock.now() == 1200)
            #expect(error?.message.contains(#"C:\drover\join.log"#) == true)
            #expect(error?.message.contains("k8s-lin-0") == false)
        }
    }
}

/// Golden files under Tests/DroverRancherTests/Golden; DROVER_RECORD_SNAPSHOTS=1 rewrites them.
enum Golden {
    static func check(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = LocalTools.testFolder.appendingPathComponent("Golden/\(name)")
        if ProcessInfo.processInfo.environment["DROVER_RECORD_SNAPSHOTS"] == "1" {
            try (text + "\n").write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text + "\n" == expected, sourceLocation: sourceLocation)
    }
}

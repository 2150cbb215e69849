import DroverSim
import Foundation
import Testing

/// `drover doctor` against the Kubernetes simulator, with problems seeded through the real `kubectl`: a Windows
/// Server 2022 image scheduled onto a Windows node of build 17763 (peers.md P3), and a Windows node NotReady.
@Suite struct DoctorAgainstSimulatorTests {
    static func node(_ name: String, os: String, build: String?, ready: Bool) -> String {
        let buildLabel = build.map { "\n    node.kubernetes.io/windows-build: \"\($0)\"" } ?? ""
        return """
            apiVersion: v1
            kind: Node
            metadata:
              name: \(name)
              labels:
                kubernetes.io/os: \(os)
                kubernetes.io/hostname: \(name)\(buildLabel)
            status:
              conditions:
              - type: Ready
                status: "\(ready ? "True" : "False")"
                reason: \(ready ? "KubeletReady" : "KubeletNotReady")
              nodeInfo:
                operatingSystem: \(os)
                osImage: \(os == "windows" ? "Windows Server 2019 Datacenter" : "Ubuntu 24.04 LTS")
                kernelVersion: \(os == "windows" ? "10.0.17763.6414" : "6.8.0-1021-azure")
                kubeletVersion: v1.31.9+rke2r1
                containerRuntimeVersion: containerd://1.7.23
                architecture: amd64
            """
    }

    static let workload = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: iis
          namespace: default
        spec:
          replicas: 1
          selector:
            matchLabels: {app: iis}
          template:
            metadata:
              labels: {app: iis}
            spec:
              nodeSelector:
                kubernetes.io/os: windows
              containers:
              - name: iis
                image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
        """

    @Test func findsTheBuildMismatchAndTheNotReadyWindowsNode() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-doctor-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let simulator = try KubernetesSimulator(directory: folder.appendingPathComponent("kube"))
        let endpoint = try await simulator.start()
        let outcome: Result<Void, any Error>
        do {
            outcome = .success(try await check(folder, kubeconfig: endpoint.kubeconfigPath, cluster: simulator.cluster))
        } catch {
            outcome = .failure(error)
        }
        await simulator.stop()
        try outcome.get()
    }

    private func check(_ folder: URL, kubeconfig: String, cluster: KubernetesCluster) async throws {
        let manifests = [
            Self.node("linux-0", os: "linux", build: nil, ready: true), Self.node("win-0", os: "windows", build: "10.0.17763", ready: true),
            Self.node("win-1", os: "windows", build: "10.0.17763", ready: false), Self.workload,
        ].joined(separator: "\n---\n")
        let file = folder.appendingPathComponent("seed.yaml")
        try manifests.write(to: file, atomically: true, encoding: .utf8)
        let kubectl = ProcessInfo.processInfo.environment["DROVER_KUBECTL"] ?? "/usr/bin/env"
        let kubectlArguments = (kubectl == "/usr/bin/env" ? ["kubectl"] : []) + ["--kubeconfig", kubeconfig, "create", "-f", file.path]
        let created = try await DroverBinary(executable: URL(fileURLWithPath: kubectl), directory: folder).run(kubectlArguments)
        #expect(created.status == 0, "kubectl: \(created.stderr)")

        let drover = try DroverBinary(directory: folder)
        // The simulated scheduler and kubelet place the pod and fail its container as time moves.
        for _ in 0..<3 { await cluster.tick() }
        let report = try await drover.run(["doctor", "--kubeconfig", kubeconfig])
        #expect(report.status == 1, "\(report.stdout)\n\(report.stderr)")
        #expect(report.stdout.contains("win-1"), "the NotReady Windows node is named: \(report.stdout)")
        #expect(report.stdout.contains("20348") && report.stdout.contains("17763"), "the build mismatch names both builds: \(report.stdout)")
    }
}

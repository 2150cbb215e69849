import DroverSim
import Foundation
import Testing

/// The real kubectl against the standalone Kubernetes simulator, one simulator per test (issue 9's verb list).
@Suite("Kubernetes simulator with the real kubectl")
struct KubernetesKubectlTests {
    @Test func getNodesWideShowsEveryColumnOfBothOperatingSystems() async throws {
        let sim = try await KubeHarness.start()
        defer { Task { await sim.stop() } }
        try await sim.register(.linux("cp-1"))
        try await sim.register(.windows("win-2019", build: "10.0.17763", ip: "10.0.0.7"))
        try await sim.register(.windows("win-2022", build: "10.0.20348", ip: "10.0.0.8", ready: false))
        let output = try await sim.kubectl(["get", "nodes", "-o", "wide"])
        try #require(output.status == 0, "\(output)")
        let lines = output.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines[0] == "NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME")
        #expect(lines[1] == "cp-1 Ready control-plane,etcd,master,worker 0s v1.31.9+rke2r1 10.0.0.4 <none> Ubuntu 22.04.4 LTS 5.15.0-105-generic containerd://1.7.27-k3s1")
        #expect(lines[2] == "win-2019 Ready worker 0s v1.31.9 10.0.0.7 <none> Windows Server 2019 Datacenter 10.0.17763.6054 containerd://1.7.27")
        #expect(lines[3] == "win-2022 NotReady worker 0s v1.31.9 10.0.0.8 <none> Windows Server 2022 Datacenter 10.0.20348.2582 containerd://1.7.27")
    }
}

import DroverHTTPTestSupport
import Foundation
import Testing

/// `drover doctor` and `drover place --cluster` run as a user runs them, against a scripted HTTPS API server
/// serving the nodes, pods and workloads of `Snapshots/doctor-cluster.json` (objects shaped as
/// kube-and-rancher-wire.md §D describes them).
@Suite struct ClusterCommandTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// Starts the server, writes a kubeconfig for it (token and CA data) and runs `body` in a fresh home folder.
    private func withCluster(_ body: (DroverBinary, String, TestHTTPSServer) async throws -> Void) async throws {
        let fixtures = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: Self.snapshots.appendingPathComponent("doctor-cluster.json"))) as? [String: [Any]])
        let ca = try TestCertificateAuthority()
        let server = try await TestHTTPSServer.start(ca: ca, respond: ScriptedKubeAPI.serving(lists: fixtures))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let kubeconfig = dir.appendingPathComponent("kubeconfig").path
        try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: hybrid
              cluster:
                server: https://localhost:\(server.port)
                certificate-authority-data: \(Data(ca.certificatePEM.utf8).base64EncodedString())
            users:
            - name: hybrid
              user: {token: kubeconfig-user-doctor:t0ps3cret}
            contexts:
            - name: hybrid
              context: {cluster: hybrid, user: hybrid}
            current-context: hybrid
            """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        do {
            try await body(try DroverBinary(directory: dir), kubeconfig, server)
        } catch {
            try? await server.stop()
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
        try await server.stop()
        try? FileManager.default.removeItem(at: dir)
    }

    @Test func doctorTableAndJSONMatchTheGoldenFiles() async throws {
        try await withCluster { drover, kubeconfig, server in
            let table = try await drover("doctor", "--kubeconfig", kubeconfig)
            #expect(table.status == 1, "\(table.stderr)")
            try assertSnapshot(table.stdout, named: "doctor.txt")
            let json = try await drover("doctor", "--kubeconfig", kubeconfig, "-o", "json")
            #expect(json.status == 1, "\(json.stderr)")
            try assertSnapshot(json.stdout, named: "doctor.json")
            #expect(!(table.stdout + table.stderr + json.stdout).contains("t0ps3cret"))
            #expect(server.requests.allSatisfy { $0.header("Authorization") == "Bearer kubeconfig-user-doctor:t0ps3cret" })
        }
    }

    @Test func placeReadsTheClusterForTolerationsAndFit() async throws {
        try await withCluster { drover, kubeconfig, _ in
            let input = Self.snapshots.appendingPathComponent("place-cluster.yaml").path
            let run = try await drover("place", "-f", input, "--cluster", kubeconfig, "--default-os", "linux")
            #expect(run.status == 0, "\(run.stderr)")
            try assertSnapshot(run.stdout, named: "place-cluster.out.yaml")
            #expect(run.stderr.contains("Warning: Deployment apps/site: no Windows node runs build 20348 (10.0.20348); the cluster's Windows nodes are build 17763"))
            // Linux nodes carry cattle.io/os=linux:NoSchedule: the Linux workload tolerates it, the Windows one does not.
            let documents = run.stdout.components(separatedBy: "---\n")
            #expect(documents.count == 2 && !documents[0].contains("cattle.io/os") && documents[1].contains("key: cattle.io/os"))
            // Without --default-os the cluster's preference decides: its Linux nodes are tainted, so Windows.
            let preferred = try await drover("place", "-f", input, "--cluster", kubeconfig)
            #expect(preferred.stderr.contains("The cluster prefers windows"))
            #expect(preferred.stderr.contains("Deployment apps/front: windows (default OS), 2 fields added"), "\(preferred.stderr)")
            let offline = try await drover("place", "-f", input, "--default-os", "linux")
            #expect(!offline.stdout.contains("cattle.io/os") && !offline.stderr.contains("Warning"))
        }
    }

    @Test func insecureKubeconfigIsRefusedWithItsPosition() async throws {
        try await withCluster { drover, kubeconfig, _ in
            var text = try String(contentsOfFile: kubeconfig, encoding: .utf8)
            text = text.replacingOccurrences(of: #"    certificate-authority-data: .*\n"#, with: "    insecure-skip-tls-verify: true\n", options: .regularExpression)
            try text.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
            let run = try await drover("doctor", "--kubeconfig", kubeconfig)
            #expect(run.status == 1)
            #expect(run.stderr.contains("Error: \(kubeconfig):6:5: cluster hybrid sets insecure-skip-tls-verify"), "\(run.stderr)")
            let allowed = try await drover("doctor", "--kubeconfig", kubeconfig, "--insecure-skip-tls-verify")
            #expect(allowed.stderr.contains("Warning: cluster hybrid is reached without checking its certificate"))
            #expect(allowed.stdout.hasPrefix("Cluster: 4 nodes"))
        }
    }
}

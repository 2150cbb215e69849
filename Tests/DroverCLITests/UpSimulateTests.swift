import Foundation
import Testing

/// `drover up --simulate` and `drover down --simulate` through the binary: the real pipeline over real HTTPS against
/// the simulators started in the process (Azure with its machines, Rancher, Kubernetes), their world kept beside the
/// state so the next command meets the same simulated cloud.
@Suite struct UpSimulateTests {
    /// The README's first command on an empty folder: the starter spec's hybrid cluster (Linux etcd, control plane and
    /// worker, a Windows Server 2022 worker) from nothing to every node Ready.
    @Test func upConvergesRerunsWithoutChangesAndDownEmptiesTheSimulatedWorld() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let drover = try DroverBinary(directory: folder)

        let up = try await drover.run(["up", "--simulate"])
        #expect(up.status == 0, "\(up.stderr)\n\(up.stdout.suffix(3000))")
        #expect(up.stderr.contains("using the starter spec") && up.stderr.contains("SIMULATION:") && up.stdout.contains("Apply complete!"))
        #expect(up.stdout.contains("win-0-vm") && up.stdout.contains("rancher.windows_registration/windowshybrid: Creation complete"))
        #expect(up.stdout.contains("rancher.cluster_ready/windowshybrid: Creation complete"))
        let kubeconfig = folder.appendingPathComponent(".drover/kubeconfig-windowshybrid.yaml")
        #expect((try FileManager.default.attributesOfItem(atPath: kubeconfig.path)[.posixPermissions] as? Int) == 0o600)

        let again = try await drover.run(["up", "--simulate"])
        #expect(again.status == 0 && again.stdout.contains("No changes"), "\(again.stdout.suffix(2000))")

        let down = try await drover.run(["down", "--simulate"])
        #expect(down.status == 0 && down.stdout.contains("Destroy complete!"), "\(down.stderr)\n\(down.stdout.suffix(3000))")
        let world = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(".drover/sim/azure/world.json"))) as? [String: Any]
        #expect((world?["resources"] as? [String: Any])?.isEmpty == true, "Azure resources left behind")
        #expect((world?["servicePrincipals"] as? [String: Any])?.count == 1, "only the simulator's own principal is left")
    }

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-upsim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}

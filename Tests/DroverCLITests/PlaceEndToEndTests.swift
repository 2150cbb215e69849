import Foundation
import Testing

/// `drover place` and `drover webhook manifest|certificates` run as a user runs them.
@Suite struct PlaceEndToEndTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DroverPlacementTests/Golden")

    private func workspace() throws -> (DroverBinary, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-place-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try DroverBinary(directory: dir), dir)
    }

    @Test func placePrintsTheGoldenStreamAndTheReport() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try await drover("place", "-f", Self.golden.appendingPathComponent("place/kinds.yaml").path, "--rke1-windows-preferred", "--explain")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == (try String(contentsOf: Self.golden.appendingPathComponent("place/kinds.out.yaml"), encoding: .utf8)))
        #expect(run.stderr.contains("CronJob report: windows 20348 (evidence)"))
        #expect(run.stderr.contains("+ spec.template.spec.tolerations: [{key: cattle.io/os"))
    }

    @Test func conflictsExitWithOneAfterPrintingTheStream() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try await drover("place", "-f", Self.golden.appendingPathComponent("place/conflicts.yaml").path)
        #expect(run.status == 1)
        #expect(run.stdout == (try String(contentsOf: Self.golden.appendingPathComponent("place/conflicts.out.yaml"), encoding: .utf8)))
        #expect(run.stderr.contains("Error: 4 workloads left unchanged because of conflicts"))
        let bad = try await drover("place", "-f", Self.golden.appendingPathComponent("place/kinds.yaml").path, "--default-os", "macos")
        #expect(bad.status == 1 && bad.stderr.contains("use --default-os linux or --default-os windows"))
    }

    @Test func certificatesThenManifest() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let issued = try await drover("webhook", "certificates", "--out", "tls")
        #expect(issued.status == 0)
        let key = dir.appendingPathComponent("tls/tls.key").path
        #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)
        let manifest = try await drover("webhook", "manifest", "--image", "registry.example.com/drover:1", "--ca-file", "tls/ca.pem")
        #expect(manifest.status == 0)
        let ca = try Data(contentsOf: dir.appendingPathComponent("tls/ca.pem")).base64EncodedString()
        #expect(manifest.stdout.contains("caBundle: \(ca)"))
        let privateKey = try String(contentsOfFile: key, encoding: .utf8)
        #expect(!manifest.stdout.contains("PRIVATE KEY") && !manifest.stdout.contains(privateKey))
    }
}

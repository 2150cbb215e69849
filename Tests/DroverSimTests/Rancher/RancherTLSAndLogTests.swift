import DroverSim
import Foundation
import Testing

/// Certificates nobody trusts, and the request log keeping Rancher's secrets out.
@Suite struct RancherTLSAndLogTests {
    /// With Let's Encrypt (staging) nobody holds the issuing CA: a client trusting its own CA cannot connect, and
    /// `cacerts` is empty (rancher/rancher#19832).
    @Test func letsEncryptCertificateIsNotTrusted() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-rancher-other-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let other = try CertificateAuthority.loadOrCreate(in: folder)
        let rancher = try await RancherHarness.start(version: "2.13.1", tls: .letsEncrypt(environment: "staging"), trust: other.certificatePEM)
        #expect(rancher.endpoints.caPEM == nil)
        await #expect(throws: (any Error).self) { _ = try await rancher.send("GET", "/ping") }
        #expect(await rancher.simulator.inventory()["settings"]?["cacerts"]?.string == "")
        await rancher.shutdown()
    }

    @Test func requestLogHoldsNoSecrets() async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            try await rancher.setServerURL(token: token)
            let clusterId = try await rancher.createRKE2Cluster("hybrid", token: token)
            let crt = try await rancher.registrationToken(clusterId, token: token)
            let secret = try #require(crt["token"]?.string)
            let answer = try await rancher.send("GET", "/v3/connect/agent", token: secret, headers: RancherAgentTests.agentHeaders(id: "x", node: "n"))
            let agentToken = try RancherAgentTests.kubeconfig(answer).token
            let entries = rancher.simulator.requestLog.all
            #expect(entries.contains { $0.path == "/v3/connect/agent" && $0.status == 200 })
            let text = String(decoding: try JSONEncoder().encode(entries), as: UTF8.self)
            for value in ["bootstrap-password-1", String(token.split(separator: ":")[1]), secret, agentToken] {
                #expect(!text.contains(value))
            }
        }
    }
}

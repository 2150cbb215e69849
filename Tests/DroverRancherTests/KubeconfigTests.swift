@testable import DroverRancher
import DroverEngine
import Foundation
import Testing
import Yams

/// rancher.kubeconfig: generateKubeconfig, mode 0600 under the working directory, optional merge into ~/.kube/config.
@Suite struct KubeconfigTests {
    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static func inputs(_ rancher: FakeRancher, ca: String, clusterId: String, merge: Bool? = nil) -> KubeconfigHandler.Inputs {
        rancher.with { $0.tokens["token-api"] = .init(secret: "s") }
        return KubeconfigHandler.Inputs(url: RancherFixture.url, rancherToken: "token-api:s", caCertificate: ca, clusterId: clusterId, mergeInto: merge)
    }

    /// The workload cluster's and Rancher's own (`local`) kubeconfigs: files of mode 0600; the output is a path.
    @Test(arguments: ["c-m-abcd1234", "local"])
    func writesPrivateFile(clusterId: String) async throws {
        let rancher = FakeRancher()
        try await withRancher(rancher: rancher) { fx in
            let out = try await KubeconfigHandler(session: fx.session).create(Self.inputs(rancher, ca: fx.ca.certificatePEM, clusterId: clusterId), context: fx.context())
            #expect(out.path == fx.session.environment.workingDirectory.appendingPathComponent("kubeconfig-\(clusterId).yaml").path)
            #expect(try Self.mode(out.path) == 0o600)
            #expect(try String(contentsOfFile: out.path, encoding: .utf8).contains("/k8s/clusters/\(clusterId)"))
            #expect(out.mergedInto == nil)
            let call = try #require(fx.server.requests.last)
            #expect(call.method == "POST" && call.path == "/v3/clusters/\(clusterId)" && call.query("action") == "generateKubeconfig")
            // The user's kubeconfig is not touched unless asked.
            #expect(!FileManager.default.fileExists(atPath: fx.session.environment.homeDirectory.appendingPathComponent(".kube/config").path))
        }
    }

    /// mergeInto: entries added beside the existing ones (same names replaced), current-context kept; delete takes
    /// them out again.
    @Test func mergesIntoUserKubeconfig() async throws {
        let rancher = FakeRancher()
        try await withRancher(rancher: rancher) { fx in
            let config = fx.session.environment.homeDirectory.appendingPathComponent(".kube/config")
            try FileManager.default.createDirectory(at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
            try """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mine
                  cluster: {server: "https://mine.example"}
                users:
                - name: mine
                  user: {token: "x"}
                contexts:
                - name: mine
                  context: {cluster: mine, user: mine}
                current-context: mine
                """.write(to: config, atomically: true, encoding: .utf8)
            let handler = KubeconfigHandler(session: fx.session)
            let inputs = Self.inputs(rancher, ca: fx.ca.certificatePEM, clusterId: "c-m-abcd1234", merge: true)
            let out = try await handler.create(inputs, context: fx.context())
            #expect(out.mergedInto == config.path)
            #expect(try Self.mode(config.path) == 0o600)
            let merged = try #require(try Yams.load(yaml: String(contentsOf: config, encoding: .utf8)) as? [String: Any])
            #expect((merged["contexts"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["mine", "c-m-abcd1234"])
            #expect(merged["current-context"] as? String == "mine")
            // Merging again does not duplicate.
            _ = try await handler.create(inputs, context: fx.context())
            let again = try #require(try Yams.load(yaml: String(contentsOf: config, encoding: .utf8)) as? [String: Any])
            #expect((again["clusters"] as? [[String: Any]])?.count == 2)
            try await handler.delete(inputs, prior: out, context: fx.context(.delete))
            let removed = try #require(try Yams.load(yaml: String(contentsOf: config, encoding: .utf8)) as? [String: Any])
            #expect((removed["users"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["mine"])
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }
}

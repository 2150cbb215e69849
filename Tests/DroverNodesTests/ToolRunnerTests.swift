import DroverEngine
import DroverNodes
import DroverTestSupport
import Foundation
import Testing

/// The legacy profile's `rke` / `helm` / `kubectl` runner, with stand-in tools on a PATH the test makes.
@Suite struct ToolRunnerTests {
    private func toolFolder(_ tools: [String: String]) throws -> URL {
        let folder = try LocalTools.temporaryFolder()
        for (name, body) in tools {
            let file = folder.appendingPathComponent(name)
            try "#!/bin/sh\n\(body)\n".write(to: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
        return folder
    }

    @Test func runsTheHelmSequenceInOrderWithLiveOutput() async throws {
        let folder = try toolFolder([
            "helm": #"echo "helm $*" >> calls.log; echo "helm says $1""#,
            "kubectl": #"echo "kubectl $*" >> calls.log; echo "kubectl says $1""#,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = Lines()
        let runner = ToolRunner(workingDirectory: folder, searchPath: folder.path, onLine: { lines.append($0) })
        let cluster = RKE1ServerCluster(
            nodes: [], user: "iamsuperman", sshKeyPath: "~/.ssh/id_rsa", kubernetesVersion: "v1.15.4-rancher1-1",
            install: RancherInstall(hostname: "r.example.com", rancherVersion: "v2.3.0", certManagerVersion: "v0.9.1", tls: .rancher, replicas: 1))
        try await runner.runAll(cluster.helmCommands)

        let calls = try String(contentsOf: folder.appendingPathComponent("calls.log"), encoding: .utf8).split(separator: "\n")
        #expect(calls.count == cluster.helmCommands.count)
        #expect(calls.first?.hasPrefix("helm init --service-account tiller") == true)
        #expect(calls.last?.hasPrefix("helm install rancher-latest/rancher --version v2.3.0 --name rancher --namespace cattle-system --set hostname=r.example.com") == true)
        #expect(!calls.last!.contains("letsEncrypt"))
        #expect(calls.contains { $0.contains("release-0.9/deploy/manifests/00-crds.yaml") })
        #expect(lines.all.first == "helm: helm says init")
        #expect(lines.all.count == cluster.helmCommands.count)
    }

    @Test func missingToolsAreNamedWithWhereToGetThemBeforeAnythingRuns() async throws {
        let folder = try toolFolder(["kubectl": "echo ran >> calls.log"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let runner = ToolRunner(workingDirectory: folder, searchPath: folder.path, onLine: { _ in })
        do {
            try await runner.runAll([["kubectl", "version"], ["rke", "up"], ["helm", "init"]])
            Issue.record("ran without rke and helm")
        } catch let error as CodedError {
            #expect(error.code == "ToolNotFound")
            #expect(error.message == "not on PATH: helm, rke")
            #expect(error.remediation?.contains("github.com/rancher/rke/releases") == true)
            #expect(error.remediation?.contains("Helm v2") == true)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("calls.log").path))
    }

    @Test func aFailingToolReportsItsStatusAndLastLines() async throws {
        let folder = try toolFolder(["rke": "echo 'Failed to set up SSH tunneling for host [20.1.2.3]' >&2; exit 1"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let runner = ToolRunner(workingDirectory: folder, searchPath: folder.path, onLine: { _ in })
        do {
            _ = try await runner.run(["rke", "up"])
            Issue.record("a failure passed")
        } catch let error as CodedError {
            #expect(error.code == "ToolFailed")
            #expect(error.message.contains("status 1"))
            #expect(error.message.contains("Failed to set up SSH tunneling"))
        }
    }

    @Test func kubeconfigPointsAtTheLoadBalancer() throws {
        let rke2 = """
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: LS0tLS1CRUdJTg==
                server: https://127.0.0.1:6443
              name: default
            contexts:
            - context:
                cluster: default
                user: default
              name: default
            current-context: default
            kind: Config
            users:
            - name: default
              user:
                client-certificate-data: Y2VydA==
            """
        let rewritten = try Kubeconfig.pointing(rke2, to: "https://cattle.eastus2.cloudapp.azure.com:6443")
        #expect(rewritten.contains("server: https://cattle.eastus2.cloudapp.azure.com:6443"))
        #expect(!rewritten.contains("127.0.0.1"))
        #expect(rewritten.contains("certificate-authority-data: LS0tLS1CRUdJTg=="))
        #expect(throws: CodedError.self) { try Kubeconfig.pointing("kind: Config\n", to: "https://x") }
    }
}


import DroverEngine
import DroverNodes
import DroverTestSupport
import Foundation
import Testing

/// The rancher-2.3 server cluster resource with stand-in `rke`, `helm` and `kubectl` that log their calls.
@Suite struct RKE1RancherHandlerTests {
    static let inputs = RKE1RancherHandler.Inputs(
        nodes: [
            .init(address: "20.0.0.1", internalAddress: "10.0.1.4", role: .etcd), .init(address: "20.0.0.2", internalAddress: "10.0.1.5", role: .controlplane),
            .init(address: "20.0.0.3", internalAddress: "10.0.1.6", role: .worker),
        ],
        user: "iamsuperman", sshKeyPath: "~/.ssh/id_rsa", kubernetesVersion: "v1.15.4-rancher1-1", hostname: "r.eastus2.cloudapp.azure.com",
        rancherVersion: "v2.3.0", certManagerVersion: "v0.9.1", tls: "letsEncrypt", letsEncryptEmail: "ops@example.com", letsEncryptEnvironment: "staging")

    private func tools() throws -> (bin: URL, work: URL) {
        let root = try LocalTools.temporaryFolder()
        let bin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let log = root.appendingPathComponent("calls.log").path
        let scripts = [
            // rke up writes the kubeconfig beside cluster.yml, as RKE does.
            "rke": "echo \"rke $*\" >> \(log); [ \"$1\" = up ] && echo 'apiVersion: v1' > kube_config_cluster.yml; echo 'INFO[0001] Finished building Kubernetes cluster successfully'",
            "helm": "echo \"helm $*\" >> \(log)",
            "kubectl": "echo \"kubectl $*\" >> \(log)",
        ]
        for (name, body) in scripts {
            let file = bin.appendingPathComponent(name)
            try "#!/bin/sh\n\(body)\n".write(to: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
        return (bin, root.appendingPathComponent("work"))
    }

    private func calls(_ work: URL) throws -> [String] {
        try String(contentsOf: work.deletingLastPathComponent().appendingPathComponent("calls.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    @Test func createRunsRkeUpThenTheHelmSequenceAndReportsProgress() async throws {
        let (bin, work) = try tools()
        defer { try? FileManager.default.removeItem(at: work.deletingLastPathComponent()) }
        let handler = RKE1RancherHandler(workingDirectory: work, searchPath: bin.path)
        let reports = Lines()
        let context = OperationContext(address: "local.rke1_rancher/rancher", report: { message, _ in reports.append(message) })
        let outputs = try await handler.create(Self.inputs, context: context)

        let log = try calls(work)
        #expect(log.first == "rke up --config cluster.yml")
        #expect(log.dropFirst().first?.hasPrefix("helm init --service-account tiller") == true)
        #expect(log.last?.hasPrefix("helm install rancher-latest/rancher --version v2.3.0 --name rancher") == true)
        #expect(log.count == 1 + 9)
        let clusterFile = try String(contentsOf: work.appendingPathComponent("cluster.yml"), encoding: .utf8)
        #expect(clusterFile.contains("address: 20.0.0.2") && clusterFile.contains("internal_address: 10.0.1.5"))
        #expect(try FileManager.default.attributesOfItem(atPath: work.appendingPathComponent("cluster.yml").path)[.posixPermissions] as? Int == 0o600)
        #expect(outputs.kubeconfigPath == work.appendingPathComponent("kube_config_cluster.yml").path)
        #expect(reports.all.contains("rke: INFO[0001] Finished building Kubernetes cluster successfully"))

        #expect(try await handler.read(Self.inputs, prior: outputs, context: context)?.outputs == outputs)
        var upgraded = Self.inputs
        upgraded.rancherVersion = "v2.3.1"
        _ = try await handler.update(from: Self.inputs, to: upgraded, prior: outputs, context: context)
        #expect(try calls(work).suffix(2).first == "rke up --config cluster.yml")
        #expect(try calls(work).last?.hasPrefix("helm upgrade rancher rancher-latest/rancher --version v2.3.1 --namespace cattle-system") == true)

        try await handler.delete(Self.inputs, prior: outputs, context: context)
        #expect(try calls(work).last == "rke remove --force --config cluster.yml")
        #expect(try await handler.read(Self.inputs, prior: outputs, context: context) == nil)
    }

    /// `tls: rancher`: once Helm is done, Rancher's own CA is read on the worker (retried while Rancher starts) and
    /// becomes the outputs every rancher.* resource pins; a rerun keeps it.
    @Test func rancherCAIsReadOnTheWorkerAndKept() async throws {
        let (bin, work) = try tools()
        defer { try? FileManager.default.removeItem(at: work.deletingLastPathComponent()) }
        let attempts = Lines()
        let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        let handler = RKE1RancherHandler(workingDirectory: work, searchPath: bin.path, readCA: { node, inputs in
            attempts.append("\(node.address) \(inputs.hostname)")
            guard attempts.all.count > 1 else { throw CodedError(code: "NoRancherCA", message: "not yet") }
            return RancherCA(pem: pem, checksum: RancherCertificateAuthority.checksum(of: pem))
        })
        var inputs = Self.inputs
        inputs.tls = "rancher"
        let clock = ManualClock()
        let context = OperationContext(address: "local.rke1_rancher/rancher", clock: clock)
        async let created = handler.create(inputs, context: context)
        await clock.waitForSleepers(1)
        clock.advance(10)
        let outputs = try await created
        #expect(attempts.all == ["20.0.0.3 r.eastus2.cloudapp.azure.com", "20.0.0.3 r.eastus2.cloudapp.azure.com"])
        #expect(outputs.caCertificate == pem && outputs.caChecksum == RancherCertificateAuthority.checksum(of: pem))
        #expect(try await handler.read(inputs, prior: outputs, context: context)?.outputs == outputs)
        // With Let's Encrypt nothing is read.
        #expect(try await handler.create(Self.inputs, context: context).caCertificate == nil)
        #expect(attempts.all.count == 2)
    }

    @Test func missingHelmStopsBeforeRkeRuns() async throws {
        let (bin, work) = try tools()
        defer { try? FileManager.default.removeItem(at: work.deletingLastPathComponent()) }
        try FileManager.default.removeItem(at: bin.appendingPathComponent("helm"))
        let handler = RKE1RancherHandler(workingDirectory: work, searchPath: bin.path)
        await #expect(throws: CodedError.self) {
            _ = try await handler.create(Self.inputs, context: OperationContext(address: "local.rke1_rancher/rancher"))
        }
        #expect(!FileManager.default.fileExists(atPath: work.deletingLastPathComponent().appendingPathComponent("calls.log").path))
    }
}

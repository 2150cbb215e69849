import DroverEngine
import Foundation

/// `local.rke1_rancher`: the Rancher 2.3 server cluster of profile rancher-2.3, built on the user's machine with
/// `rke up` and then given cert-manager and Rancher with Helm 2 (pipeline stages 2 and 3, as the seed did).
///
/// Files live in `workingDirectory` (`cluster.yml`, the `kube_config_cluster.yml` and `cluster.rkestate` RKE
/// writes), mode 0600. Tool output reaches the progress view line by line.
public struct RKE1RancherHandler: ResourceHandler {
    /// What the cluster is built from.
    public struct Inputs: Codable, Sendable, Equatable {
        /// The nodes.
        public var nodes: [RKE1Node]
        /// The SSH user.
        public var user: String
        /// The SSH private key.
        public var sshKeyPath: String
        /// RKE1's Kubernetes version.
        public var kubernetesVersion: String
        /// Rancher's hostname.
        public var hostname: String
        /// Rancher's version.
        public var rancherVersion: String
        /// cert-manager's chart version.
        public var certManagerVersion: String
        /// `letsEncrypt` or `rancher`.
        public var tls: String
        /// The Let's Encrypt e-mail.
        public var letsEncryptEmail: String
        /// `staging` or `production`.
        public var letsEncryptEnvironment: String

        /// Creates inputs.
        public init(
            nodes: [RKE1Node], user: String, sshKeyPath: String, kubernetesVersion: String, hostname: String, rancherVersion: String,
            certManagerVersion: String, tls: String, letsEncryptEmail: String, letsEncryptEnvironment: String
        ) {
            self.nodes = nodes
            self.user = user
            self.sshKeyPath = sshKeyPath
            self.kubernetesVersion = kubernetesVersion
            self.hostname = hostname
            self.rancherVersion = rancherVersion
            self.certManagerVersion = certManagerVersion
            self.tls = tls
            self.letsEncryptEmail = letsEncryptEmail
            self.letsEncryptEnvironment = letsEncryptEnvironment
        }
    }

    /// Where the cluster's files are, and Rancher's own CA once read.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The kubeconfig `rke up` wrote.
        public var kubeconfigPath: String
        /// Rancher's self-signed CA, PEM, read on a server over SSH (`tls: rancher`), which Drover pins.
        public var caCertificate: String?
        /// Its checksum, the agents' `--ca-checksum` (rancher-api.md §6.1).
        public var caChecksum: String?

        /// Creates outputs.
        public init(kubeconfigPath: String, caCertificate: String? = nil, caChecksum: String? = nil) {
            self.kubeconfigPath = kubeconfigPath
            self.caCertificate = caCertificate
            self.caChecksum = caChecksum
        }
    }

    /// Reads Rancher's CA on a node (the composition root passes `SSHRunner.fetchRancherCA`; tests a stand-in).
    public typealias CAReader = @Sendable (_ node: RKE1Node, _ inputs: Inputs) async throws -> RancherCA

    public let type = "local.rke1_rancher"
    /// The folder holding `cluster.yml` and what RKE writes beside it.
    public let workingDirectory: URL
    /// The PATH searched for `rke`, `helm` and `kubectl`.
    public let searchPath: String
    /// Reads Rancher's own CA with `tls: rancher`; nil leaves the CA unread (and Rancher's calls unpinned).
    public let readCA: CAReader?

    /// Creates the handler.
    public init(
        workingDirectory: URL, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
        readCA: CAReader? = nil
    ) {
        self.workingDirectory = workingDirectory
        self.searchPath = searchPath
        self.readCA = readCA
    }

    public var replaceTriggers: Set<String> { ["hostname"] }

    private func cluster(_ inputs: Inputs) -> RKE1ServerCluster {
        RKE1ServerCluster(
            nodes: inputs.nodes,
            user: inputs.user, sshKeyPath: inputs.sshKeyPath, kubernetesVersion: inputs.kubernetesVersion,
            install: RancherInstall(
                hostname: inputs.hostname, rancherVersion: inputs.rancherVersion, certManagerVersion: inputs.certManagerVersion,
                tls: inputs.tls == "rancher" ? .rancher : .letsEncrypt(email: inputs.letsEncryptEmail, environment: inputs.letsEncryptEnvironment),
                replicas: 1))
    }

    private func runner(_ context: OperationContext) -> ToolRunner {
        ToolRunner(workingDirectory: workingDirectory, searchPath: searchPath, onLine: { context.report($0) })
    }

    private var kubeconfig: URL { workingDirectory.appendingPathComponent(RKE1ServerCluster.kubeconfigFile) }

    /// Writes `cluster.yml` and runs `rke up` (which is idempotent: a re-run reconciles).
    private func rkeUp(_ inputs: Inputs, _ context: OperationContext) async throws {
        try FileManager.default.createDirectory(at: workingDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = workingDirectory.appendingPathComponent("cluster.yml")
        try Data(cluster(inputs).clusterFile.utf8).write(to: file, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        context.report("rke up: building Kubernetes \(inputs.kubernetesVersion) on \(inputs.nodes.count) nodes")
        _ = try await runner(context).run(["rke", "up", "--config", "cluster.yml"])
    }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let commands = cluster(inputs).helmCommands
        try runner(context).preflight([["rke"]] + commands)
        try await rkeUp(inputs, context)
        context.report("helm: installing cert-manager \(inputs.certManagerVersion) and Rancher \(inputs.rancherVersion)")
        try await runner(context).runAll(commands)
        return try await outputs(inputs, context)
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        guard FileManager.default.fileExists(atPath: kubeconfig.path) else { return nil }
        return Observed(Outputs(kubeconfigPath: kubeconfig.path, caCertificate: prior?.caCertificate, caChecksum: prior?.caChecksum))
    }

    /// The outputs once Rancher is installed: with `tls: rancher` its CA, read on a worker (where RKE1's ingress
    /// controller answers on 443), retried while Rancher is still starting.
    private func outputs(_ inputs: Inputs, _ context: OperationContext) async throws -> Outputs {
        guard inputs.tls == "rancher", let readCA, let node = inputs.nodes.first(where: { $0.role == .worker }) ?? inputs.nodes.first else {
            return Outputs(kubeconfigPath: kubeconfig.path)
        }
        let ca = try await context.wait(for: "Rancher's CA on \(node.address)", every: 10, timeout: 600) { () -> RancherCA? in
            do { return try await readCA(node, inputs) } catch let error as CodedError where error.code == "NoRancherCA" { return nil }
        }
        context.report("pinned Rancher's CA (checksum \(ca.checksum.prefix(12))…)")
        return Outputs(kubeconfigPath: kubeconfig.path, caCertificate: ca.pem, caChecksum: ca.checksum)
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        try await rkeUp(new, context)
        if old.rancherVersion != new.rancherVersion || old.tls != new.tls || old.letsEncryptEmail != new.letsEncryptEmail
            || old.letsEncryptEnvironment != new.letsEncryptEnvironment
        {
            // Helm 2 upgrades the release in place with the new version and values.
            _ = try await runner(context).run(cluster(new).rancherUpgradeCommand)
        }
        guard old.tls != new.tls || prior.caCertificate == nil else {
            return Outputs(kubeconfigPath: kubeconfig.path, caCertificate: prior.caCertificate, caChecksum: prior.caChecksum)
        }
        return try await outputs(new, context)
    }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        guard FileManager.default.fileExists(atPath: workingDirectory.appendingPathComponent("cluster.yml").path) else { return }
        _ = try await runner(context).run(["rke", "remove", "--force", "--config", "cluster.yml"])
        try? FileManager.default.removeItem(at: kubeconfig)
    }
}

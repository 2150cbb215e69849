import DroverEngine
import DroverNodes
import Foundation

/// The secret values that go into node artifacts; `placeholders` stands in for them in a review.
public struct ArtifactSecrets: Sendable, Equatable {
    /// The RKE2 cluster token of the Rancher servers (profile current).
    public var rke2Token: String
    /// Rancher's bootstrap password.
    public var bootstrapPassword: String
    /// The workload cluster's registration token, issued by Rancher.
    public var registrationToken: String
    /// Rancher's CA checksum when its CA is private or Rancher's own (not secret, but only known once issued or
    /// fetched).
    public var caChecksum: String
    /// Rancher's serving certificate, its key (secret) and CA with `tls: private` (only known once issued).
    public var rancherTLS: RancherTLSMaterial

    /// Creates secrets.
    public init(
        rke2Token: String, bootstrapPassword: String, registrationToken: String, caChecksum: String,
        rancherTLS: RancherTLSMaterial = ArtifactSecrets.placeholders.rancherTLS
    ) {
        self.rke2Token = rke2Token
        self.bootstrapPassword = bootstrapPassword
        self.registrationToken = registrationToken
        self.caChecksum = caChecksum
        self.rancherTLS = rancherTLS
    }

    /// The text shown instead of the secret `name`.
    public static func placeholder(_ name: String) -> String { "SENSITIVE.\(name)" }

    /// What stands in for a value that is not secret but only known once apply made it.
    public static let knownAfterApply = "known-after-apply"

    /// Placeholders for every value.
    public static let placeholders = ArtifactSecrets(
        rke2Token: placeholder("rke2-token"), bootstrapPassword: placeholder("rancher-bootstrap"),
        registrationToken: placeholder("registration-token"), caChecksum: knownAfterApply,
        rancherTLS: RancherTLSMaterial(certificate: knownAfterApply, privateKey: placeholder("rancher-tls-key"), caCertificate: knownAfterApply))
}

/// Everything a run sends to machines for a spec: custom data, extension scripts, chart manifests, and for the
/// legacy profile the RKE1 `cluster.yml` and Helm 2 commands. `drover render` writes these; tests validate them.
public struct NodeArtifacts: Sendable {
    /// The spec.
    public var spec: ClusterSpec

    /// Creates the artifact builder for `spec`.
    public init(spec: ClusterSpec) { self.spec = spec }

    private var install: RancherInstall {
        let tls: RancherInstall.TLS
        switch spec.rancher.tls {
        case .private: tls = .private
        case .rancher: tls = .rancher
        case .letsEncrypt: tls = .letsEncrypt(email: spec.rancher.letsEncryptEmail, environment: spec.rancher.letsEncryptEnvironment.rawValue)
        }
        return RancherInstall(
            hostname: spec.rancher.fqdn, rancherVersion: spec.rancher.version, certManagerVersion: spec.rancher.certManagerVersion,
            tls: tls, replicas: spec.profile == .current ? spec.rancher.servers : 1)
    }

    /// The registration commands Rancher would hand out for this spec, with `secrets`' token.
    public func registrationCommands(_ secrets: ArtifactSecrets) -> (linux: String, windows: String) {
        let server = "https://\(spec.rancher.fqdn)"
        // A publicly trusted certificate (Let's Encrypt) leaves `cacerts` empty and the commands without a checksum
        // (rancher-api.md §6.1).
        let ca = spec.rancher.tls == .letsEncrypt ? nil : secrets.caChecksum
        let rke2 = spec.profile == .current
        return (
            RegistrationTemplates.linux(rancherVersion: spec.rancher.version, rke2: rke2, server: server, token: secrets.registrationToken, caChecksum: ca),
            RegistrationTemplates.windows(rancherVersion: spec.rancher.version, rke2: rke2, server: server, token: secrets.registrationToken, caChecksum: ca)
        )
    }

    /// The Rancher install as the artifact requests carry it.
    private var rancherRequest: NodeArtifactRequest.Rancher {
        let letsEncrypt = spec.rancher.tls == .letsEncrypt
        return NodeArtifactRequest.Rancher(
            hostname: spec.rancher.fqdn, version: spec.rancher.version, certManagerVersion: spec.rancher.certManagerVersion,
            tls: spec.rancher.tls.rawValue, letsEncryptEmail: letsEncrypt ? spec.rancher.letsEncryptEmail : nil,
            letsEncryptEnvironment: letsEncrypt ? spec.rancher.letsEncryptEnvironment.rawValue : nil,
            replicas: spec.profile == .current ? spec.rancher.servers : 1)
    }

    private var rke2Servers: [NodeArtifactRequest.Server] {
        spec.rancherNodes.map { NodeArtifactRequest.Server(name: $0.vmName, privateAddress: $0.privateAddress?.description ?? "") }
    }

    /// Custom data of Rancher server `node`: RKE2 configuration and charts (current) or Docker (rancher-2.3).
    public func serverCloudConfig(_ node: PlannedNode) -> NodeArtifactRequest {
        guard spec.profile == .current else { return dockerCloudConfig(node) }
        return NodeArtifactRequest(
            artifact: .rke2ServerCloudConfig, node: node.vmName, servers: rke2Servers, rke2Version: spec.rancher.kubernetesVersion,
            rancher: rancherRequest)
    }

    /// The script that gives the RKE2 servers their token, Rancher its bootstrap password and, with `tls: private`,
    /// its certificate (profile current).
    public func serverSecretsScript(_ secrets: ArtifactSecrets) -> NodeArtifactRequest {
        NodeArtifactRequest(
            artifact: .rke2SecretsScript, node: "rancher", servers: rke2Servers, rke2Version: spec.rancher.kubernetesVersion,
            rancher: rancherRequest, rke2Token: secrets.rke2Token, bootstrapPassword: secrets.bootstrapPassword,
            tls: spec.rancher.tls == .private ? secrets.rancherTLS : nil)
    }

    /// Custom data installing the seed's Docker on `node` (rancher-2.3).
    public func dockerCloudConfig(_ node: PlannedNode) -> NodeArtifactRequest {
        NodeArtifactRequest(artifact: .dockerCloudConfig, node: node.vmName, user: spec.admin.username, dockerVersion: RKE1ServerCluster.defaultDockerVersion)
    }

    /// A join artifact of workload `node` running `command` (Rancher's registration command for its OS), the node's
    /// public address being `address`.
    public func join(
        _ artifact: NodeArtifactRequest.Artifact, _ node: PlannedNode, command: String, address: String, trustedCA: String? = nil
    ) -> NodeArtifactRequest {
        NodeArtifactRequest(
            artifact: artifact, node: node.vmName, user: node.os == .linux ? spec.admin.username : nil,
            join: NodeArtifactRequest.Join(
                command: command, roles: node.roles.map(\.rawValue), address: address, internalAddress: node.privateAddress?.description ?? "",
                trustedCA: trustedCA))
    }

    /// Whether `artifact` puts Drover's private CA in the node's trust store before the node downloads Rancher's
    /// installer over TLS (`tls.source: private`; no public CA vouches for that certificate).
    public func trustsRancherCA(_ artifact: NodeArtifactRequest.Artifact) -> Bool {
        spec.rancher.tls == .private && [.linuxJoinScript, .windowsJoinScript, .windowsJoinCommand].contains(artifact)
    }

    /// The artifacts of workload `node` that travel in its custom data or a VM extension, each with where it goes and
    /// its file name, for `joinMethod` of the spec; a nil artifact is the fixed
    /// `WindowsJoinScript.customDataExtensionCommand`, which runs the script custom data dropped.
    public func joinArtifacts(_ node: PlannedNode) -> [(artifact: NodeArtifactRequest.Artifact?, file: String, delivery: NodeArtifact.Delivery)] {
        let customData = spec.cluster.joinMethod == .customData
        if node.os == .windows {
            return [
                (.windowsJoinScript, "join.ps1", customData ? .customData : .protectedSettings),
                (customData ? nil : .windowsJoinCommand, "extension-command.txt", .protectedSettings),
            ]
        }
        if customData { return [(.linuxJoinCloudConfig, "cloud-config.yaml", .customData)] }
        return (spec.profile == .rancher23 ? [(.dockerCloudConfig, "cloud-config.yaml", .customData)] : [])
            + [(.linuxJoinScript, "join.sh", .protectedSettings)]
    }

    /// What the artifacts show for a public address apply has not yet given.
    public static let addressPlaceholder = ArtifactSecrets.knownAfterApply

    /// Every artifact, rendered with `secrets` (pass `ArtifactSecrets.placeholders` for a review) and the workload
    /// nodes' public addresses by VM name where known.
    /// - Throws: `CodedError` when a registration command cannot be given a node's roles (a Windows node with a
    ///   role other than worker, which validation already refuses).
    public func render(_ secrets: ArtifactSecrets, publicAddresses: [String: String] = [:]) throws(CodedError) -> [NodeArtifact] {
        var out: [NodeArtifact] = []
        func add(_ path: String, _ content: String, _ delivery: NodeArtifact.Delivery, sensitive: Bool) {
            out.append(NodeArtifact(path: path, content: content, delivery: delivery, sensitive: sensitive))
        }
        func add(_ path: String, _ request: NodeArtifactRequest, _ delivery: NodeArtifact.Delivery) throws(CodedError) {
            add(path, try request.render(), delivery, sensitive: request.artifact.holdsSecret)
        }

        for node in spec.rancherNodes {
            try add("rancher/\(node.vmName)/cloud-config.yaml", serverCloudConfig(node), .customData)
        }
        switch spec.profile {
        case .current:
            try add("rancher/servers-secrets.sh", serverSecretsScript(secrets), .protectedSettings)
            for (file, chart) in install.charts { add("rancher/manifests/\(file)", chart.rendered(), .onServer, sensitive: false) }
            add("rancher/manifests/drover-rancher-values.yaml", install.valuesSecret(bootstrapPassword: secrets.bootstrapPassword), .onServer, sensitive: true)
            if spec.rancher.tls == .private {
                add("rancher/manifests/\(RKE2ServerBootstrap.tlsManifestFile)", secrets.rancherTLS.secretsManifest, .onServer, sensitive: true)
            }
        case .rancher23:
            let nodes = spec.rancherNodes.map { node in
                RKE1Node(address: Self.addressPlaceholder, internalAddress: node.privateAddress?.description ?? "", role: AgentRole(rawValue: node.roles[0].rawValue)!)
            }
            let cluster = RKE1ServerCluster(
                nodes: nodes, user: spec.admin.username, sshKeyPath: spec.admin.sshPrivateKeyPath,
                kubernetesVersion: spec.rancher.kubernetesVersion, install: install)
            add("rancher/cluster.yml", cluster.clusterFile, .local, sensitive: false)
            add("rancher/helm-commands.sh", "#!/bin/sh\nset -eu\n" + cluster.helmCommands.map { $0.map(POSIXShell.quote).joined(separator: " ") }.joined(separator: "\n") + "\n", .local, sensitive: false)
        }

        let commands = registrationCommands(secrets)
        for node in spec.clusterNodes {
            for (artifact, file, delivery) in joinArtifacts(node) {
                let path = "cluster/\(node.vmName)/\(file)"
                guard let artifact else {
                    add(path, WindowsJoinScript.customDataExtensionCommand, delivery, sensitive: false)
                    continue
                }
                let command = node.os == .windows ? commands.windows : commands.linux
                let address = publicAddresses[node.vmName] ?? Self.addressPlaceholder
                let ca = trustsRancherCA(artifact) ? secrets.rancherTLS.caCertificate : nil
                try add(path, artifact == .dockerCloudConfig ? dockerCloudConfig(node) : join(artifact, node, command: command, address: address, trustedCA: ca), delivery)
            }
        }
        return out
    }
}

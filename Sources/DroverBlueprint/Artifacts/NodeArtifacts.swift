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
    /// Rancher's CA checksum when its certificate is self-signed (not secret, but only known once Rancher runs).
    public var caChecksum: String

    /// Creates secrets.
    public init(rke2Token: String, bootstrapPassword: String, registrationToken: String, caChecksum: String) {
        self.rke2Token = rke2Token
        self.bootstrapPassword = bootstrapPassword
        self.registrationToken = registrationToken
        self.caChecksum = caChecksum
    }

    /// The text shown instead of the secret `name`.
    public static func placeholder(_ name: String) -> String { "SENSITIVE.\(name)" }

    /// Placeholders for every value.
    public static let placeholders = ArtifactSecrets(
        rke2Token: placeholder("rke2-token"), bootstrapPassword: placeholder("rancher-bootstrap"),
        registrationToken: placeholder("registration-token"), caChecksum: "known-after-apply")
}

/// Everything a run sends to machines for a spec: custom data, extension scripts, chart manifests, and for the
/// legacy profile the RKE1 `cluster.yml` and Helm 2 commands. `drover render` writes these; tests validate them.
public struct NodeArtifacts: Sendable {
    /// The spec.
    public var spec: ClusterSpec

    /// Creates the artifact builder for `spec`.
    public init(spec: ClusterSpec) { self.spec = spec }

    private var install: RancherInstall {
        RancherInstall(
            hostname: spec.rancher.fqdn, rancherVersion: spec.rancher.version, certManagerVersion: spec.rancher.certManagerVersion,
            tls: spec.rancher.tls == .letsEncrypt
                ? .letsEncrypt(email: spec.rancher.letsEncryptEmail, environment: spec.rancher.letsEncryptEnvironment.rawValue) : .rancher,
            replicas: spec.profile == .current ? spec.rancher.servers : 1)
    }

    /// The registration commands Rancher would hand out for this spec, with `secrets`' token.
    public func registrationCommands(_ secrets: ArtifactSecrets) -> (linux: String, windows: String) {
        let server = "https://\(spec.rancher.fqdn)"
        let ca = spec.rancher.tls == .rancher ? secrets.caChecksum : nil
        let rke2 = spec.profile == .current
        return (
            RegistrationTemplates.linux(rancherVersion: spec.rancher.version, rke2: rke2, server: server, token: secrets.registrationToken, caChecksum: ca),
            RegistrationTemplates.windows(rancherVersion: spec.rancher.version, rke2: rke2, server: server, token: secrets.registrationToken, caChecksum: ca)
        )
    }

    /// Every artifact, rendered with `secrets` (pass `ArtifactSecrets.placeholders` for a review).
    /// - Throws: `CodedError` when a registration command cannot be given a node's roles (a Windows node with a
    ///   role other than worker, which validation already refuses).
    public func render(_ secrets: ArtifactSecrets) throws(CodedError) -> [NodeArtifact] {
        var out: [NodeArtifact] = []
        func add(_ path: String, _ content: String, _ delivery: NodeArtifact.Delivery, sensitive: Bool) {
            out.append(NodeArtifact(path: path, content: content, delivery: delivery, sensitive: sensitive))
        }

        switch spec.profile {
        case .current:
            let servers = spec.rancherNodes.map { RKE2ServerNode(name: $0.vmName, privateAddress: $0.privateAddress?.description ?? "") }
            let bootstrap = RKE2ServerBootstrap(servers: servers, rke2Version: spec.rancher.kubernetesVersion, install: install)
            for server in servers {
                add("rancher/\(server.name)/cloud-config.yaml", bootstrap.customData(for: server).rendered(), .customData, sensitive: false)
            }
            add("rancher/servers-secrets.sh", bootstrap.secretsScript(token: secrets.rke2Token, bootstrapPassword: secrets.bootstrapPassword), .protectedSettings, sensitive: true)
            add("rancher/manifests/drover-cert-manager.yaml", install.certManagerChart.rendered(), .onServer, sensitive: false)
            add("rancher/manifests/drover-rancher.yaml", install.rancherChart.rendered(), .onServer, sensitive: false)
            add("rancher/manifests/drover-rancher-values.yaml", install.valuesSecret(bootstrapPassword: secrets.bootstrapPassword), .onServer, sensitive: true)
        case .rancher23:
            let nodes = spec.rancherNodes.map { node in
                RKE1Node(address: "known-after-apply", internalAddress: node.privateAddress?.description ?? "", role: AgentRole(rawValue: node.roles[0].rawValue)!)
            }
            let cluster = RKE1ServerCluster(
                nodes: nodes, user: spec.admin.username, sshKeyPath: spec.admin.sshPrivateKeyPath,
                kubernetesVersion: spec.rancher.kubernetesVersion, install: install)
            for node in spec.rancherNodes {
                add("rancher/\(node.vmName)/cloud-config.yaml", cluster.customData.rendered(), .customData, sensitive: false)
            }
            add("rancher/cluster.yml", cluster.clusterFile, .local, sensitive: false)
            add("rancher/helm-commands.sh", "#!/bin/sh\nset -eu\n" + cluster.helmCommands.map { $0.map(POSIXShell.quote).joined(separator: " ") }.joined(separator: "\n") + "\n", .local, sensitive: false)
        }

        let commands = registrationCommands(secrets)
        let linux = try RegistrationCommand.parse(commands.linux)
        let windows = try RegistrationCommand.parse(commands.windows)
        let customData = spec.cluster.joinMethod == .customData
        for node in spec.clusterNodes {
            let target = JoinTarget(
                nodeName: node.vmName, roles: Set(node.roles.compactMap { AgentRole(rawValue: $0.rawValue) }),
                address: "known-after-apply", internalAddress: node.privateAddress?.description ?? "")
            let folder = "cluster/\(node.vmName)"
            if node.os == .windows {
                let script = try WindowsJoinScript(command: windows, node: target)
                add("\(folder)/join.ps1", script.text, customData ? .customData : .protectedSettings, sensitive: true)
                add("\(folder)/extension-command.txt",
                    customData ? WindowsJoinScript.customDataExtensionCommand : script.extensionCommand, .protectedSettings, sensitive: !customData)
            } else {
                let join = try LinuxJoin(command: linux, node: target, user: spec.admin.username)
                if customData {
                    add("\(folder)/cloud-config.yaml", join.customData.rendered(), .customData, sensitive: true)
                } else {
                    if spec.profile == .rancher23 {
                        add("\(folder)/cloud-config.yaml", RKE1ServerCluster.dockerCloudConfig(dockerVersion: "18.09", user: spec.admin.username).rendered(), .customData, sensitive: false)
                    }
                    add("\(folder)/join.sh", join.extensionScript, .protectedSettings, sensitive: true)
                }
            }
        }
        return out
    }
}

import DroverEngine
import DroverNodes

/// Which machine artifact to render and every value it is rendered from: the inputs of the `local.node_artifact`
/// and `local.node_secret_artifact` resources, and what `drover render` renders with placeholders.
///
/// Fields only apply knows (the registration command, a public address, secrets) arrive as references in the graph;
/// ``render()`` is the one function that turns a request into the text sent to a machine.
public struct NodeArtifactRequest: Codable, Sendable, Equatable {
    /// The kinds of artifact.
    public enum Artifact: String, Codable, Sendable, CaseIterable {
        /// Custom data of an RKE2 Rancher server (profile current): configuration and charts, RKE2 not started.
        case rke2ServerCloudConfig = "rke2-server-cloud-config"
        /// The extension script that gives RKE2 servers their token, Rancher its bootstrap password and (`tls: private`)
        /// its certificate.
        case rke2SecretsScript = "rke2-secrets-script"
        /// Custom data installing Docker (rancher-2.3 servers, and its Linux workers joining by extension).
        case dockerCloudConfig = "docker-cloud-config"
        /// Custom data that runs the registration command at first boot (`joinMethod: customData`).
        case linuxJoinCloudConfig = "linux-join-cloud-config"
        /// The CustomScript extension script that runs the registration command.
        case linuxJoinScript = "linux-join-script"
        /// The PowerShell join script (`joinMethod: customData` sends it as custom data).
        case windowsJoinScript = "windows-join-script"
        /// The CustomScriptExtension command that writes the join script and runs it.
        case windowsJoinCommand = "windows-join-command"

        /// Whether the rendered text holds a secret (a token or password, possibly encoded).
        public var holdsSecret: Bool {
            switch self {
            case .rke2ServerCloudConfig, .dockerCloudConfig: return false
            case .rke2SecretsScript, .linuxJoinCloudConfig, .linuxJoinScript, .windowsJoinScript, .windowsJoinCommand: return true
            }
        }
    }

    /// An RKE2 server: its VM name and private address.
    public struct Server: Codable, Sendable, Equatable {
        /// The VM name.
        public var name: String
        /// The static private address.
        public var privateAddress: String
    }

    /// The Rancher install the servers' charts describe.
    public struct Rancher: Codable, Sendable, Equatable {
        /// The load balancer's FQDN.
        public var hostname: String
        /// Rancher's version.
        public var version: String
        /// cert-manager's chart version.
        public var certManagerVersion: String
        /// `private` (Drover's CA), `rancher` (self-signed) or `letsEncrypt`.
        public var tls: String
        /// The Let's Encrypt account e-mail, with `tls: letsEncrypt`.
        public var letsEncryptEmail: String?
        /// `staging` or `production`, with `tls: letsEncrypt`.
        public var letsEncryptEnvironment: String?
        /// Rancher replicas.
        public var replicas: Int
    }

    /// How a workload node joins.
    public struct Join: Codable, Sendable, Equatable {
        /// The registration command Rancher hands out (`nodeCommand` or `windowsNodeCommand`).
        public var command: String
        /// The node's Kubernetes roles.
        public var roles: [String]
        /// The node's public address.
        public var address: String
        /// The node's private address.
        public var internalAddress: String
        /// Rancher's CA (PEM), put in the node's trust store before it contacts Rancher (`tls.source: private`).
        public var trustedCA: String?
    }

    /// Which artifact.
    public var artifact: Artifact
    /// The machine (VM name) or group of machines it is for.
    public var node: String
    /// The VM admin user (Docker group, Linux joins).
    public var user: String?
    /// The Docker version installed by the Docker cloud-config.
    public var dockerVersion: String?
    /// The RKE2 servers, first one initialising the cluster.
    public var servers: [Server]?
    /// The RKE2 release of the servers.
    public var rke2Version: String?
    /// The Rancher install.
    public var rancher: Rancher?
    /// The RKE2 cluster token (secret).
    public var rke2Token: String?
    /// Rancher's bootstrap password (secret).
    public var bootstrapPassword: String?
    /// The join of a workload node.
    public var join: Join?
    /// Rancher's serving certificate, key (secret) and CA, with `rancher.tls: private`.
    public var tls: RancherTLSMaterial?

    /// Creates a request; fields an artifact does not use stay nil.
    public init(
        artifact: Artifact, node: String, user: String? = nil, dockerVersion: String? = nil, servers: [Server]? = nil,
        rke2Version: String? = nil, rancher: Rancher? = nil, rke2Token: String? = nil, bootstrapPassword: String? = nil, join: Join? = nil,
        tls: RancherTLSMaterial? = nil
    ) {
        self.artifact = artifact
        self.node = node
        self.user = user
        self.dockerVersion = dockerVersion
        self.servers = servers
        self.rke2Version = rke2Version
        self.rancher = rancher
        self.rke2Token = rke2Token
        self.bootstrapPassword = bootstrapPassword
        self.join = join
        self.tls = tls
    }

    /// The text sent to the machine.
    /// - Throws: `CodedError` `InvalidArtifact` naming the missing or wrong field, or the registration command's error.
    public func render() throws(CodedError) -> String {
        switch artifact {
        case .rke2ServerCloudConfig:
            let bootstrap = try rke2Bootstrap()
            guard let server = bootstrap.servers.first(where: { $0.name == node }) else {
                throw invalid("node", "\"\(node)\" is not one of the servers")
            }
            return bootstrap.customData(for: server).rendered()
        case .rke2SecretsScript:
            let bootstrap = try rke2Bootstrap()
            let material = bootstrap.install.tls == .private ? try required(tls, "tls") : nil
            return bootstrap.secretsScript(
                token: try required(rke2Token, "rke2Token"), bootstrapPassword: try required(bootstrapPassword, "bootstrapPassword"), tls: material)
        case .dockerCloudConfig:
            return RKE1ServerCluster.dockerCloudConfig(dockerVersion: try required(dockerVersion, "dockerVersion"), user: try required(user, "user")).rendered()
        case .linuxJoinCloudConfig:
            return try linuxJoin().customData.rendered()
        case .linuxJoinScript:
            return try linuxJoin().extensionScript
        case .windowsJoinScript:
            return try windowsJoin().text
        case .windowsJoinCommand:
            return try windowsJoin().extensionCommand
        }
    }

    private func invalid(_ field: String, _ why: String) -> CodedError {
        CodedError(code: "InvalidArtifact", message: "\(artifact.rawValue) for \(node): \(field) \(why)", nothingApplied: true)
    }

    private func required<T>(_ value: T?, _ field: String) throws(CodedError) -> T {
        guard let value else { throw invalid(field, "is required") }
        return value
    }

    private func rke2Bootstrap() throws(CodedError) -> RKE2ServerBootstrap {
        let rancher = try required(rancher, "rancher")
        let tls: RancherInstall.TLS
        switch rancher.tls {
        case "private": tls = .private
        case "rancher": tls = .rancher
        case "letsEncrypt": tls = .letsEncrypt(email: rancher.letsEncryptEmail ?? "", environment: rancher.letsEncryptEnvironment ?? "production")
        default: throw invalid("rancher.tls", "\"\(rancher.tls)\" is not private, rancher or letsEncrypt")
        }
        let install = RancherInstall(
            hostname: rancher.hostname, rancherVersion: rancher.version, certManagerVersion: rancher.certManagerVersion, tls: tls,
            replicas: rancher.replicas)
        let servers = try required(servers, "servers").map { RKE2ServerNode(name: $0.name, privateAddress: $0.privateAddress) }
        return RKE2ServerBootstrap(servers: servers, rke2Version: try required(rke2Version, "rke2Version"), install: install)
    }

    private func target() throws(CodedError) -> (RegistrationCommand, JoinTarget) {
        let join = try required(join, "join")
        var roles: Set<AgentRole> = []
        for role in join.roles {
            guard let known = AgentRole(rawValue: role) else { throw invalid("join.roles", "holds unknown role \"\(role)\"") }
            roles.insert(known)
        }
        let target = JoinTarget(nodeName: node, roles: roles, address: join.address, internalAddress: join.internalAddress)
        return (try RegistrationCommand.parse(join.command), target)
    }

    private func linuxJoin() throws(CodedError) -> LinuxJoin {
        let (command, target) = try target()
        return try LinuxJoin(command: command, node: target, user: try required(user, "user"), trustedCA: join?.trustedCA)
    }

    private func windowsJoin() throws(CodedError) -> WindowsJoinScript {
        let (command, target) = try target()
        return try WindowsJoinScript(command: command, node: target, trustedCA: join?.trustedCA)
    }
}

import DroverEngine
import Foundation

/// How a Linux workload node runs its registration command: a CustomScript extension script, or custom data.
public struct LinuxJoin: Sendable {
    /// The node's registration command, already given its roles and addresses.
    public let command: String
    /// The same command as the steps the extension script runs (RKE2's installer downloaded, then run).
    public let steps: [String]
    /// Rancher's CA (PEM) the node must trust before it contacts Rancher, when no public CA signs Rancher's certificate.
    public let trustedCA: String?
    /// Whether the node runs the RKE1 Docker agent (Docker must be up first) rather than RKE2's system agent.
    public let dockerAgent: Bool
    /// The Docker version installed first on RKE1 nodes (the seed's 18.09).
    public let dockerVersion: String
    /// The VM admin user, added to the docker group as the seed did.
    public let user: String

    /// The join of `node` with Rancher's `nodeCommand`.
    public init(
        command: RegistrationCommand, node: JoinTarget, user: String, dockerVersion: String = RKE1ServerCluster.defaultDockerVersion,
        trustedCA: String? = nil
    ) throws(CodedError) {
        guard command.template == .rke1Linux || command.template == .rke2Linux else {
            throw CodedError(code: "WrongTemplate", message: "a Windows registration command cannot join Linux node \(node.nodeName)")
        }
        self.command = try command.command(for: node)
        steps = try command.steps(for: node, downloadingTo: "/var/lib/drover/system-agent-install.sh")
        self.trustedCA = trustedCA.flatMap { $0.isEmpty ? nil : $0 }
        dockerAgent = command.template == .rke1Linux
        self.dockerVersion = dockerVersion
        self.user = user
    }

    /// Marks a finished join so a second run of the script does nothing.
    public static let marker = "/var/lib/drover/joined"
    /// Where the node keeps Rancher's CA in its trust store (Debian/Ubuntu's ca-certificates folder).
    public static let caPath = "/usr/local/share/ca-certificates/drover-rancher-ca.crt"

    /// The script for `Microsoft.Azure.Extensions/CustomScript` (protected settings: it holds the token).
    public var extensionScript: String {
        LinuxScript(log: "/var/log/drover-join.log") {
            LinuxScript.waitForCloudInit
            "if [ -e \(Self.marker) ]; then echo 'drover: already joined'; exit 0; fi"
            if dockerAgent {
                "i=0; until docker info >/dev/null 2>&1; do i=$((i+1)); [ $i -le 60 ] || { echo 'drover: docker is not running'; exit 1; }; sleep 5; done"
            }
            if let trustedCA {
                LinuxScript.writeFile(Self.caPath, trustedCA)
                "update-ca-certificates"
            }
            "mkdir -p /var/lib/drover"
            steps
            "touch \(Self.marker)"
        }.text
    }

    /// With `joinMethod: customData`, the seed's way: the command at the end of first boot (after Docker on RKE1).
    public var customData: CloudConfig {
        if dockerAgent { return RKE1ServerCluster.dockerCloudConfig(dockerVersion: dockerVersion, user: user, joinCommand: command) }
        return CloudConfig(runcmd: [["sh", "-c", command]])
    }
}

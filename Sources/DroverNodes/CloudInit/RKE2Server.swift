/// One Rancher server VM of profile `current`: an RKE2 server.
public struct RKE2ServerNode: Sendable, Equatable {
    /// The VM's host name.
    public var name: String
    /// Its static private address.
    public var privateAddress: String

    /// Creates a server node.
    public init(name: String, privateAddress: String) {
        self.name = name
        self.privateAddress = privateAddress
    }
}

/// Renders what turns Ubuntu VMs into the RKE2 cluster that runs Rancher (pipeline stages 2 and 3, profile `current`).
///
/// Custom data holds no secret (Azure: "Do not pass any secrets or passwords in customData"): it installs RKE2,
/// writes the non-secret server configuration and the cert-manager and Rancher HelmCharts. The cluster token and
/// Rancher's bootstrap password arrive afterwards in a script run by a VM extension with protected settings,
/// which then starts the server.
public struct RKE2ServerBootstrap: Sendable {
    /// The servers, first one initialising the cluster.
    public var servers: [RKE2ServerNode]
    /// The RKE2 release, such as `v1.34.2+rke2r1`.
    public var rke2Version: String
    /// The Rancher install.
    public var install: RancherInstall

    /// Creates the bootstrap for `servers`.
    public init(servers: [RKE2ServerNode], rke2Version: String, install: RancherInstall) {
        self.servers = servers
        self.rke2Version = rke2Version
        self.install = install
    }

    /// RKE2's configuration file.
    public static let configPath = "/etc/rancher/rke2/config.yaml"
    /// Where RKE2 picks up manifests to apply (its helm-controller installs HelmCharts found there).
    public static let manifestsFolder = "/var/lib/rancher/rke2/server/manifests"
    /// The kubeconfig RKE2 writes on each server.
    public static let kubeconfigPath = "/etc/rancher/rke2/rke2.yaml"

    /// The non-secret RKE2 configuration of `node`: the first server initialises, the others join it on 9345.
    public func config(for node: RKE2ServerNode) -> String {
        var fields: [String: YAMLValue] = [
            "tls-san": .list([.string(install.hostname)]), "node-ip": .string(node.privateAddress),
            "write-kubeconfig-mode": "0600",
        ]
        if let first = servers.first, first != node { fields["server"] = .string("https://\(first.privateAddress):9345") }
        return YAMLValue.object(fields).yaml
    }

    /// Custom data of `node`: configuration and charts written, RKE2 installed, not yet started.
    public func customData(for node: RKE2ServerNode) -> CloudConfig {
        // The public address is read from the instance metadata service at boot, so custom data (immutable) stays the
        // same when the public IP is recreated.
        let imds = "http://169.254.169.254/metadata/instance/network/interface/0/ipv4/ipAddress/0/publicIpAddress?api-version=2021-02-01&format=text"
        let externalIP = "ip=$(curl -sf -H Metadata:true '\(imds)') && [ -n \"$ip\" ] && echo \"node-external-ip: $ip\" >> \(Self.configPath)"
        let installRKE2 = "curl -sfL https://get.rke2.io | INSTALL_RKE2_VERSION=\(POSIXShell.quote(rke2Version)) INSTALL_RKE2_TYPE=server sh -"
        return CloudConfig(
            writeFiles: [WriteFile(path: Self.configPath, content: config(for: node))]
                + install.charts.map { WriteFile(path: "\(Self.manifestsFolder)/\($0.file)", content: $0.chart.rendered()) },
            runcmd: [["sh", "-c", externalIP], ["sh", "-c", installRKE2]])
    }

    /// The file in the manifests folder holding Rancher's TLS Secrets (`tls: private`).
    public static let tlsManifestFile = "drover-rancher-tls.yaml"

    /// The script a VM extension runs (in protected settings) once custom data is done: adds the cluster token,
    /// Rancher's bootstrap password and, with `tls: private`, Rancher's certificate, key and CA, then starts the RKE2
    /// server. Running it twice changes nothing; running it with a renewed certificate replaces the Secret.
    ///
    /// The TLS Secrets go into RKE2's manifests folder rather than through `kubectl apply` after start: the script
    /// runs before RKE2 does, and RKE2's deploy controller applies every file there at start and again whenever one
    /// changes (docs.rke2.io, "Auto-Deploying Manifests"), so the Secrets exist before the Rancher HelmChart installs
    /// and a renewed certificate reaches the cluster by rewriting the file.
    public func secretsScript(token: String, bootstrapPassword: String, tls: RancherTLSMaterial? = nil) -> String {
        LinuxScript(log: "/var/log/drover-rke2-server.log") {
            LinuxScript.waitForCloudInit
            "grep -q '^token:' \(Self.configPath) || printf 'token: %s\\n' \(POSIXShell.quote(token)) >> \(Self.configPath)"
            LinuxScript.writeFile("\(Self.manifestsFolder)/drover-rancher-values.yaml", install.valuesSecret(bootstrapPassword: bootstrapPassword))
            if let tls { LinuxScript.writeFile("\(Self.manifestsFolder)/\(Self.tlsManifestFile)", tls.secretsManifest) }
            "systemctl enable --now rke2-server.service"
        }.text
    }
}

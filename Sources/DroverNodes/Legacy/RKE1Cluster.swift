/// One node of the Rancher 2.3 server cluster, as RKE1's `cluster.yml` lists it.
public struct RKE1Node: Codable, Sendable, Equatable {
    /// The public address RKE connects to over SSH.
    public var address: String
    /// The private address in the VNet.
    public var internalAddress: String
    /// The node's single role (the seed gave each node one).
    public var role: AgentRole

    /// Creates a node.
    public init(address: String, internalAddress: String, role: AgentRole) {
        self.address = address
        self.internalAddress = internalAddress
        self.role = role
    }
}

/// The Rancher 2.3 server cluster of the seed: Docker 18.09 by cloud-init, Kubernetes by `rke up`, Tiller as an
/// RKE addon, then the Helm 2 sequence for cert-manager and Rancher (pipeline stages 2 and 3, profile `rancher-2.3`).
public struct RKE1ServerCluster: Sendable {
    /// The nodes (etcd, controlplane, worker).
    public var nodes: [RKE1Node]
    /// The SSH user (the VM admin).
    public var user: String
    /// The private key RKE uses.
    public var sshKeyPath: String
    /// The RKE1 Kubernetes version, such as `v1.15.4-rancher1-1`.
    public var kubernetesVersion: String
    /// The Docker version the install script installs (`18.09`).
    public var dockerVersion: String
    /// The Rancher install.
    public var install: RancherInstall

    /// Creates the cluster.
    public init(
        nodes: [RKE1Node], user: String, sshKeyPath: String, kubernetesVersion: String, dockerVersion: String = defaultDockerVersion,
        install: RancherInstall
    ) {
        self.nodes = nodes
        self.user = user
        self.sshKeyPath = sshKeyPath
        self.kubernetesVersion = kubernetesVersion
        self.dockerVersion = dockerVersion
        self.install = install
    }

    /// The Docker version the seed installed on every RKE1 node.
    public static let defaultDockerVersion = "18.09"

    /// The seed's `cloud-init.template`: Docker from Rancher's install-docker script, the admin user in the docker
    /// group. The seed's `repo_update`/`repo_upgrade` (Amazon Linux keys Ubuntu ignores) are written as the
    /// `package_update`/`package_upgrade` they meant. `joinCommand` is the seed's `additionalCommand`.
    public static func dockerCloudConfig(dockerVersion: String, user: String, joinCommand: String? = nil) -> CloudConfig {
        var runcmd = [["sh", "-c", "curl https://releases.rancher.com/install-docker/\(dockerVersion).sh | sh && sudo usermod -a -G docker \(POSIXShell.quote(user))"]]
        if let joinCommand { runcmd.append(["sh", "-c", joinCommand]) }
        return CloudConfig(packageUpdate: true, packageUpgrade: true, runcmd: runcmd)
    }

    /// Custom data of every server node.
    public var customData: CloudConfig { Self.dockerCloudConfig(dockerVersion: dockerVersion, user: user) }

    /// The Tiller service account and its cluster-admin binding, installed by RKE as an addon (the seed's `addons`).
    public static let tillerAddon: String = [
        YAMLValue.object([
            "apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": "tiller", "namespace": "kube-system"],
        ]),
        YAMLValue.object([
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": ["name": "tiller"],
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"],
            "subjects": [["kind": "ServiceAccount", "name": "tiller", "namespace": "kube-system"]],
        ]),
    ].map { "---\n" + $0.yaml }.joined()

    /// RKE1's `cluster.yml` for `rke up`.
    public var clusterFile: String {
        YAMLValue.object([
            "nodes": .list(nodes.map { node in
                [
                    "address": .string(node.address), "internal_address": .string(node.internalAddress), "user": .string(user),
                    "role": [.string(node.role.rawValue)], "ssh_key_path": .string(sshKeyPath),
                ]
            }),
            "kubernetes_version": .string(kubernetesVersion),
            "addons": .string(Self.tillerAddon),
        ]).yaml
    }

    /// The kubeconfig `rke up` writes beside `cluster.yml`.
    public static let kubeconfigFile = "kube_config_cluster.yml"

    /// The Rancher release's flags after `--name`: namespace, the seed's `--set` values, timeout and kubeconfig.
    private var rancherFlags: [String] {
        var flags = ["--namespace", "cattle-system", "--set", "hostname=\(install.hostname)"]
        if case .letsEncrypt(let email, let environment) = install.tls {
            flags += ["--set", "ingress.tls.source=letsEncrypt", "--set", "letsEncrypt.email=\(email)", "--set", "letsEncrypt.environment=\(environment)"]
        }
        return flags + ["--set", "auditLog.level=1", "--set", "addLocal=true", "--timeout", "600", "--wait", "--kubeconfig", Self.kubeconfigFile]
    }

    /// `helm upgrade` of the Rancher release to this cluster's version and values (Helm 2 upgrades in place).
    public var rancherUpgradeCommand: [String] {
        ["helm", "upgrade", "rancher", "rancher-latest/rancher", "--version", install.rancherVersion] + rancherFlags
    }

    /// The Helm 2 sequence of the seed and of Rancher 2.3's install docs, as argument lists run in order.
    public var helmCommands: [[String]] {
        let kube = ["--kubeconfig", Self.kubeconfigFile]
        let minor = install.certManagerVersion.dropFirst(install.certManagerVersion.hasPrefix("v") ? 1 : 0).split(separator: ".").prefix(2).joined(separator: ".")
        let rancher = ["helm", "install", "rancher-latest/rancher", "--version", install.rancherVersion, "--name", "rancher"] + rancherFlags
        return [
            ["helm", "init", "--service-account", "tiller", "--wait"] + kube,
            ["kubectl", "apply", "-f", "https://raw.githubusercontent.com/jetstack/cert-manager/release-\(minor)/deploy/manifests/00-crds.yaml"] + kube,
            ["kubectl", "create", "namespace", "cert-manager"] + kube,
            ["kubectl", "label", "namespace", "cert-manager", "certmanager.k8s.io/disable-validation=true"] + kube,
            ["helm", "repo", "add", "jetstack", "https://charts.jetstack.io"],
            ["helm", "repo", "add", "rancher-latest", "https://releases.rancher.com/server-charts/latest"],
            ["helm", "repo", "update"],
            ["helm", "install", "jetstack/cert-manager", "--name", "cert-manager", "--namespace", "cert-manager", "--version", install.certManagerVersion, "--wait"] + kube,
            rancher,
        ]
    }
}

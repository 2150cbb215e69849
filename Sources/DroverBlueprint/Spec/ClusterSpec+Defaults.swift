extension ClusterSpec {
    /// The spec with nothing written: the seed article's topology on the given profile.
    ///
    /// Resource groups, regions, networks, VM size, node names and the flannel settings are the seed's
    /// (`cattle-drive`); the admin user is the one its Windows prompt shows. TLS is Drover's private CA on current and
    /// Rancher's own CA on rancher-2.3, never Let's Encrypt staging, which no agent trusts (rancher/rancher#19832).
    public static func defaults(for profile: Profile) -> ClusterSpec {
        let legacy = profile == .rancher23
        return ClusterSpec(
            profile: profile,
            azure: AzureSettings(subscriptionId: "", tenantId: "", sku: .standard),
            admin: AdminSettings(
                username: "iamsuperman", sshPublicKeyPath: "~/.ssh/id_rsa.pub", sshPrivateKeyPath: "~/.ssh/id_rsa",
                windowsPassword: nil),
            rancher: RancherSettings(
                resourceGroup: "cattle-drive-rancher", location: "eastus2", dnsLabel: "cattle-drive-rancher",
                version: legacy ? "v2.3.0" : "v2.14.0",
                // Rancher 2.3's install docs pinned cert-manager v0.9.1 (Helm 2); 1.20 is the 2026 line (peers.md).
                kubernetesVersion: legacy ? "v1.15.4-rancher1-1" : "v1.34.2+rke2r1", certManagerVersion: legacy ? "v0.9.1" : "v1.20.0",
                servers: legacy ? 3 : 1, vmSize: "Standard_D2s_v3",
                network: NetworkSettings(vnet: "10.0.0.0/16", subnet: "10.0.1.0/24"), tls: legacy ? .rancher : .private,
                letsEncryptEmail: "admin@example.com", letsEncryptEnvironment: .production),
            cluster: WorkloadClusterSettings(
                name: "windowshybrid", resourceGroup: "cattle-drive-k8s", location: "eastus",
                kubernetesVersion: legacy ? "v1.15.4-rancher1-1" : "v1.34.2+rke2r1",
                network: NetworkSettings(vnet: "10.0.0.0/16", subnet: "10.0.1.0/24"),
                cni: CNISettings(plugin: .flannel, vxlanVNI: 4096, vxlanPort: 4789),
                nodePools: [
                    NodePool(name: "etcd", os: .linux, roles: [.etcd], count: 1, vmSize: "Standard_D2s_v3"),
                    NodePool(name: "control", os: .linux, roles: [.controlplane], count: 1, vmSize: "Standard_D2s_v3"),
                    NodePool(name: "worker", os: .linux, roles: [.worker], count: 1, vmSize: "Standard_D2s_v3"),
                    NodePool(
                        name: "win", os: .windows, roles: [.worker], count: 1, vmSize: "Standard_D2s_v3",
                        windowsVersion: legacy ? .ws2019 : .ws2022),
                ], joinMethod: .vmExtension))
    }
}

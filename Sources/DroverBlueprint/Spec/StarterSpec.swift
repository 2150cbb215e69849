/// The commented `drover.yaml` that `drover init` writes: every field at its default, explained.
public enum StarterSpec {
    /// The starter text for `profile`, naming `sshKey` (public and private key paths) when given.
    public static func text(profile: Profile, sshKey: (publicKey: String, privateKey: String)? = nil) -> String {
        var d = ClusterSpec.defaults(for: profile)
        if let sshKey {
            d.admin.sshPublicKeyPath = sshKey.publicKey
            d.admin.sshPrivateKeyPath = sshKey.privateKey
        }
        let pools = d.cluster.nodePools.map { pool in
            var lines = ["    - name: \(pool.name)", "      os: \(pool.os.rawValue)", "      roles: [\(pool.roles.map(\.rawValue).joined(separator: ", "))]", "      count: \(pool.count)", "      vmSize: \(pool.vmSize)"]
            if let version = pool.windowsVersion { lines.append("      windowsVersion: \"\(version.rawValue)\"   # \(profile.supportedWindowsVersions.map(\.rawValue).joined(separator: " or ")) on this profile") }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
        return """
            # drover.yaml: a Rancher-managed hybrid Linux + Windows cluster on Azure.
            # Every field is optional; what is written here are the defaults. See docs/spec.md.

            # current: RKE2, Standard SKU, Windows Server 2019/2022 on containerd.
            # rancher-2.3: the 2019 stack exactly (RKE1, Helm 2, Docker 18.09); `drover validate` lists what Azure no longer accepts.
            profile: \(profile.rawValue)

            azure:
              subscriptionId: ""    # empty: taken from `az login`
              tenantId: ""
              sku: \(d.azure.sku.rawValue)         # public IPs and load balancer; Basic was retired on 2025-09-30

            admin:
              username: \(d.admin.username)     # Azure refuses admin, administrator, root, user, test, guest, ...
              sshPublicKeyPath: \(d.admin.sshPublicKeyPath)
              sshPrivateKeyPath: \(d.admin.sshPrivateKeyPath)
              # windowsPassword: generated and kept in the state file unless you set one here

            rancher:
              resourceGroup: \(d.rancher.resourceGroup)
              location: \(d.rancher.location)
              dnsLabel: \(d.rancher.dnsLabel)     # Rancher answers on LABEL.LOCATION.cloudapp.azure.com
              version: \(d.rancher.version)
              kubernetesVersion: \(d.rancher.kubernetesVersion)   # \(profile == .current ? "RKE2 on the Rancher servers" : "RKE1 (rke up) on the Rancher nodes")
              certManagerVersion: \(d.rancher.certManagerVersion)
              servers: \(d.rancher.servers)                   # RKE2 servers (1 or 3); rancher-2.3 always has etcd + controlplane + worker
              vmSize: \(d.rancher.vmSize)
              network:
                vnet: \(d.rancher.network.vnet)
                subnet: \(d.rancher.network.subnet)      # Azure keeps the first four and the last address
              tls:
                source: \(d.rancher.tls.rawValue)\(tlsComment(profile))
                email: \(d.rancher.letsEncryptEmail)       # letsEncrypt only: the account for expiry notices
                environment: \(d.rancher.letsEncryptEnvironment.rawValue)    # letsEncrypt only; staging is refused (agents do not trust it) and production shares one rate limit with every cloudapp.azure.com user

            cluster:
              name: \(d.cluster.name)
              resourceGroup: \(d.cluster.resourceGroup)
              location: \(d.cluster.location)
              kubernetesVersion: \(d.cluster.kubernetesVersion)
              joinMethod: \(d.cluster.joinMethod.rawValue)        # or customData: the seed's way (the token then sits in custom data)
              network:
                vnet: \(d.cluster.network.vnet)
                subnet: \(d.cluster.network.subnet)
              cni:
                plugin: \(d.cluster.cni.plugin.rawValue)           # Windows workers need flannel VXLAN (VNI 4096, UDP 4789)\(profile == .current ? " or calico" : "")
                vxlanVNI: \(d.cluster.cni.vxlanVNI)
                vxlanPort: \(d.cluster.cni.vxlanPort)
              nodePools:             # static addresses are taken in order from the subnet's first usable one
            \(pools)

            """
    }

    /// The comment beside `tls.source`: what the default is and what else the profile accepts.
    private static func tlsComment(_ profile: Profile) -> String {
        switch profile {
        case .current: return "           # Drover's own CA, pinned by Drover and the agents (CA written to .drover/rancher-ca.pem); or letsEncrypt (production)"
        case .rancher23: return "           # Rancher's own CA, fetched over SSH and pinned by checksum; or letsEncrypt (production)"
        }
    }
}

/// Everything `drover.yaml` says, with every default filled in.
public struct ClusterSpec: Sendable, Equatable {
    /// Which stack to build.
    public var profile: Profile
    /// Azure account settings.
    public var azure: AzureSettings
    /// The administrator account on every VM.
    public var admin: AdminSettings
    /// The Rancher server and its infrastructure.
    public var rancher: RancherSettings
    /// The hybrid workload cluster Rancher manages.
    public var cluster: WorkloadClusterSettings
}

/// Azure account settings; empty values are taken from the Azure CLI login at apply time.
public struct AzureSettings: Sendable, Equatable {
    /// The subscription to build in.
    public var subscriptionId: String
    /// The Entra ID tenant.
    public var tenantId: String
    /// The SKU of public IPs and the load balancer.
    public var sku: AzureSKU
}

/// The VM administrator account.
public struct AdminSettings: Sendable, Equatable {
    /// The administrator user name on every VM.
    public var username: String
    /// The SSH public key installed on Linux VMs.
    public var sshPublicKeyPath: String
    /// The SSH private key Drover uses to reach Linux VMs.
    public var sshPrivateKeyPath: String
    /// The Windows administrator password; generated and kept in state when empty.
    public var windowsPassword: String?
}

/// An address space and the one subnet in it.
public struct NetworkSettings: Sendable, Equatable {
    /// The virtual network's CIDR.
    public var vnet: String
    /// The subnet's CIDR, inside `vnet`.
    public var subnet: String

    /// Creates network settings.
    public init(vnet: String, subnet: String) {
        self.vnet = vnet
        self.subnet = subnet
    }
}

/// The Rancher server.
public struct RancherSettings: Sendable, Equatable {
    /// Resource group for the Rancher servers.
    public var resourceGroup: String
    /// Azure region.
    public var location: String
    /// The DNS label of the load balancer: `LABEL.LOCATION.cloudapp.azure.com`.
    public var dnsLabel: String
    /// The Rancher version installed.
    public var version: String
    /// Kubernetes on the Rancher servers: an RKE2 release on current, an RKE1 Kubernetes version on rancher-2.3.
    public var kubernetesVersion: String
    /// The cert-manager chart version installed before Rancher.
    public var certManagerVersion: String
    /// RKE2 server count (profile current); the 2.3 profile always has one etcd, one controlplane and one worker.
    public var servers: Int
    /// VM size of the Rancher nodes.
    public var vmSize: String
    /// The network of the Rancher resource group.
    public var network: NetworkSettings
    /// Where the TLS certificate comes from.
    public var tls: TLSSource
    /// The Let's Encrypt account e-mail.
    public var letsEncryptEmail: String
    /// The Let's Encrypt environment.
    public var letsEncryptEnvironment: LetsEncryptEnvironment

    /// The fully qualified name Rancher answers on.
    public var fqdn: String { "\(dnsLabel).\(location).cloudapp.azure.com" }
}

/// The workload cluster.
public struct WorkloadClusterSettings: Sendable, Equatable {
    /// The cluster's name in Rancher.
    public var name: String
    /// Resource group for the cluster's nodes.
    public var resourceGroup: String
    /// Azure region.
    public var location: String
    /// The Kubernetes version (RKE2 release on current, RKE1 Kubernetes on rancher-2.3).
    public var kubernetesVersion: String
    /// The network of the cluster resource group.
    public var network: NetworkSettings
    /// The container network.
    public var cni: CNISettings
    /// The groups of nodes.
    public var nodePools: [NodePool]
    /// How nodes receive their registration command.
    public var joinMethod: JoinMethod
}

/// The container network of the workload cluster.
public struct CNISettings: Sendable, Equatable {
    /// The plugin.
    public var plugin: CNIPlugin
    /// The VXLAN network identifier flannel uses (Windows requires 4096).
    public var vxlanVNI: Int
    /// The VXLAN UDP port (Windows requires 4789).
    public var vxlanPort: Int
}

/// A group of identical nodes.
public struct NodePool: Sendable, Equatable {
    /// The pool's name; VMs are called `NAME-INDEX-vm`.
    public var name: String
    /// The operating system.
    public var os: NodeOS
    /// The Kubernetes roles (Windows: worker only).
    public var roles: [NodeRole]
    /// How many nodes.
    public var count: Int
    /// The Azure VM size.
    public var vmSize: String
    /// The Windows Server version, for Windows pools.
    public var windowsVersion: WindowsVersion?
    /// The first static private address; when absent, pools take consecutive addresses from the subnet's first usable one.
    public var firstAddress: String?

    /// Creates a node pool.
    public init(
        name: String, os: NodeOS, roles: [NodeRole], count: Int, vmSize: String, windowsVersion: WindowsVersion? = nil,
        firstAddress: String? = nil
    ) {
        self.name = name
        self.os = os
        self.roles = roles
        self.count = count
        self.vmSize = vmSize
        self.windowsVersion = windowsVersion
        self.firstAddress = firstAddress
    }

    /// The VM name of node `index`.
    public func vmName(_ index: Int) -> String { "\(name)-\(index)-vm" }
}

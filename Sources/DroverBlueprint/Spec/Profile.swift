/// The two stacks Drover can build, as profiles of one spec.
public enum Profile: String, Sendable, Codable, CaseIterable {
    /// Today's stack: RKE2, Standard SKU, Windows Server 2019/2022 on containerd.
    case current
    /// The 2019 stack of the original article exactly: RKE1, Helm 2 with Tiller, Docker 18.09, Windows build 17763.
    case rancher23 = "rancher-2.3"

    /// The Windows Server versions this profile can build workers from.
    public var supportedWindowsVersions: [WindowsVersion] {
        switch self {
        case .current: return [.ws2019, .ws2022]
        case .rancher23: return [.ws2019]
        }
    }

    /// The CNIs this profile can give a cluster with Windows workers.
    public var windowsCNIs: [CNIPlugin] {
        switch self {
        case .current: return [.flannel, .calico]
        case .rancher23: return [.flannel]
        }
    }
}

/// A Windows Server release a worker can run.
public enum WindowsVersion: String, Sendable, Codable, CaseIterable {
    /// Windows Server 2019 (1809), build 17763.
    case ws2019 = "2019"
    /// Windows Server 2022, build 20348.
    case ws2022 = "2022"
    /// Windows Server 2025, build 26100; refused, see `refusal`.
    case ws2025 = "2025"

    /// The OS build number container images must match.
    public var build: Int {
        switch self {
        case .ws2019: return 17763
        case .ws2022: return 20348
        case .ws2025: return 26100
        }
    }
}

/// The container network plugins Drover configures.
public enum CNIPlugin: String, Sendable, Codable, CaseIterable {
    /// flannel with the VXLAN backend (what Windows workers need on RKE1; one of two on RKE2).
    case flannel
    /// Calico (RKE2 only for Windows workers).
    case calico
    /// Canal, RKE2's default; it does not support Windows.
    case canal
}

/// Where Rancher's TLS certificate comes from.
public enum TLSSource: String, Sendable, Codable, CaseIterable {
    /// Drover's own CA (`local.rancher_tls`) issues Rancher's serving certificate; Drover and the agents pin that CA.
    /// The default on profile current.
    case `private`
    /// Let's Encrypt, through cert-manager (production only: agents refuse staging certificates).
    case letsEncrypt
    /// Rancher's own self-signed CA, fetched over SSH and pinned by checksum; the default on rancher-2.3.
    case rancher
}

/// Which Let's Encrypt endpoint issues the certificate.
public enum LetsEncryptEnvironment: String, Sendable, Codable, CaseIterable {
    /// Untrusted test certificates: refused by validation, since no agent trusts them (rancher/rancher#19832).
    case staging
    /// Trusted certificates, rate-limited per registered domain: the default.
    case production
}

/// The Azure SKU of public IPs and the load balancer.
public enum AzureSKU: String, Sendable, Codable, CaseIterable {
    /// Standard: the only SKU Azure still creates.
    case standard = "Standard"
    /// Basic: retired by Azure on 2025-09-30 (no new ones since 2025-03-31).
    case basic = "Basic"
}

/// A Kubernetes role a Linux node plays.
public enum NodeRole: String, Sendable, Codable, CaseIterable {
    case etcd
    case controlplane
    case worker
}

/// How workload cluster nodes receive their registration command.
public enum JoinMethod: String, Sendable, Codable, CaseIterable {
    /// A VM extension with the command in protected settings, run once the token exists; VMs are created early.
    case vmExtension = "extension"
    /// The command inside the VM's custom data, as the seed did: VMs wait for the token, and the token sits in
    /// custom data, which Azure says must not hold secrets.
    case customData
}

/// A node's operating system.
public enum NodeOS: String, Sendable, Codable, CaseIterable {
    case linux
    case windows
}

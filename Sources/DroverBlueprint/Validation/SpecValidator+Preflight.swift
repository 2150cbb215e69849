import Foundation

/// How the validator reads files a spec names; tests inject their own so no home folder is needed.
public struct SpecFiles: Sendable {
    /// The contents of a path (`~/` already expanded), or why it cannot be read.
    public var read: @Sendable (String) -> Result<Data, LocalFileError>
    /// The home folder `~/` stands for.
    public var home: String

    /// Creates a file reader.
    public init(home: String, read: @escaping @Sendable (String) -> Result<Data, LocalFileError>) {
        self.home = home
        self.read = read
    }

    /// The local file system and `HOME`.
    public static let local = SpecFiles(home: ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) {
        LocalFile.contents($0, limit: 65_536)
    }
}

extension SpecValidator {
    /// The most workload nodes one spec may ask for.
    public static let maxNodes = 1_000

    /// The pod and service ranges RKE2 and RKE1 give a cluster by default (`cluster-cidr`, `service-cidr`).
    static let clusterRanges = [("pod", "10.42.0.0/16"), ("service", "10.43.0.0/16")]

    // MARK: Size

    /// Whether the node count is sane; reports it when not.
    func checkNodeCount(_ spec: ClusterSpec, _ check: inout Checker) -> Bool {
        let total = spec.cluster.nodePools.reduce(0) { $0 + $1.count }
        guard total > Self.maxNodes else { return true }
        check.error("cluster.nodePools", "the pools ask for \(total) nodes; Drover builds at most \(Self.maxNodes) per cluster", fix: "lower the pools' counts, or split the workload into several clusters")
        return false
    }

    // MARK: Address ranges (pods cannot reach nodes whose addresses fall inside the pod or service range)

    func checkClusterRanges(_ path: String, vnet: IPv4Network?, subnet: IPv4Network?, _ check: inout Checker) {
        guard let space = vnet ?? subnet else { return }
        let clashes = Self.clusterRanges.compactMap { kind, text -> String? in
            guard let range = try? IPv4Network.parse(text).get(), range.contains(space.base) || space.contains(range.base) else { return nil }
            return "\(kind) range \(range)"
        }
        guard !clashes.isEmpty else { return }
        check.error(
            vnet == nil ? "\(path).subnet" : "\(path).vnet",
            "\(space) overlaps the cluster's \(clashes.joined(separator: " and ")) (the RKE2 and RKE1 defaults); pods could not reach the nodes",
            fix: "choose an address space outside 10.42.0.0/16 and 10.43.0.0/16, such as 10.0.0.0/16")
    }

    // MARK: Versions, per profile (peers.md §0: Rancher 2.13/2.14 line, Flannel on Windows from v1.29.2+rke2r1;
    // the rancher-2.3 profile is the 2019 stack: Rancher 2.3 with RKE1 Kubernetes 1.13–1.16)

    func checkVersions(_ spec: ClusterSpec, _ check: inout Checker) {
        let kubernetes = [("rancher.kubernetesVersion", spec.rancher.kubernetesVersion), ("cluster.kubernetesVersion", spec.cluster.kubernetesVersion)]
        for (path, version) in kubernetes {
            switch spec.profile {
            case .current:
                let supported = numbers(version, pattern: #"^v1\.(\d+)\.(\d+)\+rke2r(\d+)$"#).map { ($0[0], $0[1]) >= (29, 2) } ?? false
                if !supported {
                    check.error(path, "`\(version.prefix(40))` is not an RKE2 release profile current supports", fix: "write an RKE2 release v1.29.2+rke2r1 or later, in the form v1.34.2+rke2r1")
                }
            case .rancher23:
                let supported = numbers(version, pattern: #"^v1\.(\d+)\.(\d+)-rancher(\d+)-(\d+)$"#).map { (13...16).contains($0[0]) } ?? false
                if !supported {
                    check.error(path, "`\(version.prefix(40))` is not an RKE1 Kubernetes version Rancher 2.3 deploys", fix: "write v1.13.x to v1.16.x in RKE1's form, such as v1.15.4-rancher1-1")
                }
            }
        }
        let rancher = numbers(spec.rancher.version, pattern: #"^v2\.(\d+)\.(\d+)$"#)
        switch (spec.profile, rancher?[0]) {
        case (.current, let minor?) where minor >= 13:
            if minor > 14 { check.warning("rancher.version", "Rancher \(spec.rancher.version) is newer than the 2.13 and 2.14 lines this Drover release knows", fix: "use v2.14.x unless you have tested this release") }
        case (.rancher23, 3?): break
        default:
            let supported = spec.profile == .current ? "v2.13.x or v2.14.x, such as v2.14.0" : "v2.3.x, such as v2.3.0"
            check.error("rancher.version", "`\(spec.rancher.version.prefix(40))` is not a Rancher version profile \(spec.profile.rawValue) supports", fix: "write \(supported)")
        }
        if numbers(spec.rancher.certManagerVersion, pattern: #"^v(\d+)\.(\d+)\.(\d+)$"#) == nil {
            check.error("rancher.certManagerVersion", "`\(spec.rancher.certManagerVersion.prefix(40))` is not a cert-manager chart version", fix: "write vMAJOR.MINOR.PATCH, such as \(ClusterSpec.defaults(for: spec.profile).rancher.certManagerVersion)")
        }
    }

    /// The numbers captured by `pattern` in `text` (none when it captures nothing), or nil when it does not match.
    private func numbers(_ text: String, pattern: String) -> [Int]? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        return (1..<match.numberOfRanges).compactMap { Range(match.range(at: $0), in: text).flatMap { Int(text[$0]) } }
    }

    // MARK: Azure values (azure-api.md §6.1 hardwareProfile.vmSize such as Standard_B2s; subscription ids are GUIDs)

    func checkAzureValues(_ spec: ClusterSpec, _ check: inout Checker) {
        let sizes = [("rancher.vmSize", spec.rancher.vmSize)] + spec.cluster.nodePools.enumerated().map { ("cluster.nodePools[\($0)].vmSize", $1.vmSize) }
        for (path, size) in sizes where numbers(size, pattern: #"^(?:Standard|Basic)_[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*$"#) == nil {
            check.error(path, "`\(size.prefix(40))` is not an Azure VM size", fix: "write a size name such as Standard_D2s_v3 (`az vm list-sizes --location LOCATION` lists them)")
        }
        let guid = #"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"#
        if !spec.azure.subscriptionId.isEmpty, numbers(spec.azure.subscriptionId, pattern: guid) == nil {
            check.error("azure.subscriptionId", "`\(spec.azure.subscriptionId.prefix(40))` is not a subscription id", fix: "write the GUID `az account show --query id` prints, or leave it empty to use the Azure CLI's current subscription")
        }
        // A tenant is a GUID or a domain name (azure-api.md §2: token endpoint `tenant`).
        let tenant = spec.azure.tenantId
        if !tenant.isEmpty, numbers(tenant, pattern: guid) == nil, numbers(tenant, pattern: #"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$"#) == nil {
            check.error("azure.tenantId", "`\(tenant.prefix(40))` is neither a tenant GUID nor a domain name", fix: "write the GUID `az account show --query tenantId` prints, or leave it empty")
        }
    }

    // MARK: SSH public key (azure-api.md §6.1: `ssh.publicKeys[].keyData` holds the key; RSA is accepted everywhere)

    func checkSSHKey(_ spec: ClusterSpec, _ check: inout Checker) {
        let written = spec.admin.sshPublicKeyPath
        guard !written.isEmpty else { return }
        let path = LocalFile.expandingHome(written, home: files.home)
        let data: Data
        switch files.read(path) {
        case .success(let contents): data = contents
        case .failure(let error):
            let fix = error.kind == .missing
                ? "create one with `ssh-keygen -t ed25519 -f \(written.hasSuffix(".pub") ? String(written.dropLast(4)) : written)`, point admin.sshPublicKeyPath at an existing .pub file, or start from `drover init`, which makes a key pair for the cluster"
                : "point admin.sshPublicKeyPath at an OpenSSH public key file"
            check.error("admin.sshPublicKeyPath", "the SSH public key \(path) cannot be read: \(error.reason)", fix: fix)
            return
        }
        let words = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        let types = ["ssh-rsa", "ssh-ed25519"]
        guard words.count >= 2, let blob = Data(base64Encoded: String(words[1])), blob.count > 4,
            let type = Self.keyType(in: blob), type == words[0]
        else {
            let hint = words.first.map { $0.hasPrefix("-----") } == true ? " (it looks like a private key or PEM file)" : ""
            check.error("admin.sshPublicKeyPath", "\(path) is not an OpenSSH public key\(hint)", fix: "use the .pub file ssh-keygen wrote, one line like `ssh-rsa AAAA… comment`")
            return
        }
        if !types.contains(type) {
            check.error("admin.sshPublicKeyPath", "\(path) is a \(type) key; Azure Linux VMs take RSA (or Ed25519) keys", fix: "create an RSA key with `ssh-keygen -t rsa -b 4096`")
        }
    }

    /// The key type named inside an OpenSSH public key blob (a length-prefixed string).
    private static func keyType(in blob: Data) -> String? {
        let bytes = [UInt8](blob)
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard length > 0, length <= bytes.count - 4 else { return nil }
        return String(bytes: bytes[4..<(4 + length)], encoding: .utf8)
    }
}

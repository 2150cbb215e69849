/// Checks a spec before anything is created and collects every problem, each with its position and fix.
///
/// The rules encode what Azure and Rancher would otherwise refuse halfway through a run (facts cited per rule
/// from `reference/azure-api.md`, `reference/rancher-api.md` and `reference/peers.md`).
public struct SpecValidator: Sendable {
    /// How files the spec names are read (the SSH public key).
    public var files: SpecFiles

    /// Creates a validator reading named files with `files`.
    public init(files: SpecFiles = .local) { self.files = files }

    /// User names Azure refuses for VM administrators (OSProfile.adminUsername in the Compute spec).
    public static let disallowedAdminNames: Set<String> = [
        "administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a",
        "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server",
        "sql", "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5",
    ]

    /// Passwords Azure refuses outright (OSProfile.adminPassword in the Compute spec).
    public static let disallowedPasswords: Set<String> = [
        "abc@123", "P@$$w0rd", "P@ssw0rd", "P@ssword123", "Pa$$word", "pass@word1", "Password!", "Password1",
        "Password22", "iloveyou!",
    ]

    /// Every problem in `spec`; `positions` (from `SpecLoader`) locates them in `file`.
    public func validate(_ spec: ClusterSpec, positions: [String: SourcePosition], file: String) -> [Diagnostic] {
        var check = Checker(file: file, positions: positions)
        // An absurd node count is refused before anything walks the nodes.
        guard checkNodeCount(spec, &check) else { return check.diagnostics }
        checkNetworks(spec, &check)
        checkNames(spec, &check)
        checkAdmin(spec, &check)
        checkTopology(spec, &check)
        checkNetworking(spec, &check)
        checkLegacy(spec, &check)
        checkTLS(spec, &check)
        checkJoinMethod(spec, &check)
        checkVersions(spec, &check)
        checkAzureValues(spec, &check)
        checkSSHKey(spec, &check)
        return check.diagnostics.ordered
    }

    struct Checker {
        let file: String
        let positions: [String: SourcePosition]
        var diagnostics: [Diagnostic] = []

        /// The position of `path`, or of its nearest written parent, or the file's start.
        func position(_ path: String) -> SourcePosition {
            var current = path
            while !current.isEmpty {
                if let found = positions[current] { return found }
                if let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) {
                    current = String(current[..<cut])
                } else {
                    break
                }
            }
            return positions[current] ?? SourcePosition(line: 1, column: 1)
        }

        mutating func error(_ path: String, _ message: String, fix: String? = nil) {
            add(.error, path, message, fix)
        }

        mutating func warning(_ path: String, _ message: String, fix: String? = nil) {
            add(.warning, path, message, fix)
        }

        private mutating func add(_ severity: Diagnostic.Severity, _ path: String, _ message: String, _ fix: String?) {
            let at = position(path)
            diagnostics.append(Diagnostic(severity, file: file, line: at.line, column: at.column, path: path, message: message, fix: fix))
        }
    }

    // MARK: Networks: CIDR syntax and containment, static addresses (azure-api.md §5.2 "Reserved addresses")

    private func checkNetworks(_ spec: ClusterSpec, _ check: inout Checker) {
        for (path, network, nodes) in [
            ("rancher.network", spec.rancher.network, spec.rancherNodes), ("cluster.network", spec.cluster.network, spec.clusterNodes),
        ] {
            let vnet = parse(network.vnet, "\(path).vnet", &check)
            let subnet = parse(network.subnet, "\(path).subnet", &check)
            checkClusterRanges(path, vnet: vnet, subnet: subnet, &check)
            guard let subnet else { continue }
            if let vnet, !vnet.contains(subnet) {
                check.error("\(path).subnet", "subnet \(subnet) is not inside the virtual network \(vnet)", fix: "choose a subnet within \(vnet), such as \(vnet.base)/\(min(32, max(vnet.prefix, 24)))")
            }
            guard let usable = subnet.azureAssignable else {
                check.error("\(path).subnet", "subnet \(subnet) is smaller than Azure's minimum /29", fix: "use a prefix of /29 or shorter, such as /24")
                continue
            }
            let first = IPv4Address(usable.lowerBound), last = IPv4Address(usable.upperBound)
            var seen: [IPv4Address: PlannedNode] = [:]
            // One cause reported once: a pool that runs out of room or collides says so once for all its nodes.
            var repeats = RepeatedErrors()
            for node in nodes {
                let explicit = node.specPath.hasPrefix("cluster.nodePools") && spec.cluster.nodePools.first { $0.name == node.pool }?.firstAddress != nil
                let addressPath = explicit ? "\(node.specPath).firstAddress" : node.specPath
                guard let address = node.privateAddress else {
                    if let pool = spec.cluster.nodePools.first(where: { $0.name == node.pool }), let text = pool.firstAddress, IPv4Address(text) == nil {
                        if node.index == 0 { check.error(addressPath, "`\(text)` is not an IPv4 address", fix: "write an address between \(first) and \(last)") }
                    } else {
                        repeats.add("room", node.specPath, "no address left in \(subnet) for \(node.vmName)", fix: "use a larger subnet or fewer nodes")
                    }
                    continue
                }
                if !usable.contains(address.value), !explicit {
                    repeats.add("room", addressPath, "\(subnet) has no usable address left for \(node.vmName)", fix: "Azure can assign \(first) to \(last) there: use a larger subnet or fewer nodes")
                } else if !usable.contains(address.value) {
                    let reserved = subnet.contains(address)
                    repeats.add(reserved ? "reserved" : "outside", addressPath,
                        reserved
                            ? "\(node.vmName) would get \(address), which Azure reserves (the first four and the last address of every subnet)"
                            : "\(node.vmName) would get \(address), which is outside the subnet \(subnet)",
                        fix: "static addresses in \(subnet) must lie between \(first) and \(last)")
                } else if let other = seen[address] {
                    repeats.add("collides with \(other.pool)", addressPath, "\(node.vmName) and \(other.vmName) would both get \(address)", fix: "give the pools' firstAddress values ranges that do not overlap")
                }
                seen[address] = seen[address] ?? node
            }
            repeats.report(into: &check)
        }
    }

    /// Errors about many nodes for one cause, reported once with how many more nodes share it.
    struct RepeatedErrors {
        private var order: [String] = []
        private var entries: [String: (path: String, message: String, fix: String, count: Int)] = [:]

        mutating func add(_ cause: String, _ path: String, _ message: String, fix: String) {
            let key = "\(path)|\(cause)"
            if entries[key] == nil {
                order.append(key)
                entries[key] = (path, message, fix, 0)
            }
            entries[key]!.count += 1
        }

        func report(into check: inout Checker) {
            for key in order {
                let entry = entries[key]!
                let more = entry.count - 1
                check.error(entry.path, entry.message + (more > 0 ? " (and \(more) more node\(more == 1 ? "" : "s") like it)" : ""), fix: entry.fix)
            }
        }
    }

    private func parse(_ text: String, _ path: String, _ check: inout Checker) -> IPv4Network? {
        switch IPv4Network.parse(text) {
        case .success(let network): return network
        case .failure(.syntax):
            check.error(path, "`\(text.prefix(60))` is not an IPv4 CIDR block", fix: "write an address and prefix length, such as 10.0.1.0/24")
        case .failure(.hostBitsSet(let suggestion)):
            check.error(path, "`\(text)` has host bits set", fix: "write \(suggestion)")
        }
        return nil
    }

    // MARK: Names (azure-api.md §6.3 and resource-name-rules; DNS label rule from the issue)

    private func checkNames(_ spec: ClusterSpec, _ check: inout Checker) {
        for (path, group) in [("rancher.resourceGroup", spec.rancher.resourceGroup), ("cluster.resourceGroup", spec.cluster.resourceGroup)] {
            let allowed = group.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || "-_.()".unicodeScalars.contains($0) }
            if group.isEmpty || group.count > 90 || !allowed || group.hasSuffix(".") {
                check.error(path, "`\(group.prefix(100))` is not a valid resource group name", fix: "use 1–90 letters, digits, `-`, `_`, `.`, `(` or `)`, not ending in `.`")
            }
        }
        if spec.rancher.resourceGroup.lowercased() == spec.cluster.resourceGroup.lowercased() {
            check.error("cluster.resourceGroup", "the cluster and Rancher share the resource group `\(spec.cluster.resourceGroup)`", fix: "give the workload cluster its own group so that destroying one leaves the other")
        }
        for (path, location) in [("rancher.location", spec.rancher.location), ("cluster.location", spec.cluster.location)] {
            if location.isEmpty || !location.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }) {
                check.error(path, "`\(location.prefix(60))` is not an Azure region name", fix: "write a region such as eastus or westeurope (lowercase, no spaces)")
            }
        }
        if !matches(spec.rancher.dnsLabel, first: { $0.isLowercase }, middle: { $0.isLowercase || $0.isNumber || $0 == "-" }, last: { $0.isLowercase || $0.isNumber }, length: 3...63) {
            check.error("rancher.dnsLabel", "`\(spec.rancher.dnsLabel.prefix(80))` is not a valid Azure DNS label", fix: "use 3–63 lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit")
        }
        if spec.cluster.name.isEmpty || spec.cluster.name.count > 63
            || !spec.cluster.name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) || spec.cluster.name.hasPrefix("-") || spec.cluster.name.hasSuffix("-")
        {
            check.error("cluster.name", "`\(spec.cluster.name.prefix(80))` is not a valid cluster name", fix: "use 1–63 lowercase letters, digits and hyphens, not starting or ending with a hyphen")
        }
        var poolNames: [String: Int] = [:]
        for (index, pool) in spec.cluster.nodePools.enumerated() {
            let path = "cluster.nodePools[\(index)].name"
            if let earlier = poolNames[pool.name] {
                check.error(path, "node pool name `\(pool.name)` is already used by cluster.nodePools[\(earlier)]", fix: "give every pool a different name")
            }
            poolNames[pool.name] = poolNames[pool.name] ?? index
            let host = pool.vmName(max(0, pool.count - 1))
            if !matches(pool.name, first: { $0.isLowercase }, middle: { $0.isLowercase || $0.isNumber || $0 == "-" }, last: { $0.isLowercase || $0.isNumber }, length: 1...50) {
                check.error(path, "`\(pool.name.prefix(60))` is not a valid node pool name", fix: "use lowercase letters, digits and hyphens, starting with a letter")
            } else if pool.os == .windows, host.count > 15 {
                check.error(path, "Windows computer name `\(host)` is \(host.count) characters; Windows allows at most 15", fix: "shorten the pool name to at most \(max(1, 15 - (host.count - pool.name.count))) characters")
            } else if host.count > 64 {
                check.error(path, "VM name `\(host)` is longer than Azure's 64 characters", fix: "shorten the pool name")
            }
        }
    }

    private func matches(_ text: String, first: (Character) -> Bool, middle: (Character) -> Bool, last: (Character) -> Bool, length: ClosedRange<Int>) -> Bool {
        guard length.contains(text.count), let f = text.first, let l = text.last, text.allSatisfy(\.isASCII) else { return false }
        return first(f) && last(l) && text.allSatisfy(middle)
    }

    // MARK: Administrator (azure-api.md §6.3: OSProfile adminUsername / adminPassword)

    private func checkAdmin(_ spec: ClusterSpec, _ check: inout Checker) {
        let name = spec.admin.username
        let hasWindows = spec.cluster.nodePools.contains { $0.os == .windows && $0.count > 0 }
        if Self.disallowedAdminNames.contains(name.lowercased()) {
            check.error("admin.username", "Azure refuses `\(name)` as an administrator name", fix: "choose another name, such as `rancheradmin`")
        } else if name.isEmpty || name.count > (hasWindows ? 20 : 64) || name.hasSuffix(".")
            || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        {
            check.error("admin.username", "`\(name.prefix(80))` is not a valid administrator name", fix: "use 1–\(hasWindows ? 20 : 64) letters, digits, `-`, `_` or `.`, not ending in `.`\(hasWindows ? " (Windows allows 20)" : "")")
        }
        if let password = spec.admin.windowsPassword {
            let classes = [
                password.contains { $0.isLowercase }, password.contains { $0.isUppercase }, password.contains { $0.isNumber },
                password.contains { !$0.isLetter && !$0.isNumber },
            ].filter { $0 }.count
            if Self.disallowedPasswords.contains(password) {
                check.error("admin.windowsPassword", "Azure refuses this well-known password", fix: "remove the field to have Drover generate one")
            } else if !(12...123).contains(password.count) || classes < 3 {
                check.error("admin.windowsPassword", "the password does not meet Azure's complexity rule", fix: "use 12–123 characters with at least three of: lowercase, uppercase, digit, symbol; or remove the field to have one generated")
            }
        }
        for (path, value) in [("admin.sshPublicKeyPath", spec.admin.sshPublicKeyPath), ("admin.sshPrivateKeyPath", spec.admin.sshPrivateKeyPath)] where value.isEmpty {
            check.error(path, "an SSH key path is required to reach the Linux nodes", fix: "point it at a key pair, such as ~/.ssh/id_rsa")
        }
    }

    // MARK: Topology (rancher-api.md §5: Windows nodes are workers; etcd quorum)

    private func checkTopology(_ spec: ClusterSpec, _ check: inout Checker) {
        let pools = spec.cluster.nodePools
        for (index, pool) in pools.enumerated() where pool.os == .windows {
            if pool.roles != [.worker] {
                check.error("cluster.nodePools[\(index)].roles", "Windows nodes can only be workers", fix: "set `roles: [worker]`; etcd and controlplane run on Linux")
            }
            if let version = pool.windowsVersion, !spec.profile.supportedWindowsVersions.contains(version) {
                let supported = spec.profile.supportedWindowsVersions.map { "\($0.rawValue) (build \($0.build))" }.joined(separator: ", ")
                let reason = version == .ws2025
                    ? "Windows Server 2025 (build 26100) is not a supported RKE2 Windows worker OS in this Drover release"
                    : "Windows Server \(version.rawValue) (build \(version.build)) is not supported by profile \(spec.profile.rawValue)"
                check.error("cluster.nodePools[\(index)].windowsVersion", reason, fix: "use \(supported)")
            }
        }
        let windowsWorkers = pools.filter { $0.os == .windows }.map(\.count).reduce(0, +)
        let linuxWorkers = pools.filter { $0.os == .linux && $0.roles.contains(.worker) }.map(\.count).reduce(0, +)
        if windowsWorkers > 0, linuxWorkers == 0 {
            check.error("cluster.nodePools", "Windows workers need at least one Linux worker for the cluster's Linux-only system workloads (DNS, ingress, metrics)", fix: "add a Linux pool with `roles: [worker]`")
        }
        let etcd = pools.filter { $0.roles.contains(.etcd) }.map(\.count).reduce(0, +)
        if etcd == 0 {
            check.error("cluster.nodePools", "the cluster has no etcd node", fix: "add a Linux pool with `roles: [etcd]`")
        } else if etcd % 2 == 0 {
            check.error("cluster.nodePools", "the cluster has \(etcd) etcd nodes; an even count tolerates no more failures than one fewer and can split its quorum", fix: "use an odd number of etcd nodes (1, 3 or 5)")
        }
        if pools.filter({ $0.roles.contains(.controlplane) }).map(\.count).reduce(0, +) == 0 {
            check.error("cluster.nodePools", "the cluster has no controlplane node", fix: "add a Linux pool with `roles: [controlplane]`")
        }
        if spec.profile == .current, spec.rancher.servers % 2 == 0 {
            check.error("rancher.servers", "\(spec.rancher.servers) RKE2 servers run an even-sized etcd", fix: "use 1 or 3 servers")
        }
        if spec.profile == .current, spec.rancher.servers > 3 {
            check.warning("rancher.servers", "more than 3 Rancher servers adds cost without more availability for Rancher itself", fix: "use 3")
        }
    }

    // MARK: Container network (rancher-api.md §4.3; peers.md P2: flannel VXLAN VNI 4096 / UDP 4789 for Windows)

    private func checkNetworking(_ spec: ClusterSpec, _ check: inout Checker) {
        let cni = spec.cluster.cni
        let hasWindows = spec.cluster.nodePools.contains { $0.os == .windows && $0.count > 0 }
        if hasWindows, !spec.profile.windowsCNIs.contains(cni.plugin) {
            let options = spec.profile.windowsCNIs.map(\.rawValue).joined(separator: " or ")
            check.error("cluster.cni.plugin", "\(cni.plugin.rawValue) does not support Windows workers\(cni.plugin == .calico ? " on profile \(spec.profile.rawValue)" : "")", fix: "use \(options)")
        }
        if hasWindows, cni.plugin == .flannel {
            if cni.vxlanVNI != 4096 {
                check.error("cluster.cni.vxlanVNI", "Windows flannel VXLAN requires VNI 4096, not \(cni.vxlanVNI)", fix: "set vxlanVNI: 4096")
            }
            if cni.vxlanPort != 4789 {
                check.error("cluster.cni.vxlanPort", "Windows flannel VXLAN requires UDP port 4789, not \(cni.vxlanPort)", fix: "set vxlanPort: 4789")
            }
        }
    }

    // MARK: What Azure and Rancher no longer accept (azure-api.md §5.3/5.4, rancher-api.md §4.4, peers.md §0)

    private func checkLegacy(_ spec: ClusterSpec, _ check: inout Checker) {
        if spec.azure.sku == .basic {
            let message = "Azure retired Basic public IPs and load balancers on 2025-09-30 (no new ones since 2025-03-31)"
            if spec.profile == .current {
                check.error("azure.sku", message, fix: "set `sku: Standard`")
            } else {
                check.error("azure.sku", message + "; Azure and its simulator refuse new ones", fix: "set `sku: Standard` (the rest of this profile stays as in 2019)")
            }
        }
        guard spec.profile == .rancher23 else { return }
        check.warning("profile", "RKE1 reached end of life on 2025-07-31 and Rancher 2.12+ cannot provision RKE1 clusters; RKE1 Windows support ended in 2022", fix: "today: `profile: current` (RKE2 custom cluster)")
        if spec.cluster.nodePools.contains(where: { $0.os == .windows && $0.count > 0 }) {
            check.warning("cluster.nodePools", "the `2019-Datacenter-with-Containers` Windows image and Docker EE 18.09 this profile uses were removed by Microsoft in 2023", fix: "today: profile current, Windows Server 2022 with containerd")
        }
        check.warning("rancher.version", "Helm 2 and Tiller, which this profile installs Rancher with, are unsupported since 2020", fix: "today: profile current installs the charts as RKE2 HelmChart manifests")
    }

    // MARK: TLS (peers.md P6: Let's Encrypt limits on cloudapp.azure.com; rancher-api.md §6.1: agents verify the CA)

    /// The Rancher issue where agents refuse a Let's Encrypt staging certificate and nodes never join.
    static let stagingIssue = "rancher/rancher#19832"

    private func checkTLS(_ spec: ClusterSpec, _ check: inout Checker) {
        switch spec.rancher.tls {
        case .private:
            // Delivery as the tls-rancher-ingress and tls-ca Secrets rides on RKE2's manifests folder (profile current);
            // 2.3's Helm 2 install has no such step, so Rancher's own CA, fetched over SSH and pinned, serves there.
            if spec.profile == .rancher23 {
                check.error("rancher.tls.source", "`private` delivers the certificate through the RKE2 servers' manifests folder, which profile rancher-2.3 (RKE1, Helm 2) does not have",
                    fix: "use `source: rancher` (Rancher's own CA; Drover fetches it over SSH and pins its checksum)")
            }
        case .rancher:
            return
        case .letsEncrypt:
            checkLetsEncrypt(spec, &check)
        }
    }

    private func checkLetsEncrypt(_ spec: ClusterSpec, _ check: inout Checker) {
        let email = spec.rancher.letsEncryptEmail
        let parts = email.split(separator: "@")
        if parts.count != 2 || !parts[1].contains(".") || email.contains(" ") {
            check.error("rancher.tls.email", "`\(email.prefix(80))` is not an e-mail address", fix: "write the address Let's Encrypt should send expiry notices to")
        }
        switch spec.rancher.letsEncryptEnvironment {
        case .staging:
            // rancher-api.md §6.1: agents verify Rancher's certificate (agent-tls-mode strict from 2.9); a staging
            // certificate chains to a root no trust store holds.
            check.error("rancher.tls.environment",
                "Let's Encrypt staging certificates chain to a root nobody trusts, so the agents on the nodes refuse Rancher's certificate and the cluster never forms (\(Self.stagingIssue))",
                fix: "use `source: private` (the default: Drover's own CA, which Drover and every agent pin), or `environment: production`")
        case .production:
            check.warning("rancher.tls.environment",
                "Let's Encrypt's Certificates per Registered Domain limit counts every \(spec.rancher.location).cloudapp.azure.com name together, shared with all Azure users, so issuance can fail with \"too many certificates already issued for \(spec.rancher.location).cloudapp.azure.com\"",
                fix: "use `source: private` (the default), or a custom domain you own")
        }
    }

    private func checkJoinMethod(_ spec: ClusterSpec, _ check: inout Checker) {
        guard spec.cluster.joinMethod == .customData else { return }
        check.warning(
            "cluster.joinMethod",
            "customData puts the cluster registration token in every VM's custom data, which Azure keeps readable on the VM and in the VM model and says must not hold secrets; VMs also cannot be created until Rancher issues the token",
            fix: "use `joinMethod: extension` (the token goes only into the extension's protected settings)")
    }
}

import Yams

/// Typed reading of YAML nodes with positions and collected problems; the part of `SpecLoader` that walks the tree.
struct NodeReader {
    let file: String
    var diagnostics: [Diagnostic] = []
    var positions: [String: SourcePosition] = [:]

    init(file: String) { self.file = file }

    private mutating func note(_ node: Node, _ path: String) {
        if let mark = node.mark { positions[path] = SourcePosition(line: mark.line, column: mark.column) }
    }

    mutating func problem(_ node: Node?, _ path: String, _ message: String, fix: String? = nil, severity: Diagnostic.Severity = .error) {
        let mark = node?.mark
        diagnostics.append(Diagnostic(severity, file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, path: path, message: message, fix: fix))
    }

    /// An absent or null node means "use the default".
    private func present(_ node: Node?) -> Node? {
        guard let node, node.null == nil else { return nil }
        return node
    }

    mutating func mapping(_ node: Node?, path: String, allowed: [String]) -> [String: Node]? {
        guard let node = present(node) else { return nil }
        note(node, path)
        guard let mapping = node.mapping else {
            problem(node, path, "must be a mapping of fields (\(allowed.joined(separator: ", ")))")
            return nil
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                problem(keyNode, path, "field names must be plain text")
                continue
            }
            let child = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                let suggestion = allowed.min { editDistance($0, key) < editDistance($1, key) }
                problem(keyNode, child, "unknown field `\(key)`",
                    fix: suggestion.map { editDistance($0, key) <= 3 ? "did you mean `\($0)`?" : "known fields: \(allowed.joined(separator: ", "))" })
                continue
            }
            if result[key] != nil {
                problem(keyNode, child, "field `\(key)` is written twice", fix: "keep one of them")
                continue
            }
            if let mark = keyNode.mark { positions[child] = SourcePosition(line: mark.line, column: mark.column) }
            result[key] = value
        }
        return result
    }

    mutating func string(_ node: Node?, path: String) -> String? {
        guard let node = present(node) else { return nil }
        guard let scalar = node.scalar else {
            problem(node, path, "must be a single value, not a list or mapping")
            return nil
        }
        note(node, path)
        return scalar.string
    }

    mutating func int(_ node: Node?, path: String, range: ClosedRange<Int>) -> Int? {
        guard let node = present(node) else { return nil }
        guard let text = string(node, path: path) else { return nil }
        guard let value = node.int ?? Int(text) else {
            problem(node, path, "must be a whole number, not `\(text.prefix(40))`", fix: "write a number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        guard range.contains(value) else {
            problem(node, path, "\(value) is out of range", fix: "write a number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ node: Node?, path: String, as: T.Type) -> T? where T.RawValue == String {
        guard let node = present(node), let text = string(node, path: path) else { return nil }
        if let value = T(rawValue: text) { return value }
        let all = T.allCases.map(\.rawValue)
        if let value = T.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) { return value }
        problem(node, path, "`\(text.prefix(40))` is not one of: \(all.joined(separator: ", "))", fix: "write one of: \(all.joined(separator: ", "))")
        return nil
    }

    mutating func list(_ node: Node?, path: String) -> [Node]? {
        guard let node = present(node) else { return nil }
        note(node, path)
        guard let sequence = node.sequence else {
            problem(node, path, "must be a list")
            return nil
        }
        return Array(sequence)
    }

    // MARK: Sections

    mutating func read(azure node: Node?, into azure: inout AzureSettings) {
        guard let fields = mapping(node, path: "azure", allowed: ["subscriptionId", "tenantId", "sku"]) else { return }
        if let v = string(fields["subscriptionId"], path: "azure.subscriptionId") { azure.subscriptionId = v }
        if let v = string(fields["tenantId"], path: "azure.tenantId") { azure.tenantId = v }
        if let v = choice(fields["sku"], path: "azure.sku", as: AzureSKU.self) { azure.sku = v }
    }

    mutating func read(admin node: Node?, into admin: inout AdminSettings) {
        guard let fields = mapping(node, path: "admin", allowed: ["username", "sshPublicKeyPath", "sshPrivateKeyPath", "windowsPassword"]) else { return }
        if let v = string(fields["username"], path: "admin.username") { admin.username = v }
        if let v = string(fields["sshPublicKeyPath"], path: "admin.sshPublicKeyPath") { admin.sshPublicKeyPath = v }
        if let v = string(fields["sshPrivateKeyPath"], path: "admin.sshPrivateKeyPath") { admin.sshPrivateKeyPath = v }
        if let v = string(fields["windowsPassword"], path: "admin.windowsPassword") { admin.windowsPassword = v }
    }

    mutating func read(network node: Node?, path: String, into network: inout NetworkSettings) {
        guard let fields = mapping(node, path: path, allowed: ["vnet", "subnet"]) else { return }
        if let v = string(fields["vnet"], path: "\(path).vnet") { network.vnet = v }
        if let v = string(fields["subnet"], path: "\(path).subnet") { network.subnet = v }
    }

    mutating func read(rancher node: Node?, into rancher: inout RancherSettings) {
        let allowed = [
            "resourceGroup", "location", "dnsLabel", "version", "kubernetesVersion", "certManagerVersion", "servers", "vmSize", "network", "tls",
        ]
        guard let fields = mapping(node, path: "rancher", allowed: allowed) else { return }
        if let v = string(fields["resourceGroup"], path: "rancher.resourceGroup") { rancher.resourceGroup = v }
        if let v = string(fields["location"], path: "rancher.location") { rancher.location = v }
        if let v = string(fields["dnsLabel"], path: "rancher.dnsLabel") { rancher.dnsLabel = v }
        if let v = string(fields["version"], path: "rancher.version") { rancher.version = v }
        if let v = string(fields["kubernetesVersion"], path: "rancher.kubernetesVersion") { rancher.kubernetesVersion = v }
        if let v = string(fields["certManagerVersion"], path: "rancher.certManagerVersion") { rancher.certManagerVersion = v }
        if let v = int(fields["servers"], path: "rancher.servers", range: 1...9) { rancher.servers = v }
        if let v = string(fields["vmSize"], path: "rancher.vmSize") { rancher.vmSize = v }
        read(network: fields["network"], path: "rancher.network", into: &rancher.network)
        if let tls = mapping(fields["tls"], path: "rancher.tls", allowed: ["source", "email", "environment"]) {
            if let v = choice(tls["source"], path: "rancher.tls.source", as: TLSSource.self) { rancher.tls = v }
            if let v = string(tls["email"], path: "rancher.tls.email") { rancher.letsEncryptEmail = v }
            if let v = choice(tls["environment"], path: "rancher.tls.environment", as: LetsEncryptEnvironment.self) {
                rancher.letsEncryptEnvironment = v
            }
        }
    }

    mutating func read(cluster node: Node?, into cluster: inout WorkloadClusterSettings, profile: Profile) {
        let allowed = ["name", "resourceGroup", "location", "kubernetesVersion", "network", "cni", "nodePools", "joinMethod"]
        guard let fields = mapping(node, path: "cluster", allowed: allowed) else { return }
        if let v = string(fields["name"], path: "cluster.name") { cluster.name = v }
        if let v = string(fields["resourceGroup"], path: "cluster.resourceGroup") { cluster.resourceGroup = v }
        if let v = string(fields["location"], path: "cluster.location") { cluster.location = v }
        if let v = string(fields["kubernetesVersion"], path: "cluster.kubernetesVersion") { cluster.kubernetesVersion = v }
        if let v = choice(fields["joinMethod"], path: "cluster.joinMethod", as: JoinMethod.self) { cluster.joinMethod = v }
        read(network: fields["network"], path: "cluster.network", into: &cluster.network)
        if let cni = mapping(fields["cni"], path: "cluster.cni", allowed: ["plugin", "vxlanVNI", "vxlanPort"]) {
            if let v = choice(cni["plugin"], path: "cluster.cni.plugin", as: CNIPlugin.self) { cluster.cni.plugin = v }
            if let v = int(cni["vxlanVNI"], path: "cluster.cni.vxlanVNI", range: 1...16_777_215) { cluster.cni.vxlanVNI = v }
            if let v = int(cni["vxlanPort"], path: "cluster.cni.vxlanPort", range: 1...65_535) { cluster.cni.vxlanPort = v }
        }
        guard let pools = list(fields["nodePools"], path: "cluster.nodePools") else { return }
        guard pools.count <= SpecLoader.maxPools else {
            problem(fields["nodePools"], "cluster.nodePools", "\(pools.count) node pools; Drover builds at most \(SpecLoader.maxPools)",
                fix: "give pools larger counts instead of listing more of them")
            return
        }
        cluster.nodePools = pools.enumerated().compactMap { index, node in readPool(node, path: "cluster.nodePools[\(index)]", profile: profile) }
    }

    mutating func readPool(_ node: Node, path: String, profile: Profile) -> NodePool? {
        let allowed = ["name", "os", "roles", "count", "vmSize", "windowsVersion", "firstAddress"]
        guard let fields = mapping(node, path: path, allowed: allowed) else {
            if node.null != nil { problem(node, path, "a node pool cannot be empty", fix: "remove the empty `-` entry or give it a name and roles") }
            return nil
        }
        guard let name = string(fields["name"], path: "\(path).name") else {
            problem(node, "\(path).name", "every node pool needs a name", fix: "add `name: workers` (lowercase letters, digits, hyphens)")
            return nil
        }
        let os = choice(fields["os"], path: "\(path).os", as: NodeOS.self) ?? .linux
        checkOperatingSystem(fields, path: path, name: name, os: os)
        var roles: [NodeRole] = os == .windows ? [.worker] : []
        if let items = list(fields["roles"], path: "\(path).roles") {
            roles = items.enumerated().compactMap { i, item in choice(item, path: "\(path).roles[\(i)]", as: NodeRole.self) }
        }
        if roles.isEmpty, fields["roles"] == nil {
            problem(node, "\(path).roles", "node pool `\(name)` has no roles", fix: "add `roles: [worker]` (etcd, controlplane, worker)")
        }
        let windowsDefault = ClusterSpec.defaults(for: profile).cluster.nodePools.first { $0.os == .windows }?.windowsVersion
        return NodePool(
            name: name, os: os, roles: roles,
            count: int(fields["count"], path: "\(path).count", range: 0...1000) ?? 1,
            vmSize: string(fields["vmSize"], path: "\(path).vmSize") ?? "Standard_D2s_v3",
            windowsVersion: os == .windows ? (choice(fields["windowsVersion"], path: "\(path).windowsVersion", as: WindowsVersion.self) ?? windowsDefault) : nil,
            firstAddress: string(fields["firstAddress"], path: "\(path).firstAddress"))
    }
}

extension NodeReader {
    /// A pool written for Windows that would silently become Linux: `windowsVersion` on a Linux pool is an error,
    /// a Windows-sounding name without `os:` a warning.
    mutating func checkOperatingSystem(_ fields: [String: Node], path: String, name: String, os: NodeOS) {
        guard os == .linux else { return }
        if let version = fields["windowsVersion"] {
            problem(version, "\(path).windowsVersion",
                fields["os"] == nil
                    ? "pool `\(name)` sets windowsVersion but no `os:`, so it would be built as Linux"
                    : "windowsVersion applies only to Windows pools, and pool `\(name)` is `os: linux`",
                fix: fields["os"] == nil ? "add `os: windows` to the pool" : "remove windowsVersion, or set `os: windows`")
        } else if fields["os"] == nil, name.lowercased().contains("win") {
            problem(fields["name"], "\(path).os", "pool `\(name)` has no `os:` and will be built as Linux, though its name suggests Windows",
                fix: "add `os: windows` (or `os: linux` to confirm)", severity: .warning)
        }
    }
}

/// The Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

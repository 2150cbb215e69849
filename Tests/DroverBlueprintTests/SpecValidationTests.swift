import DroverBlueprint
import Foundation
import Testing

/// One validation rule exercised by a spec that breaks it and one that satisfies it.
struct RuleCase: CustomTestStringConvertible, Sendable {
    var rule: String
    var yaml: String
    /// The path the error must name; nil when the spec must pass this rule.
    var errorPath: String?
    var testDescription: String { "\(rule) \(errorPath == nil ? "passes" : "fails")" }
}

/// An OpenSSH public key line of `type` (the blob holds the type name and filler, which is all the validator reads).
func publicKey(_ type: String = "ssh-rsa") -> String {
    var blob = Data([0, 0, 0, UInt8(type.utf8.count)]) + Data(type.utf8)
    blob += Data(repeating: 7, count: 64)
    return "\(type) \(blob.base64EncodedString()) test@example\n"
}

/// A home folder holding only `~/.ssh/id_rsa.pub` with `key`.
func files(key: String? = publicKey()) -> SpecFiles {
    SpecFiles(home: "/home/test") { path in
        guard path == "/home/test/.ssh/id_rsa.pub", let key else {
            return .failure(LocalFileError(path: path, kind: .missing, reason: "no such file (No such file or directory)"))
        }
        return .success(Data(key.utf8))
    }
}

func diagnose(_ yaml: String, files: SpecFiles = files()) -> [Diagnostic] {
    let loaded = SpecLoader().load(text: yaml, file: "drover.yaml")
    guard let spec = loaded.spec, !loaded.diagnostics.hasErrors else { return loaded.diagnostics }
    return loaded.diagnostics + SpecValidator(files: files).validate(spec, positions: loaded.positions, file: "drover.yaml")
}

func pools(_ extra: String = "", windows: String = "    - {name: win, os: windows, roles: [worker], count: 1}") -> String {
    """
    cluster:
      nodePools:
        - {name: etcd, roles: [etcd], count: 1}
        - {name: control, roles: [controlplane], count: 1}
        - {name: worker, roles: [worker], count: 1}
    \(windows)
    \(extra)
    """
}

let ruleCases: [RuleCase] = [
    RuleCase(rule: "CIDR syntax", yaml: "cluster:\n  network:\n    vnet: 10.0.0.0/33\n", errorPath: "cluster.network.vnet"),
    RuleCase(rule: "CIDR syntax", yaml: "cluster:\n  network:\n    vnet: 10.0.0.0/16\n", errorPath: nil),
    RuleCase(rule: "CIDR host bits", yaml: "cluster:\n  network:\n    subnet: 10.0.1.5/24\n", errorPath: "cluster.network.subnet"),
    RuleCase(rule: "subnet inside vnet", yaml: "rancher:\n  network:\n    vnet: 10.0.0.0/16\n    subnet: 10.1.1.0/24\n", errorPath: "rancher.network.subnet"),
    RuleCase(rule: "subnet inside vnet", yaml: "rancher:\n  network:\n    vnet: 10.0.0.0/16\n    subnet: 10.0.9.0/24\n", errorPath: nil),
    RuleCase(rule: "static address not reserved", yaml: pools("    - {name: extra, roles: [worker], count: 1, firstAddress: 10.0.1.2}", windows: ""), errorPath: "cluster.nodePools[3].firstAddress"),
    RuleCase(rule: "static address not broadcast", yaml: pools("    - {name: extra, roles: [worker], count: 2, firstAddress: 10.0.1.254}", windows: ""), errorPath: "cluster.nodePools[3].firstAddress"),
    RuleCase(rule: "static address inside subnet", yaml: pools("    - {name: extra, roles: [worker], count: 1, firstAddress: 10.0.2.10}", windows: ""), errorPath: "cluster.nodePools[3].firstAddress"),
    RuleCase(rule: "static address fits", yaml: pools("    - {name: extra, roles: [worker], count: 1, firstAddress: 10.0.1.254}", windows: ""), errorPath: nil),
    RuleCase(rule: "static addresses do not collide", yaml: pools("    - {name: extra, roles: [worker], count: 1, firstAddress: 10.0.1.5}", windows: ""), errorPath: "cluster.nodePools[3].firstAddress"),
    RuleCase(rule: "subnet has room", yaml: "cluster:\n  network:\n    subnet: 10.0.1.0/29\n  nodePools:\n    - {name: etcd, roles: [etcd, controlplane, worker], count: 5}\n", errorPath: "cluster.nodePools[0]"),
    RuleCase(rule: "subnet has room", yaml: "cluster:\n  network:\n    subnet: 10.0.1.0/29\n  nodePools:\n    - {name: etcd, roles: [etcd, controlplane, worker], count: 3}\n", errorPath: nil),
    RuleCase(rule: "Windows computer name ≤ 15", yaml: pools(windows: "    - {name: windowsworkers, os: windows, count: 1}"), errorPath: "cluster.nodePools[3].name"),
    RuleCase(rule: "Windows computer name ≤ 15", yaml: pools(windows: "    - {name: winworker, os: windows, count: 1}"), errorPath: nil),
    RuleCase(rule: "pool name has no dot or trailing hyphen", yaml: pools(windows: "    - {name: win-, os: windows, count: 1}"), errorPath: "cluster.nodePools[3].name"),
    RuleCase(rule: "pool name has no dot", yaml: pools(windows: "    - {name: w.in, os: windows, count: 1}"), errorPath: "cluster.nodePools[3].name"),
    RuleCase(rule: "pool names unique", yaml: pools(windows: "    - {name: worker, os: windows, count: 1}"), errorPath: "cluster.nodePools[3].name"),
    RuleCase(rule: "DNS label", yaml: "rancher:\n  dnsLabel: My_Rancher\n", errorPath: "rancher.dnsLabel"),
    RuleCase(rule: "DNS label", yaml: "rancher:\n  dnsLabel: 9rancher\n", errorPath: "rancher.dnsLabel"),
    RuleCase(rule: "DNS label", yaml: "rancher:\n  dnsLabel: my-rancher-01\n", errorPath: nil),
    RuleCase(rule: "resource group name", yaml: "cluster:\n  resourceGroup: \"bad/group\"\n", errorPath: "cluster.resourceGroup"),
    RuleCase(rule: "resource groups distinct", yaml: "cluster:\n  resourceGroup: cattle-drive-rancher\n", errorPath: "cluster.resourceGroup"),
    RuleCase(rule: "region name", yaml: "cluster:\n  location: East US\n", errorPath: "cluster.location"),
    RuleCase(rule: "admin username not refused", yaml: "admin:\n  username: Administrator\n", errorPath: "admin.username"),
    RuleCase(rule: "admin username not refused", yaml: "admin:\n  username: root\n", errorPath: "admin.username"),
    RuleCase(rule: "admin username not refused", yaml: "admin:\n  username: clusterops\n", errorPath: nil),
    RuleCase(rule: "Windows admin username ≤ 20", yaml: "admin:\n  username: averyveryverylongadminname\n", errorPath: "admin.username"),
    RuleCase(rule: "Windows password complexity", yaml: "admin:\n  windowsPassword: alllowercaseletters\n", errorPath: "admin.windowsPassword"),
    RuleCase(rule: "Windows password length", yaml: "admin:\n  windowsPassword: Ab1!\n", errorPath: "admin.windowsPassword"),
    RuleCase(rule: "Windows password not well known", yaml: "admin:\n  windowsPassword: P@ssword123\n", errorPath: "admin.windowsPassword"),
    RuleCase(rule: "Windows password complexity", yaml: "admin:\n  windowsPassword: Correct-Horse-42\n", errorPath: nil),
    RuleCase(rule: "Windows nodes are workers only", yaml: pools(windows: "    - {name: win, os: windows, roles: [etcd], count: 1}"), errorPath: "cluster.nodePools[3].roles"),
    RuleCase(rule: "Windows workers need a Linux worker", yaml: "cluster:\n  nodePools:\n    - {name: etcd, roles: [etcd, controlplane], count: 1}\n    - {name: win, os: windows, count: 1}\n", errorPath: "cluster.nodePools"),
    RuleCase(rule: "Windows workers need a Linux worker", yaml: "cluster:\n  nodePools:\n    - {name: etcd, roles: [etcd, controlplane, worker], count: 1}\n    - {name: win, os: windows, count: 1}\n", errorPath: nil),
    RuleCase(rule: "flannel VNI 4096 with Windows", yaml: "cluster:\n  cni:\n    vxlanVNI: 1\n", errorPath: "cluster.cni.vxlanVNI"),
    RuleCase(rule: "flannel port 4789 with Windows", yaml: "cluster:\n  cni:\n    vxlanPort: 8472\n", errorPath: "cluster.cni.vxlanPort"),
    RuleCase(rule: "flannel VNI free without Windows", yaml: pools("  cni:\n    vxlanVNI: 1", windows: ""), errorPath: nil),
    RuleCase(rule: "canal refused with Windows", yaml: "cluster:\n  cni:\n    plugin: canal\n", errorPath: "cluster.cni.plugin"),
    RuleCase(rule: "calico allowed on current", yaml: "cluster:\n  cni:\n    plugin: calico\n", errorPath: nil),
    RuleCase(rule: "calico refused on rancher-2.3", yaml: "profile: rancher-2.3\ncluster:\n  cni:\n    plugin: calico\n", errorPath: "cluster.cni.plugin"),
    RuleCase(rule: "Windows 2022 on current", yaml: pools(windows: "    - {name: win, os: windows, count: 1, windowsVersion: \"2022\"}"), errorPath: nil),
    RuleCase(rule: "Windows 2022 refused on rancher-2.3", yaml: "profile: rancher-2.3\n" + pools(windows: "    - {name: win, os: windows, count: 1, windowsVersion: \"2022\"}"), errorPath: "cluster.nodePools[3].windowsVersion"),
    RuleCase(rule: "Windows 2025 refused", yaml: pools(windows: "    - {name: win, os: windows, count: 1, windowsVersion: \"2025\"}"), errorPath: "cluster.nodePools[3].windowsVersion"),
    RuleCase(rule: "Basic SKU refused", yaml: "azure:\n  sku: Basic\n", errorPath: "azure.sku"),
    RuleCase(rule: "Basic SKU refused", yaml: "azure:\n  sku: Standard\n", errorPath: nil),
    RuleCase(rule: "Basic SKU refused", yaml: "profile: rancher-2.3\nazure:\n  sku: Basic\n", errorPath: "azure.sku"),
    RuleCase(rule: "etcd count odd", yaml: "cluster:\n  nodePools:\n    - {name: etcd, roles: [etcd], count: 2}\n    - {name: cp, roles: [controlplane, worker], count: 1}\n", errorPath: "cluster.nodePools"),
    RuleCase(rule: "etcd count odd", yaml: "cluster:\n  nodePools:\n    - {name: etcd, roles: [etcd], count: 3}\n    - {name: cp, roles: [controlplane, worker], count: 1}\n", errorPath: nil),
    RuleCase(rule: "RKE2 servers odd", yaml: "rancher:\n  servers: 2\n", errorPath: "rancher.servers"),
    RuleCase(rule: "RKE2 servers odd", yaml: "rancher:\n  servers: 3\n", errorPath: nil),
    RuleCase(rule: "Let's Encrypt e-mail", yaml: "rancher:\n  tls:\n    source: letsEncrypt\n    email: not-an-address\n", errorPath: "rancher.tls.email"),
    RuleCase(rule: "Let's Encrypt e-mail unused by private", yaml: "rancher:\n  tls:\n    email: not-an-address\n", errorPath: nil),
    RuleCase(rule: "Let's Encrypt staging refused", yaml: "rancher:\n  tls:\n    source: letsEncrypt\n    environment: staging\n", errorPath: "rancher.tls.environment"),
    RuleCase(rule: "Let's Encrypt staging refused", yaml: "profile: rancher-2.3\nrancher:\n  tls:\n    source: letsEncrypt\n    environment: staging\n", errorPath: "rancher.tls.environment"),
    RuleCase(rule: "Let's Encrypt production allowed", yaml: "rancher:\n  tls:\n    source: letsEncrypt\n    environment: production\n", errorPath: nil),
    RuleCase(rule: "private CA on current", yaml: "rancher:\n  tls:\n    source: private\n", errorPath: nil),
    RuleCase(rule: "private CA refused on rancher-2.3", yaml: "profile: rancher-2.3\nrancher:\n  tls:\n    source: private\n", errorPath: "rancher.tls.source"),
    RuleCase(rule: "Rancher's CA on rancher-2.3", yaml: "profile: rancher-2.3\nrancher:\n  tls:\n    source: rancher\n", errorPath: nil),
    RuleCase(rule: "unknown field", yaml: "cluster:\n  nodepools: []\n", errorPath: "cluster.nodepools"),
    RuleCase(rule: "wrong type", yaml: "cluster:\n  cni:\n    vxlanVNI: lots\n", errorPath: "cluster.cni.vxlanVNI"),
    RuleCase(rule: "enumeration", yaml: "profile: rancher-2.4\n", errorPath: "profile"),
    RuleCase(rule: "VNet clear of the pod range", yaml: "cluster:\n  network:\n    vnet: 10.42.0.0/16\n    subnet: 10.42.1.0/24\n", errorPath: "cluster.network.vnet"),
    RuleCase(rule: "VNet clear of the service range", yaml: "rancher:\n  network:\n    vnet: 10.0.0.0/8\n    subnet: 10.0.1.0/24\n", errorPath: "rancher.network.vnet"),
    RuleCase(rule: "VNet clear of the cluster ranges", yaml: "cluster:\n  network:\n    vnet: 10.44.0.0/16\n    subnet: 10.44.1.0/24\n", errorPath: nil),
    RuleCase(rule: "RKE2 version form", yaml: "cluster:\n  kubernetesVersion: banana\n", errorPath: "cluster.kubernetesVersion"),
    RuleCase(rule: "RKE2 version form", yaml: "rancher:\n  kubernetesVersion: latest\n", errorPath: "rancher.kubernetesVersion"),
    RuleCase(rule: "RKE2 version with Windows flannel", yaml: "cluster:\n  kubernetesVersion: v1.28.9+rke2r1\n", errorPath: "cluster.kubernetesVersion"),
    RuleCase(rule: "RKE2 version form", yaml: "cluster:\n  kubernetesVersion: v1.33.1+rke2r2\n", errorPath: nil),
    RuleCase(rule: "RKE1 version form", yaml: "profile: rancher-2.3\ncluster:\n  kubernetesVersion: v1.34.2+rke2r1\n", errorPath: "cluster.kubernetesVersion"),
    RuleCase(rule: "RKE1 version form", yaml: "profile: rancher-2.3\ncluster:\n  kubernetesVersion: v1.14.6-rancher1-1\n", errorPath: nil),
    RuleCase(rule: "Rancher version form", yaml: "rancher:\n  version: latest\n", errorPath: "rancher.version"),
    RuleCase(rule: "Rancher version per profile", yaml: "rancher:\n  version: v2.12.0\n", errorPath: "rancher.version"),
    RuleCase(rule: "Rancher version per profile", yaml: "profile: rancher-2.3\nrancher:\n  version: v2.14.0\n", errorPath: "rancher.version"),
    RuleCase(rule: "Rancher version per profile", yaml: "rancher:\n  version: v2.13.4\n", errorPath: nil),
    RuleCase(rule: "cert-manager version form", yaml: "rancher:\n  certManagerVersion: \"1.20\"\n", errorPath: "rancher.certManagerVersion"),
    RuleCase(rule: "VM size", yaml: "rancher:\n  vmSize: potato\n", errorPath: "rancher.vmSize"),
    RuleCase(rule: "VM size", yaml: pools(windows: "    - {name: win, os: windows, count: 1, vmSize: potato}"), errorPath: "cluster.nodePools[3].vmSize"),
    RuleCase(rule: "VM size", yaml: pools(windows: "    - {name: win, os: windows, count: 1, vmSize: Standard_NC24ads_A100_v4}"), errorPath: nil),
    RuleCase(rule: "subscription id", yaml: "azure:\n  subscriptionId: not-a-uuid\n", errorPath: "azure.subscriptionId"),
    RuleCase(rule: "subscription id", yaml: "azure:\n  subscriptionId: 8f3c2a1e-0b4d-4c6e-9a7f-1d2e3f4a5b6c\n  tenantId: contoso.onmicrosoft.com\n", errorPath: nil),
    RuleCase(rule: "tenant id", yaml: "azure:\n  tenantId: not a tenant\n", errorPath: "azure.tenantId"),
    RuleCase(rule: "windowsVersion needs os: windows", yaml: pools(windows: "    - {name: extra, roles: [worker], count: 1, windowsVersion: \"2022\"}"), errorPath: "cluster.nodePools[3].windowsVersion"),
    RuleCase(rule: "windowsVersion on a Linux pool", yaml: pools(windows: "    - {name: extra, os: linux, roles: [worker], count: 1, windowsVersion: \"2022\"}"), errorPath: "cluster.nodePools[3].windowsVersion"),
    RuleCase(rule: "node count", yaml: "cluster:\n  network: {vnet: 10.0.0.0/16, subnet: 10.0.0.0/16}\n  nodePools:\n    - {name: a, roles: [etcd, controlplane, worker], count: 1000}\n    - {name: b, roles: [worker], count: 1000}\n", errorPath: "cluster.nodePools"),
]

@Suite struct SpecValidationTests {
    @Test(arguments: ruleCases)
    func rule(_ testCase: RuleCase) throws {
        let diagnostics = diagnose(testCase.yaml)
        let errors = diagnostics.filter { $0.severity == .error }
        if let path = testCase.errorPath {
            let hit = try #require(errors.first { $0.path == path }, "no error at \(path); got \(errors.map(\.description))")
            #expect(hit.line != nil && hit.line! >= 1)
            #expect(hit.fix != nil)
        } else {
            #expect(errors.isEmpty, "\(errors.map(\.description))")
        }
    }

    @Test func defaultSpecIsValidOnBothProfiles() {
        #expect(!diagnose("").hasErrors)
        let legacy = diagnose("profile: rancher-2.3\n")
        #expect(!legacy.hasErrors)
        // The seed-faithful profile says plainly what Azure and Rancher no longer accept.
        let warnings = legacy.filter { $0.severity == .warning }.map(\.message).joined(separator: "\n")
        #expect(!warnings.contains("Basic"), "the legacy profile defaults to Standard: Azure creates no Basic public IP any more")
        #expect(warnings.contains("with-Containers"))
        #expect(warnings.contains("2025-07-31"))
    }

    @Test func letsEncryptProductionIsWarnedWithTheSharedLimit() throws {
        let diagnostics = diagnose("rancher:\n  tls:\n    source: letsEncrypt\n    environment: production\n")
        let warning = try #require(diagnostics.first { $0.severity == .warning && $0.path == "rancher.tls.environment" })
        #expect(warning.message.contains("Certificates per Registered Domain") && warning.message.contains("eastus2.cloudapp.azure.com"))
        #expect(warning.fix?.contains("source: private") == true)
        #expect(warning.location == "drover.yaml:4:18")
        // Without Let's Encrypt there is nothing to warn about.
        #expect(!diagnose("rancher:\n  tls:\n    environment: production\n").contains { $0.path.hasPrefix("rancher.tls") })
    }

    @Test func letsEncryptStagingIsRefusedWithTheReasonAndTheFix() throws {
        let error = try #require(diagnose("rancher:\n  tls:\n    source: letsEncrypt\n    environment: staging\n").first { $0.path == "rancher.tls.environment" })
        #expect(error.severity == .error)
        #expect(error.message.contains("agents") && error.message.contains("rancher/rancher#19832"))
        #expect(error.fix?.contains("source: private") == true)
        #expect(error.location == "drover.yaml:4:18")
    }

    @Test func privateIsTheDefaultOnCurrentAndRancherOnTheLegacyProfile() {
        #expect(ClusterSpec.defaults(for: .current).rancher.tls == .private)
        #expect(ClusterSpec.defaults(for: .rancher23).rancher.tls == .rancher)
        #expect(!diagnose("").contains { $0.path.hasPrefix("rancher.tls") })
        #expect(!diagnose("profile: rancher-2.3\n").contains { $0.path.hasPrefix("rancher.tls") })
    }

    @Test func customDataJoinIsWarnedAndUnknownMethodsRefused() {
        #expect(diagnose("cluster:\n  joinMethod: customData\n").contains { $0.severity == .warning && $0.path == "cluster.joinMethod" })
        #expect(!diagnose("cluster:\n  joinMethod: extension\n").contains { $0.path == "cluster.joinMethod" })
        #expect(diagnose("cluster:\n  joinMethod: ssh\n").contains { $0.severity == .error && $0.path == "cluster.joinMethod" })
    }

    @Test func positionsPointAtTheField() throws {
        let yaml = "profile: current\ncluster:\n  network:\n    subnet: 10.0.1.0/33\n"
        let error = try #require(diagnose(yaml).first)
        #expect(error.location == "drover.yaml:4:13")
        #expect(error.description.hasPrefix("drover.yaml:4:13: error: cluster.network.subnet:"))
    }

    @Test func malformedYAMLGivesAPosition() throws {
        let loaded = SpecLoader().load(text: "cluster:\n  name: [unclosed\n", file: "drover.yaml")
        let error = try #require(loaded.diagnostics.first)
        #expect(loaded.spec == nil)
        #expect(error.line == 3)
        #expect(error.message.hasPrefix("not valid YAML"))
    }

    @Test func starterSpecIsValidAndEqualsTheDefaults() {
        for profile in Profile.allCases {
            let loaded = SpecLoader().load(text: StarterSpec.text(profile: profile), file: "drover.yaml")
            #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
            #expect(loaded.spec == ClusterSpec.defaults(for: profile))
        }
    }

    @Test func addressesFollowTheSeed() {
        let nodes = ClusterSpec.defaults(for: .current).clusterNodes
        #expect(nodes.map(\.vmName) == ["etcd-0-vm", "control-0-vm", "worker-0-vm", "win-0-vm"])
        #expect(nodes.map { $0.privateAddress?.description } == ["10.0.1.4", "10.0.1.5", "10.0.1.6", "10.0.1.7"])
    }
}

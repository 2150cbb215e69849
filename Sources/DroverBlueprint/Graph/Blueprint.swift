import DroverEngine
import DroverNodes
import Foundation

/// Turns a validated spec into the resource graph of the nine-stage pipeline (what cattle-drive's main.tf wired up).
///
/// Every name is derived from the spec, so every Azure PUT is idempotent and a re-run finds what exists.
public struct Blueprint: Sendable {
    /// The spec.
    public var spec: ClusterSpec

    /// Creates a blueprint for `spec`.
    public init(spec: ClusterSpec) { self.spec = spec }

    private func ref(_ type: String, _ name: String, _ path: String = "id") -> Value {
        .reference(OutputReference(ResourceAddress(type: type, name: name), path))
    }

    private func secret(_ name: String, length: Int = 24, symbols: Bool = true) -> DesiredResource {
        DesiredResource(ResourceAddress(type: "drover.secret", name: name), inputs: ["length": .number(Double(length)), "symbols": .bool(symbols)])
    }

    /// The desired configuration.
    public func configuration() -> Configuration {
        var resources: [DesiredResource] = []
        let sku = Value.string(spec.azure.sku.rawValue)

        // Declares the artifact `request` renders as `local.node_artifact` (or `local.node_secret_artifact` when it holds a
        // secret) named `name`, with `late` fields (a dotted path into the request) set to references only apply resolves;
        // returns the reference to its text.
        func artifact(_ name: String, _ request: NodeArtifactRequest, late: [String: Value] = [:]) -> Value {
            guard case .object(var inputs) = try? Value.encode(request) else { preconditionFailure("a request encodes as an object") }
            for (path, value) in late {
                let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2 else {
                    inputs[path] = value
                    continue
                }
                guard case .object(var inner)? = inputs[parts[0]] else { preconditionFailure("\(parts[0]) is not part of the request") }
                inner[parts[1]] = value
                inputs[parts[0]] = .object(inner)
            }
            let type = NodeArtifactHandler.type(for: request.artifact)
            resources.append(DesiredResource(ResourceAddress(type: type, name: name), inputs: inputs))
            return ref(type, name, "text")
        }

        // Stage 1: infrastructure, per resource group (the seed's resourcegroup-, network- and node-modules).
        func infrastructure(key: String, group: String, location: String, network: NetworkSettings, rules: [SecurityRule]) {
            resources.append(DesiredResource(ResourceAddress(type: "azure.resource_group", name: key), inputs: ["name": .string(group), "location": .string(location)]))
            resources.append(DesiredResource(ResourceAddress(type: "azure.network_security_group", name: key), inputs: [
                "name": .string("\(group)-nsg"), "resourceGroup": ref("azure.resource_group", key, "name"), "location": .string(location),
                "rules": .array(rules.enumerated().map { $1.value(priority: 100 + 10 * $0) }),
            ]))
            resources.append(DesiredResource(ResourceAddress(type: "azure.virtual_network", name: key), inputs: [
                "name": .string("\(group)-vnet"), "resourceGroup": ref("azure.resource_group", key, "name"), "location": .string(location),
                "addressSpace": .string(network.vnet), "subnetName": .string("\(group)-subnet"), "subnetPrefix": .string(network.subnet),
                "networkSecurityGroupId": ref("azure.network_security_group", key),
            ]))
        }
        func node(_ key: String, _ group: String, _ location: String, _ node: PlannedNode, customData: Value?, loadBalancer: Bool) {
            let name = "\(key)/\(node.vmName)"
            resources.append(DesiredResource(ResourceAddress(type: "azure.public_ip", name: name), inputs: [
                "name": .string("\(node.vmName)-pip"), "resourceGroup": ref("azure.resource_group", key, "name"), "location": .string(location),
                "sku": sku, "allocation": "Static",
            ]))
            var nic: [String: Value] = [
                "name": .string("\(node.vmName)-nic"), "resourceGroup": ref("azure.resource_group", key, "name"), "location": .string(location),
                "subnetId": ref("azure.virtual_network", key, "subnetId"), "privateIPAddress": .string(node.privateAddress?.description ?? ""),
                "publicIPAddressId": ref("azure.public_ip", name),
            ]
            if loadBalancer { nic["loadBalancerBackendPoolId"] = ref("azure.load_balancer", key, "backendPoolId") }
            resources.append(DesiredResource(ResourceAddress(type: "azure.network_interface", name: name), inputs: nic))
            var vm: [String: Value] = [
                "name": .string(node.vmName), "computerName": .string(node.vmName), "resourceGroup": ref("azure.resource_group", key, "name"),
                "location": .string(location), "size": .string(node.vmSize), "os": .string(node.os.rawValue),
                "adminUsername": .string(spec.admin.username), "networkInterfaceId": ref("azure.network_interface", name),
            ]
            if node.os == .windows {
                let version = spec.cluster.nodePools.first { $0.name == node.pool }?.windowsVersion ?? .ws2019
                vm["image"] = .string(spec.profile == .rancher23 ? "MicrosoftWindowsServer:WindowsServer:2019-Datacenter-with-Containers:latest" : "MicrosoftWindowsServer:WindowsServer:\(version.rawValue)-datacenter-core-g2:latest")
                vm["adminPassword"] = spec.admin.windowsPassword.map(Value.string) ?? ref("drover.secret", "windows-admin", "value")
            } else {
                vm["image"] = "Canonical:ubuntu-24_04-lts:server:latest"
                vm["sshPublicKeyPath"] = .string(spec.admin.sshPublicKeyPath)
            }
            if let customData { vm["customData"] = customData }
            resources.append(DesiredResource(ResourceAddress(type: "azure.virtual_machine", name: name), inputs: vm))
        }

        let rancherKey = "rancher", clusterKey = "k8s"
        infrastructure(key: rancherKey, group: spec.rancher.resourceGroup, location: spec.rancher.location, network: spec.rancher.network,
            rules: SecurityRule.rancher(profile: spec.profile))
        infrastructure(key: clusterKey, group: spec.cluster.resourceGroup, location: spec.cluster.location, network: spec.cluster.network,
            rules: SecurityRule.workload(profile: spec.profile, windows: spec.clusterNodes.contains { $0.os == .windows }, vxlanPort: spec.cluster.cni.vxlanPort))
        resources.append(DesiredResource(ResourceAddress(type: "azure.public_ip", name: "rancher/lb"), inputs: [
            "name": .string("\(spec.rancher.dnsLabel)-lb-pip"), "resourceGroup": ref("azure.resource_group", rancherKey, "name"),
            "location": .string(spec.rancher.location), "sku": sku, "allocation": "Static", "dnsLabel": .string(spec.rancher.dnsLabel),
        ]))
        resources.append(DesiredResource(ResourceAddress(type: "azure.load_balancer", name: rancherKey), inputs: [
            "name": .string("\(spec.rancher.dnsLabel)-lb"), "resourceGroup": ref("azure.resource_group", rancherKey, "name"),
            "location": .string(spec.rancher.location), "sku": sku, "frontendPublicIPId": ref("azure.public_ip", "rancher/lb"),
            // 6443 lets Drover and the user reach the Kubernetes API of the RKE2 servers (tls-san holds the FQDN).
            "tcpRules": spec.profile == .current ? [80, 443, 6443] : [80, 443],
        ]))

        // Stages 2–3: Rancher's Kubernetes and charts. Custom data (rendered by DroverNodes through a local artifact,
        // docs/nodes.md) holds no secret; on current the RKE2 token and Rancher's bootstrap password follow in an
        // extension's protected settings, which also starts the server.
        let artifacts = NodeArtifacts(spec: spec)
        resources.append(secret("rancher-bootstrap"))
        // TLS (docs/nodes.md, "Rancher's certificate"): with `private`, Drover's CA and Rancher's serving certificate,
        // renewed by apply within 30 days of expiry. The load balancer's address is only known at apply time, and a
        // new one would then re-issue the certificate, so the FQDN alone is its name.
        if spec.rancher.tls == .private {
            resources.append(DesiredResource(ResourceAddress(type: Self.tlsType, name: rancherKey), inputs: [
                "hostname": .string(spec.rancher.fqdn), "ipAddresses": [], "renewWithinDays": .number(Double(Self.renewWithinDays)),
                "servingCertificate": .string(RancherTLSHandler.Inputs.valid),
            ]))
        }
        var secretsScript: Value?
        if spec.profile == .current {
            resources.append(secret("rke2-token", length: 48, symbols: false))
            var late: [String: Value] = [
                "rke2Token": ref("drover.secret", "rke2-token", "value"), "bootstrapPassword": ref("drover.secret", "rancher-bootstrap", "value"),
            ]
            if spec.rancher.tls == .private {
                for field in ["certificate", "privateKey", "caCertificate"] { late["tls.\(field)"] = ref(Self.tlsType, rancherKey, field) }
            }
            secretsScript = artifact("\(rancherKey)/rke2-secrets", artifacts.serverSecretsScript(.placeholders), late: late)
        }
        for server in spec.rancherNodes {
            let name = "\(rancherKey)/\(server.vmName)"
            let customData = artifact("\(name)/cloud-config", artifacts.serverCloudConfig(server))
            node(rancherKey, spec.rancher.resourceGroup, spec.rancher.location, server, customData: customData, loadBalancer: true)
            if let secretsScript {
                resources.append(DesiredResource(ResourceAddress(type: "azure.vm_extension", name: "\(name)/rke2-secrets"), inputs: [
                    "name": "drover-rke2-secrets", "virtualMachineId": ref("azure.virtual_machine", name), "os": "linux", "script": secretsScript,
                ]))
            }
        }

        // Stage 4: bootstrap, once the servers answer behind the load balancer.
        // rancher-2.3: `rke up` and Helm 2 run on this machine once the VMs answer over SSH.
        if spec.profile == .rancher23 {
            resources.append(DesiredResource(ResourceAddress(type: "local.rke1_rancher", name: rancherKey), inputs: [
                "nodes": .array(spec.rancherNodes.map { node in
                    [
                        "address": ref("azure.public_ip", "\(rancherKey)/\(node.vmName)", "ipAddress"),
                        "internalAddress": .string(node.privateAddress?.description ?? ""), "role": .string(node.roles[0].rawValue),
                    ]
                }),
                "user": .string(spec.admin.username), "sshKeyPath": .string(spec.admin.sshPrivateKeyPath),
                "kubernetesVersion": .string(spec.rancher.kubernetesVersion), "hostname": .string(spec.rancher.fqdn),
                "rancherVersion": .string(spec.rancher.version), "certManagerVersion": .string(spec.rancher.certManagerVersion),
                "tls": .string(spec.rancher.tls.rawValue), "letsEncryptEmail": .string(spec.rancher.letsEncryptEmail),
                "letsEncryptEnvironment": .string(spec.rancher.letsEncryptEnvironment.rawValue),
            ], dependsOn: Set(spec.rancherNodes.map { ResourceAddress(type: "azure.virtual_machine", name: "\(rancherKey)/\($0.vmName)") })))
        }
        let rancherVMs = spec.profile == .current
            ? spec.rancherNodes.map { ResourceAddress(type: "azure.vm_extension", name: "\(rancherKey)/\($0.vmName)/rke2-secrets") }
            : [ResourceAddress(type: "local.rke1_rancher", name: rancherKey)]
        resources.append(secret("rancher-admin"))
        resources.append(DesiredResource(ResourceAddress(type: "rancher.bootstrap", name: rancherKey), inputs: [
            "url": .string("https://\(spec.rancher.fqdn)"), "flow": .string(spec.profile == .current ? "bootstrap-password" : "admin-admin"),
            "bootstrapPassword": ref("drover.secret", "rancher-bootstrap", "value"), "adminPassword": ref("drover.secret", "rancher-admin", "value"),
            "loadBalancerIP": ref("azure.public_ip", "rancher/lb", "ipAddress"),
        ], dependsOn: Set(rancherVMs).union([ResourceAddress(type: "azure.load_balancer", name: rancherKey)])))

        // Stage 5: the cloud identity the cluster's Azure cloud provider uses.
        let appName = "drover-\(spec.cluster.name)"
        resources.append(DesiredResource(ResourceAddress(type: "graph.application", name: appName), inputs: ["displayName": .string(appName)]))
        resources.append(DesiredResource(ResourceAddress(type: "graph.service_principal", name: appName), inputs: ["appId": ref("graph.application", appName, "appId")]))
        resources.append(DesiredResource(ResourceAddress(type: "graph.client_secret", name: appName), inputs: ["applicationId": ref("graph.application", appName), "displayName": "drover"]))
        resources.append(DesiredResource(ResourceAddress(type: "azure.role_assignment", name: "\(clusterKey)/contributor"), inputs: [
            "scope": ref("azure.resource_group", clusterKey), "principalId": ref("graph.service_principal", appName), "role": "Contributor",
        ]))

        // Stage 6: the hybrid custom cluster.
        if spec.cluster.nodePools.contains(where: { $0.os == .windows }), spec.admin.windowsPassword == nil { resources.append(secret("windows-admin")) }
        // Every rancher.* resource after the bootstrap reaches Rancher with its URL and Drover's API token (the token's
        // reference orders them after the bootstrap; the URL is known at plan time).
        let rancherURL = Value.string("https://\(spec.rancher.fqdn)"), rancherToken = ref("rancher.bootstrap", rancherKey, "token")
        let clusterAPI = Value.string(spec.profile == .current ? "provisioning.cattle.io/v1" : "v3")
        let clusterId = ref("rancher.cluster", spec.cluster.name)
        let group = spec.cluster.resourceGroup
        resources.append(DesiredResource(ResourceAddress(type: "rancher.cluster", name: spec.cluster.name), inputs: [
            "url": rancherURL, "name": .string(spec.cluster.name), "api": clusterAPI,
            "kubernetesVersion": .string(spec.cluster.kubernetesVersion),
            "cni": ["plugin": .string(spec.cluster.cni.plugin.rawValue), "vxlanVNI": .number(Double(spec.cluster.cni.vxlanVNI)), "vxlanPort": .number(Double(spec.cluster.cni.vxlanPort))],
            "windowsPreferedCluster": .bool(spec.profile == .rancher23),
            "rancherToken": rancherToken,
            "cloudCredential": [
                "clientId": ref("graph.application", appName, "appId"), "clientSecret": ref("graph.client_secret", appName, "secret"),
                "tenantId": .string(spec.azure.tenantId), "subscriptionId": .string(spec.azure.subscriptionId),
            ],
            // The cloud provider's view of the nodes' network (names as stage 1 derives them).
            "azure": [
                "resourceGroup": .string(group), "location": .string(spec.cluster.location), "vnetName": .string("\(group)-vnet"),
                "subnetName": .string("\(group)-subnet"), "securityGroupName": .string("\(group)-nsg"),
            ],
        ], dependsOn: [ResourceAddress(type: "azure.role_assignment", name: "\(clusterKey)/contributor")]))
        resources.append(DesiredResource(ResourceAddress(type: "rancher.registration_token", name: spec.cluster.name), inputs: [
            "url": rancherURL, "rancherToken": rancherToken, "clusterId": clusterId, "api": clusterAPI,
        ]))

        // Stage 7: with `joinMethod: extension` VMs are created early and join by extension once the registration
        // token exists; with `customData` (the seed's way) the command is in custom data, so VMs wait for the token
        // and Windows still needs an extension to run what Azure dropped at C:\AzureData\CustomData.bin.
        // Windows nodes get their command from rancher.windows_registration, which Rancher only gives once Linux etcd,
        // control-plane and worker nodes run (peers.md §2.2): it waits for the Linux joins, and the Windows joins for it.
        var joins: Set<ResourceAddress> = [], linuxJoins: Set<ResourceAddress> = []
        let windowsRegistration = ResourceAddress(type: "rancher.windows_registration", name: spec.cluster.name)
        for planned in spec.clusterNodes {
            let name = "\(clusterKey)/\(planned.vmName)"
            let command = planned.os == .windows
                ? ref(windowsRegistration.type, windowsRegistration.name, "windowsCommand")
                : ref("rancher.registration_token", spec.cluster.name, "linuxCommand")
            var customData: Value?, script: Value?
            // The Windows join script joining by extension travels inside the extension's command, not on its own.
            for (kind, _, delivery) in artifacts.joinArtifacts(planned) where !(kind == .windowsJoinScript && delivery != .customData) {
                var text = Value.string(WindowsJoinScript.customDataExtensionCommand)
                if let kind {
                    let request = kind == .dockerCloudConfig
                        ? artifacts.dockerCloudConfig(planned) : artifacts.join(kind, planned, command: "", address: "")
                    var late: [String: Value] = kind == .dockerCloudConfig ? [:] : ["join.command": command, "join.address": ref("azure.public_ip", name, "ipAddress")]
                    // A node trusts Drover's private CA before it downloads Rancher's installer (docs/nodes.md).
                    if artifacts.trustsRancherCA(kind), let rancherCA { late["join.trustedCA"] = rancherCA }
                    text = artifact("\(name)/\(kind.rawValue)", request, late: late)
                }
                if delivery == .customData { customData = text } else { script = text }
            }
            node(clusterKey, spec.cluster.resourceGroup, spec.cluster.location, planned, customData: customData, loadBalancer: false)
            guard let script else {
                joins.insert(ResourceAddress(type: "azure.virtual_machine", name: name))
                if planned.os == .linux { linuxJoins.insert(ResourceAddress(type: "azure.virtual_machine", name: name)) }
                continue
            }
            let extensionAddress = ResourceAddress(type: "azure.vm_extension", name: "\(name)/join")
            joins.insert(extensionAddress)
            if planned.os == .linux { linuxJoins.insert(extensionAddress) }
            resources.append(DesiredResource(extensionAddress, inputs: [
                "name": "drover-join", "virtualMachineId": ref("azure.virtual_machine", name), "os": .string(planned.os.rawValue), "script": script,
            ]))
        }

        if spec.clusterNodes.contains(where: { $0.os == .windows }) {
            resources.append(DesiredResource(windowsRegistration, inputs: [
                "url": rancherURL, "rancherToken": rancherToken, "clusterId": clusterId,
            ], dependsOn: linuxJoins))
        }

        // Stage 8: ready when the cluster is active and every node is Ready; then the kubeconfigs of the workload
        // cluster and of Rancher's own `local` cluster, written under .drover/.
        var readiness: [String: Value] = [
            "url": rancherURL, "rancherToken": rancherToken, "clusterId": clusterId, "resourceGroup": .string(group),
            "nodes": .array(spec.clusterNodes.map { node in
                ["name": .string(node.vmName), "os": .string(node.os.rawValue), "roles": .array(node.roles.map { .string($0.rawValue) })]
            }),
        ]
        // RKE2's CAPI machines show a node before it registers (its name is the provisioning cluster's).
        if spec.profile == .current { readiness["clusterName"] = .string(spec.cluster.name) }
        resources.append(DesiredResource(ResourceAddress(type: "rancher.cluster_ready", name: spec.cluster.name), inputs: readiness, dependsOn: joins))
        resources.append(DesiredResource(ResourceAddress(type: "rancher.kubeconfig", name: spec.cluster.name), inputs: [
            "url": rancherURL, "rancherToken": rancherToken, "clusterId": ref("rancher.cluster_ready", spec.cluster.name, "clusterId"),
            "fileName": .string("kubeconfig-\(spec.cluster.name).yaml"),
        ]))
        resources.append(DesiredResource(ResourceAddress(type: "rancher.kubeconfig", name: "local"), inputs: [
            "url": rancherURL, "rancherToken": rancherToken, "clusterId": "local", "fileName": "kubeconfig-rancher-local.yaml",
        ]))

        var outputs: [String: OutputDeclaration] = [
            "rancher_url": OutputDeclaration(.string("https://\(spec.rancher.fqdn)"), description: "where Rancher answers"),
            "rancher_admin_password": OutputDeclaration(ref("drover.secret", "rancher-admin", "value"), sensitive: true, description: "Rancher's admin password"),
            "cluster_name": OutputDeclaration(.string(spec.cluster.name), description: "the workload cluster in Rancher"),
        ]
        if spec.cluster.nodePools.contains(where: { $0.os == .windows }), spec.admin.windowsPassword == nil {
            outputs["windows_admin_password"] = OutputDeclaration(ref("drover.secret", "windows-admin", "value"), sensitive: true, description: "the Windows nodes' administrator password")
        }
        return Configuration(pinningRancher(resources), outputs: outputs)
    }

    /// The type of Drover's private CA and Rancher's serving certificate (`RancherTLSHandler`).
    public static let tlsType = "local.rancher_tls"
    /// Days before expiry at which apply renews Rancher's serving certificate.
    public static let renewWithinDays = 30
    /// Resource types read before every apply plan, because their `read` alone decides that they change (the serving
    /// certificate's renewal depends on the date, not on the spec).
    public static let readBeforePlan: Set<String> = [tlsType]

    /// The CA every call to Rancher verifies its certificate against: Drover's own CA with `tls: private`; none (the
    /// system trust store) with Let's Encrypt production.
    private var rancherCA: Value? {
        switch spec.rancher.tls {
        case .private: return ref(Self.tlsType, "rancher", "caCertificate")
        // Rancher's own CA: read over SSH by local.rke1_rancher on rancher-2.3. On current nothing reads it yet
        // (docs/nodes.md, "Rancher's certificate"), so those calls carry no pin.
        case .rancher: return spec.profile == .rancher23 ? ref("local.rke1_rancher", "rancher", "caCertificate") : nil
        case .letsEncrypt: return nil
        }
    }

    /// `resources` with input `caCertificate` on every rancher.* resource, so its handler pins that PEM from the
    /// first byte (never blanket-insecure).
    private func pinningRancher(_ resources: [DesiredResource]) -> [DesiredResource] {
        guard let ca = rancherCA else { return resources }
        return resources.map { resource in
            guard resource.address.type.hasPrefix("rancher.") else { return resource }
            var pinned = resource
            pinned.inputs["caCertificate"] = ca
            return pinned
        }
    }
}

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

        // Stage 1: infrastructure, per resource group (the seed's resourcegroup-, network- and node-modules).
        // Each rule is a destination port and its protocol, in Azure's securityRules spelling (`Tcp`, `Udp`;
        // azure-api.md §5.1); VXLAN is UDP (peers.md P2: open UDP 4789 between all nodes).
        func infrastructure(key: String, group: String, location: String, network: NetworkSettings, tcp: [Int], udp: [Int] = []) {
            resources.append(DesiredResource(ResourceAddress(type: "azure.resource_group", name: key), inputs: ["name": .string(group), "location": .string(location)]))
            resources.append(DesiredResource(ResourceAddress(type: "azure.network_security_group", name: key), inputs: [
                "name": .string("\(group)-nsg"), "resourceGroup": ref("azure.resource_group", key, "name"), "location": .string(location),
                "inboundRules": .array(tcp.map { ["port": .number(Double($0)), "protocol": "Tcp"] } + udp.map { ["port": .number(Double($0)), "protocol": "Udp"] }),
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
        let rancherPorts = spec.profile == .current ? [22, 80, 443, 6443, 9345] : [22, 80, 443, 6443, 2379, 2380, 10250]
        infrastructure(key: rancherKey, group: spec.rancher.resourceGroup, location: spec.rancher.location, network: spec.rancher.network, tcp: rancherPorts)
        infrastructure(key: clusterKey, group: spec.cluster.resourceGroup, location: spec.cluster.location, network: spec.cluster.network,
            tcp: [22, 80, 443, 6443, 9345, 10250], udp: [spec.cluster.cni.vxlanPort])
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

        // Stages 2–3: Rancher's Kubernetes and charts. Custom data (rendered by DroverNodes from these inputs) holds
        // no secret; on current the RKE2 token and Rancher's bootstrap password follow in an extension's protected
        // settings, which also starts the server.
        resources.append(secret("rancher-bootstrap"))
        if spec.profile == .current { resources.append(secret("rke2-token", length: 48, symbols: false)) }
        for server in spec.rancherNodes {
            let data: Value = [
                "profile": .string(spec.profile.rawValue), "role": .array(server.roles.map { .string($0.rawValue) }),
                "fqdn": .string(spec.rancher.fqdn), "rancherVersion": .string(spec.rancher.version),
                "kubernetesVersion": .string(spec.rancher.kubernetesVersion), "certManagerVersion": .string(spec.rancher.certManagerVersion),
            ]
            node(rancherKey, spec.rancher.resourceGroup, spec.rancher.location, server, customData: data, loadBalancer: true)
            if spec.profile == .current {
                let name = "\(rancherKey)/\(server.vmName)"
                resources.append(DesiredResource(ResourceAddress(type: "azure.vm_extension", name: "\(name)/rke2-secrets"), inputs: [
                    "name": "drover-rke2-secrets", "virtualMachineId": ref("azure.virtual_machine", name), "os": "linux",
                    "protectedSettings": [
                        "clusterToken": ref("drover.secret", "rke2-token", "value"),
                        "bootstrapPassword": ref("drover.secret", "rancher-bootstrap", "value"),
                    ],
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
        resources.append(DesiredResource(ResourceAddress(type: "rancher.cluster", name: spec.cluster.name), inputs: [
            "name": .string(spec.cluster.name), "api": .string(spec.profile == .current ? "provisioning.cattle.io/v1" : "v3"),
            "kubernetesVersion": .string(spec.cluster.kubernetesVersion),
            "cni": ["plugin": .string(spec.cluster.cni.plugin.rawValue), "vxlanVNI": .number(Double(spec.cluster.cni.vxlanVNI)), "vxlanPort": .number(Double(spec.cluster.cni.vxlanPort))],
            "windowsPreferedCluster": .bool(spec.profile == .rancher23),
            "rancherToken": ref("rancher.bootstrap", rancherKey, "token"),
            "cloudCredential": [
                "clientId": ref("graph.application", appName, "appId"), "clientSecret": ref("graph.client_secret", appName, "secret"),
                "tenantId": .string(spec.azure.tenantId), "subscriptionId": .string(spec.azure.subscriptionId),
            ],
        ], dependsOn: [ResourceAddress(type: "azure.role_assignment", name: "\(clusterKey)/contributor")]))
        resources.append(DesiredResource(ResourceAddress(type: "rancher.registration_token", name: spec.cluster.name), inputs: ["clusterId": ref("rancher.cluster", spec.cluster.name)]))

        // Stage 7: with `joinMethod: extension` VMs are created early and join by extension once the registration
        // token exists; with `customData` (the seed's way) the command is in custom data, so VMs wait for the token
        // and Windows still needs an extension to run what Azure dropped at C:\AzureData\CustomData.bin.
        var joins: Set<ResourceAddress> = []
        let viaCustomData = spec.cluster.joinMethod == .customData
        for planned in spec.clusterNodes {
            let name = "\(clusterKey)/\(planned.vmName)"
            let join: Value = [
                "roles": .array(planned.roles.map { .string($0.rawValue) }),
                "address": ref("azure.public_ip", name, "ipAddress"), "internalAddress": .string(planned.privateAddress?.description ?? ""),
                "command": ref("rancher.registration_token", spec.cluster.name, planned.os == .windows ? "windowsCommand" : "linuxCommand"),
            ]
            var customData: Value?
            if viaCustomData { customData = ["profile": .string(spec.profile.rawValue), "join": join] }
            else if spec.profile == .rancher23, planned.os == .linux { customData = ["profile": .string(spec.profile.rawValue), "docker": "18.09"] }
            node(clusterKey, spec.cluster.resourceGroup, spec.cluster.location, planned, customData: customData, loadBalancer: false)
            if viaCustomData, planned.os == .linux {
                joins.insert(ResourceAddress(type: "azure.virtual_machine", name: name))
                continue
            }
            let extensionAddress = ResourceAddress(type: "azure.vm_extension", name: "\(name)/join")
            joins.insert(extensionAddress)
            resources.append(DesiredResource(extensionAddress, inputs: [
                "name": "drover-join", "virtualMachineId": ref("azure.virtual_machine", name), "os": .string(planned.os.rawValue),
                "protectedSettings": viaCustomData ? ["runCustomData": true] : join,
            ]))
        }

        // Stage 8: ready when the cluster is active and every node is Ready.
        resources.append(DesiredResource(ResourceAddress(type: "rancher.cluster_ready", name: spec.cluster.name), inputs: [
            "clusterId": ref("rancher.cluster", spec.cluster.name), "nodes": .array(spec.clusterNodes.map { .string($0.vmName) }),
        ], dependsOn: joins))

        var outputs: [String: OutputDeclaration] = [
            "rancher_url": OutputDeclaration(.string("https://\(spec.rancher.fqdn)"), description: "where Rancher answers"),
            "rancher_admin_password": OutputDeclaration(ref("drover.secret", "rancher-admin", "value"), sensitive: true, description: "Rancher's admin password"),
            "cluster_name": OutputDeclaration(.string(spec.cluster.name), description: "the workload cluster in Rancher"),
        ]
        if spec.cluster.nodePools.contains(where: { $0.os == .windows }), spec.admin.windowsPassword == nil {
            outputs["windows_admin_password"] = OutputDeclaration(ref("drover.secret", "windows-admin", "value"), sensitive: true, description: "the Windows nodes' administrator password")
        }
        return Configuration(resources, outputs: outputs)
    }
}

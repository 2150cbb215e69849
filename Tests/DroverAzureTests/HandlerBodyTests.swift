@testable import DroverAzure
import DroverEngine
import Foundation
import Testing

/// Request bodies as each handler builds them, checked against the fields of the official definitions
/// (reference/openapi/, named per test) and the rules of azure-api.md.
@Suite struct HandlerBodyTests {
    func json<T: Encodable>(_ value: T) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? [String: Any])
    }

    // networkSecurityGroup.json, SecurityRulePropertiesFormat: protocol, access, direction required.
    @Test func securityRulesAreInboundAllowsWithPortRanges() throws {
        let inputs = NetworkSecurityGroupHandler.Inputs(name: "nsg", resourceGroup: "rg", location: "eastus", rules: [
            .init(name: "ssh", priority: 100, protocol: "Tcp", destinationPortRanges: ["22"], sourceAddressPrefix: "203.0.113.0/24"),
            .init(name: "vxlan", priority: 110, protocol: "Udp", destinationPortRanges: ["4789"], sourceAddressPrefix: "VirtualNetwork"),
            .init(name: "etcd", priority: 120, protocol: "Tcp", destinationPortRanges: ["2379-2380"], sourceAddressPrefix: "VirtualNetwork"),
        ])
        let body = try json(NetworkSecurityGroupHandler.body(inputs))
        let rules = try #require((body["properties"] as? [String: Any])?["securityRules"] as? [[String: Any]])
        #expect(rules.count == 3)
        let vxlan = try #require(rules[1]["properties"] as? [String: Any])
        #expect(vxlan["protocol"] as? String == "Udp")
        #expect(vxlan["direction"] as? String == "Inbound")
        #expect(vxlan["access"] as? String == "Allow")
        #expect(vxlan["destinationPortRanges"] as? [String] == ["4789"])
        #expect(vxlan["sourceAddressPrefix"] as? String == "VirtualNetwork")
        #expect((rules[0]["properties"] as? [String: Any])?["sourceAddressPrefix"] as? String == "203.0.113.0/24")
    }

    @Test(arguments: [
        (NetworkSecurityGroupHandler.Rule(name: "a", priority: 100, protocol: "TCP", destinationPortRanges: ["1"], sourceAddressPrefix: "*"), "protocol"),
        (NetworkSecurityGroupHandler.Rule(name: "a", priority: 99, protocol: "Tcp", destinationPortRanges: ["1"], sourceAddressPrefix: "*"), "priority"),
        (NetworkSecurityGroupHandler.Rule(name: "a", priority: 100, protocol: "Tcp", destinationPortRanges: [], sourceAddressPrefix: "*"), "destinationPortRanges"),
    ])
    func invalidRulesAreRefusedBeforeSending(rule: NetworkSecurityGroupHandler.Rule, field: String) {
        let error = #expect(throws: CodedError.self) {
            _ = try NetworkSecurityGroupHandler.body(.init(name: "n", resourceGroup: "r", location: "l", rules: [rule]))
        }
        #expect(error?.message.contains("rules[a].\(field)") == true)
        #expect(error?.nothingApplied == true)
    }

    // virtualNetwork.json: a PUT is the whole state, so subnets not Drover's are sent back unchanged.
    @Test func vnetBodyKeepsOtherSubnetsAndSetsOutboundAccess() throws {
        let inputs = VirtualNetworkHandler.Inputs(
            name: "vnet", resourceGroup: "rg", location: "eastus", addressSpace: "10.0.0.0/16", subnetName: "nodes",
            subnetPrefix: "10.0.1.0/24", networkSecurityGroupId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg")
        let existing = VirtualNetworkHandler.Body(location: "eastus", properties: .init(
            addressSpace: .init(addressPrefixes: ["10.0.0.0/16"]),
            subnets: [
                .object(["name": .string("other"), "id": .string("x"), "properties": .object(["addressPrefix": .string("10.0.2.0/24"), "provisioningState": .string("Succeeded")])]),
                .object(["name": .string("nodes"), "properties": .object(["addressPrefix": .string("10.0.9.0/24")])]),
            ]))
        let body = try json(VirtualNetworkHandler.body(inputs, existing: existing))
        let subnets = try #require((body["properties"] as? [String: Any])?["subnets"] as? [[String: Any]])
        #expect(subnets.map { $0["name"] as? String } == ["other", "nodes"])
        let other = try #require(subnets[0]["properties"] as? [String: Any])
        #expect(other["addressPrefix"] as? String == "10.0.2.0/24")
        #expect(other["provisioningState"] == nil, "read-only fields are not sent")
        let nodes = try #require(subnets[1]["properties"] as? [String: Any])
        #expect(nodes["addressPrefix"] as? String == "10.0.1.0/24")
        #expect(nodes["defaultOutboundAccess"] as? Bool == true)
        #expect((nodes["networkSecurityGroup"] as? [String: Any])?["id"] as? String == inputs.networkSecurityGroupId)
    }

    // publicIpAddress.json: sku.name Standard, tier Regional; publicIPAllocationMethod Static; dnsSettings.domainNameLabel.
    @Test func publicIPIsStandardStaticWithLabel() throws {
        let body = try json(PublicIPHandler.body(.init(name: "pip", resourceGroup: "rg", location: "eastus2", sku: "Standard", allocation: "Static", dnsLabel: "rancher-demo")))
        #expect((body["sku"] as? [String: Any])?["name"] as? String == "Standard")
        #expect((body["sku"] as? [String: Any])?["tier"] as? String == "Regional")
        let properties = try #require(body["properties"] as? [String: Any])
        #expect(properties["publicIPAllocationMethod"] as? String == "Static")
        #expect((properties["dnsSettings"] as? [String: Any])?["domainNameLabel"] as? String == "rancher-demo")
    }

    @Test(arguments: [("Basic", "Static", nil, "BasicSkuRetired"), ("Standard", "Dynamic", nil, "InvalidAllocation"), ("Standard", "Static", "Rancher_1", "InvalidDnsLabel"), ("Standard", "Static", "ab", "InvalidDnsLabel")] as [(String, String, String?, String)])
    func publicIPChecks(sku: String, allocation: String, label: String?, code: String) {
        let error = #expect(throws: CodedError.self) {
            _ = try PublicIPHandler.body(.init(name: "pip", resourceGroup: "rg", location: "eastus", sku: sku, allocation: allocation, dnsLabel: label))
        }
        #expect(error?.code == code)
    }

    @Test func changedDnsLabelMakesTheFqdnUnknownInThePlan() {
        let handler = PublicIPHandler(session: AzureSession(environment: AzureEnvironment(variables: [:])))
        let prior: Value = ["id": "x", "ipAddress": "20.0.0.1", "fqdn": "old.eastus.cloudapp.azure.com"]
        let planned = handler.plannedOutputs(old: ["dnsLabel": "old"], new: ["dnsLabel": "new"], prior: prior)
        #expect(planned?["fqdn"] == .unknown)
        #expect(planned?["ipAddress"] == "20.0.0.1")
        #expect(handler.plannedOutputs(old: ["dnsLabel": "old"], new: ["dnsLabel": "old"], prior: prior) == prior)
    }

    @Test func plannedOutputsFollowTheChange() {
        let session = AzureSession(environment: AzureEnvironment(variables: [:]))
        let nic = NetworkInterfaceHandler(session: session)
        #expect(nic.plannedOutputs(old: ["privateIPAddress": "10.0.1.4"], new: ["privateIPAddress": "10.0.1.5"], prior: ["id": "n", "privateIPAddress": "10.0.1.4"])
            == ["id": "n", "privateIPAddress": "10.0.1.5"])
        let ext = VMExtensionHandler(session: session)
        let prior: Value = ["id": "e", "forceUpdateTag": .string(VMExtensionHandler.tag("a"))]
        #expect(ext.plannedOutputs(old: ["script": "a"], new: ["script": "b"], prior: prior)?["forceUpdateTag"] == .string(VMExtensionHandler.tag("b")))
        #expect(ext.plannedOutputs(old: ["script": "a"], new: ["script": .unknown], prior: prior)?["forceUpdateTag"] == .unknown)
        #expect(ext.plannedOutputs(old: ["script": "a"], new: ["script": "a"], prior: prior) == prior)
    }

    // networkInterface.json, NetworkInterfaceIPConfigurationPropertiesFormat.
    @Test func nicHasStaticAddressPublicIPAndPoolMembership() throws {
        let body = try json(NetworkInterfaceHandler.body(.init(
            name: "nic", resourceGroup: "rg", location: "eastus", subnetId: "sub", privateIPAddress: "10.0.1.10", publicIPAddressId: "pip",
            loadBalancerBackendPoolId: "pool")))
        let configuration = try #require(((body["properties"] as? [String: Any])?["ipConfigurations"] as? [[String: Any]])?.first?["properties"] as? [String: Any])
        #expect(configuration["privateIPAllocationMethod"] as? String == "Static")
        #expect(configuration["privateIPAddress"] as? String == "10.0.1.10")
        #expect((configuration["subnet"] as? [String: Any])?["id"] as? String == "sub")
        #expect((configuration["publicIPAddress"] as? [String: Any])?["id"] as? String == "pip")
        #expect((configuration["loadBalancerBackendAddressPools"] as? [[String: Any]])?.first?["id"] as? String == "pool")
    }

    // loadBalancer.json: children reference the load balancer's own id (azure-api.md §5.4).
    @Test func loadBalancerHasProbeAndRulePerPortAndOutboundRule() throws {
        let id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb"
        let body = try json(LoadBalancerHandler.body(.init(name: "lb", resourceGroup: "rg", location: "eastus", sku: "Standard", frontendPublicIPId: "pip", tcpRules: [80, 443]), id: id))
        let properties = try #require(body["properties"] as? [String: Any])
        #expect((properties["probes"] as? [[String: Any]])?.map { $0["name"] as? String } == ["tcp-80", "tcp-443"])
        let rule = try #require((properties["loadBalancingRules"] as? [[String: Any]])?.last?["properties"] as? [String: Any])
        #expect((rule["probe"] as? [String: Any])?["id"] as? String == "\(id)/probes/tcp-443")
        #expect((rule["backendAddressPool"] as? [String: Any])?["id"] as? String == "\(id)/backendAddressPools/backend")
        #expect(rule["enableFloatingIP"] as? Bool == false)
        #expect(rule["disableOutboundSnat"] as? Bool == true)
        let outbound = try #require((properties["outboundRules"] as? [[String: Any]])?.first?["properties"] as? [String: Any])
        #expect(outbound["protocol"] as? String == "All")
    }

    static func vm(os: String, computerName: String = "node-0", password: String? = "Str0ng!Passw0rd#", customData: String? = nil) -> VirtualMachineHandler.Inputs {
        .init(
            name: computerName, computerName: computerName, resourceGroup: "rg", location: "eastus", size: "Standard_D2s_v5", os: os,
            image: os == "linux" ? "Canonical:ubuntu-24_04-lts:server:latest" : "MicrosoftWindowsServer:WindowsServer:2022-datacenter-core-g2:latest",
            adminUsername: "drover", networkInterfaceId: "nic", sshPublicKey: os == "linux" ? "ssh-ed25519 AAAAC3Nza test" : nil,
            adminPassword: os == "windows" ? password : nil, customData: customData)
    }

    // virtualMachine.json / computeRPCommon.json: OSProfile, LinuxConfiguration, OSDisk.deleteOption.
    @Test func linuxVMHasKeyBase64CustomDataAndDiskDeletedWithIt() throws {
        let body = try json(VirtualMachineHandler.body(Self.vm(os: "linux", customData: "#cloud-config\n")))
        let properties = try #require(body["properties"] as? [String: Any])
        let profile = try #require(properties["osProfile"] as? [String: Any])
        #expect(profile["customData"] as? String == Data("#cloud-config\n".utf8).base64EncodedString())
        #expect(profile["adminPassword"] == nil)
        let linux = try #require(profile["linuxConfiguration"] as? [String: Any])
        #expect(linux["disablePasswordAuthentication"] as? Bool == true)
        let key = try #require(((linux["ssh"] as? [String: Any])?["publicKeys"] as? [[String: Any]])?.first)
        #expect(key["path"] as? String == "/home/drover/.ssh/authorized_keys")
        let disk = try #require((properties["storageProfile"] as? [String: Any])?["osDisk"] as? [String: Any])
        #expect(disk["deleteOption"] as? String == "Delete")
        #expect(disk["createOption"] as? String == "FromImage")
    }

    @Test func customDataOverTheLimitIsRefusedBeforeSending() {
        let error = #expect(throws: CodedError.self) {
            _ = try VirtualMachineHandler.body(Self.vm(os: "linux", customData: String(repeating: "x", count: 65536)))
        }
        #expect(error?.message.contains("customData") == true)
        #expect(error?.message.contains("65536") == true)
        #expect(throws: Never.self) { _ = try VirtualMachineHandler.body(Self.vm(os: "linux", customData: String(repeating: "x", count: 65535))) }
    }

    @Test func windowsVMHasAgentAndPassword() throws {
        let body = try json(VirtualMachineHandler.body(Self.vm(os: "windows", computerName: "k8s-win-0")))
        let profile = try #require((body["properties"] as? [String: Any])?["osProfile"] as? [String: Any])
        #expect((profile["windowsConfiguration"] as? [String: Any])?["provisionVMAgent"] as? Bool == true)
        #expect(profile["adminPassword"] as? String == "Str0ng!Passw0rd#")
        #expect(profile["linuxConfiguration"] == nil)
    }

    @Test(arguments: ["k8s-windows-node-1", "win.0", "win-"])
    func windowsComputerNameRule(name: String) {
        let error = #expect(throws: CodedError.self) { _ = try VirtualMachineHandler.body(Self.vm(os: "windows", computerName: name)) }
        #expect(error?.message.contains("computerName") == true)
    }

    @Test(arguments: [("linux", "root"), ("windows", "Administrator"), ("windows", "a-very-long-user-name-x"), ("windows", "drover.")])
    func refusedAdminUsernames(os: String, user: String) {
        var inputs = Self.vm(os: os, computerName: "node")
        inputs.adminUsername = user
        let error = #expect(throws: CodedError.self) { _ = try VirtualMachineHandler.body(inputs) }
        #expect(error?.message.contains("adminUsername") == true)
    }

    @Test(arguments: [
        ("Str0ng!Passw0rd#", true), ("short1A!", false), ("alllowercaseletters", false), ("lowerUPPER12345", true),
        ("P@ssw0rd", false), ("Password22", false), ("nodigitsButUpper!", true), (String(repeating: "aA1", count: 42), false),
    ] as [(String, Bool)])
    func windowsPasswordRule(password: String, valid: Bool) {
        #expect((WindowsPasswordRule.violation(password) == nil) == valid)
    }

    @Test func windowsPasswordViolationNeverQuotesThePassword() {
        let error = #expect(throws: CodedError.self) { _ = try VirtualMachineHandler.body(Self.vm(os: "windows", password: "weakpassword")) }
        #expect(error?.message.contains("weakpassword") == false)
        #expect(error?.message.contains("adminPassword") == true)
    }

    // virtualMachine.json, VirtualMachineExtensionProperties; azure-api.md §7.
    @Test(arguments: [("windows", "Microsoft.Compute", "CustomScriptExtension", "1.10"), ("linux", "Microsoft.Azure.Extensions", "CustomScript", "2.0")])
    func extensionScriptOnlyInProtectedSettings(os: String, publisher: String, type: String, version: String) throws {
        let inputs = VMExtensionHandler.Inputs(name: "drover-join", virtualMachineId: "vm", os: os, script: "echo join --token abc", location: nil)
        let body = try json(VMExtensionHandler.body(inputs, location: "eastus"))
        let properties = try #require(body["properties"] as? [String: Any])
        #expect(properties["publisher"] as? String == publisher)
        #expect(properties["type"] as? String == type)
        #expect(properties["typeHandlerVersion"] as? String == version)
        #expect((properties["protectedSettings"] as? [String: Any])?["commandToExecute"] as? String == "echo join --token abc")
        #expect((properties["settings"] as? [String: Any])?.isEmpty == true)
        #expect(body["location"] as? String == "eastus")
    }

    @Test func changedScriptChangesForceUpdateTag() {
        #expect(VMExtensionHandler.tag("a") != VMExtensionHandler.tag("b"))
        #expect(VMExtensionHandler.tag("a") == VMExtensionHandler.tag("a"))
        #expect(VMExtensionHandler.tag("a").count == 16)
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256KnownVectors(text: String, hex: String) {
        #expect(SHA256.hex(text) == hex)
    }

    @Test func roleAssignmentNameIsAStableUUIDOfScopePrincipalAndRole() throws {
        let a = RoleAssignmentHandler.assignmentName(scope: "/subscriptions/s/resourceGroups/RG", principalId: "P", roleGUID: "b24988ac-6180-42a0-ab88-20f7382dd24c")
        let b = RoleAssignmentHandler.assignmentName(scope: "/subscriptions/s/resourcegroups/rg", principalId: "p", roleGUID: "b24988ac-6180-42a0-ab88-20f7382dd24c")
        let c = RoleAssignmentHandler.assignmentName(scope: "/subscriptions/s/resourceGroups/RG", principalId: "Q", roleGUID: "b24988ac-6180-42a0-ab88-20f7382dd24c")
        #expect(a == b)
        #expect(a != c)
        #expect(UUID(uuidString: a) != nil)
        #expect(try RoleAssignmentHandler.roleGUID("Contributor") == "b24988ac-6180-42a0-ab88-20f7382dd24c")
    }

    @Test func registryHasEveryAzureAndGraphType() {
        var registry = ProviderRegistry()
        AzureProvider.register(into: &registry, environment: AzureEnvironment(variables: [:]))
        #expect(registry.types == AzureProvider.types.sorted())
        #expect(registry.handler(for: "graph.client_secret")?.sensitiveOutputs == ["secret"])
        #expect(registry.handler(for: "azure.virtual_machine")?.sensitiveInputs.contains("customData") == true)
    }
}

@Suite struct ResourceIDTests {
    @Test func idsCompareWithoutCase() {
        #expect(ResourceID.same("/subscriptions/S/resourcegroups/RG", "/subscriptions/s/resourceGroups/rg"))
        #expect(ResourceID.spelled("/subscriptions/s/resourcegroups/rg", as: "/subscriptions/s/resourceGroups/rg") == "/subscriptions/s/resourceGroups/rg")
        #expect(ResourceID.spelled("/subscriptions/s/resourceGroups/other", as: "/subscriptions/s/resourceGroups/rg") == "/subscriptions/s/resourceGroups/other")
        #expect(ResourceID.name(of: "/subscriptions/s/resourceGroups/rg") == "rg")
    }
}

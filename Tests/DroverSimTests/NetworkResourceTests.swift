import DroverSim
import Foundation
import Testing

/// Microsoft.Network resources over HTTPS: create, read, update, delete, and the referential rules.
@Suite struct NetworkResourceTests {
    @Test func securityGroupWithRulesReportsIdsAndDefaultRules() async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            let created = try await sim.put(sim.networkPath("networkSecurityGroups", "nsg1"), SimHarness.network, sim.nsgBody())
            #expect(created.status == 201)
            let read = try await sim.arm("GET", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network)
            let rules = try #require(read.body?.at("properties.securityRules")?.array)
            #expect(rules.map { $0["id"]?.string } == ["allow-ssh", "allow-https"].map { sim.id(sim.networkPath("networkSecurityGroups", "nsg1")) + "/securityRules/\($0)" })
            #expect(rules.first?.at("properties.provisioningState")?.string == "Succeeded")
            #expect(read.body?.at("properties.defaultSecurityRules")?.array?.compactMap { $0["name"]?.string }.contains("DenyAllInBound") == true)
            let tagged = try await sim.arm("PATCH", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network, body: ["tags": ["a": "b"]])
            #expect(tagged.status == 200)
            #expect(tagged.body?.at("tags.a")?.string == "b")
            #expect(try await sim.arm("DELETE", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network).status == 202)
        }
    }

    @Test func duplicatePriorityIsRefused() async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            var body = sim.nsgBody()
            body.set("properties.securityRules", .array((body.at("properties.securityRules")?.array ?? []).map { rule in
                var rule = rule
                rule.set("properties.priority", 100)
                return rule
            }))
            let reply = try await sim.arm("PUT", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network, body: body)
            #expect(reply.status == 400)
            #expect(reply.errorCode == "SecurityRuleConflict")
        }
    }

    @Test func virtualNetworkSubnetsAndInUseSubnet() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            let vnet = try await sim.arm("GET", sim.networkPath("virtualNetworks", "vnet1"), apiVersion: SimHarness.network)
            #expect(vnet.body?.at("properties.subnets")?.array?.first?["id"]?.string == sim.id(sim.networkPath("virtualNetworks", "vnet1")) + "/subnets/nodes")
            try await sim.put(sim.networkPath("networkInterfaces", "nic1"), SimHarness.network, sim.nicBody(address: "10.0.1.10"))
            // Back-reference from the subnet to the NIC's IP configuration.
            let withNic = try await sim.arm("GET", sim.networkPath("virtualNetworks", "vnet1"), apiVersion: SimHarness.network)
            #expect(withNic.body?.at("properties.subnets")?.array?.first?.at("properties.ipConfigurations")?.array?.count == 1)
            // A VNet PUT without the subnet in use (azure-api.md §5.2 pitfall, §3.1).
            let dropped = try await sim.arm("PUT", sim.networkPath("virtualNetworks", "vnet1"), apiVersion: SimHarness.network, body: sim.vnetBody(subnets: ["other"]))
            #expect(dropped.status == 400)
            #expect(dropped.errorCode == "InUseSubnetCannotBeDeleted")
            let deleted = try await sim.arm("DELETE", sim.networkPath("virtualNetworks", "vnet1"), apiVersion: SimHarness.network)
            #expect(deleted.errorCode == "InUseSubnetCannotBeDeleted")
            #expect(try await sim.arm("DELETE", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network).errorCode == "InUseNetworkSecurityGroupCannotBeDeleted")
            // Adding a subnet keeps the one in use.
            #expect(try await sim.arm("PUT", sim.networkPath("virtualNetworks", "vnet1"), apiVersion: SimHarness.network, body: sim.vnetBody(subnets: ["nodes", "more"])).status == 200)
            let outside = try await sim.arm("PUT", sim.networkPath("virtualNetworks", "vnet2"), apiVersion: SimHarness.network, body: [
                "location": "eastus", "properties": ["addressSpace": ["addressPrefixes": ["10.1.0.0/16"]], "subnets": [["name": "s", "properties": ["addressPrefix": "10.2.0.0/24"]]]],
            ])
            #expect(outside.errorCode == "NetcfgSubnetRangeOutsideVnet")
        }
    }

    @Test func standardPublicIPGetsAddressAndFqdn() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            let read = try await sim.arm("GET", sim.networkPath("publicIPAddresses", "ip1"), apiVersion: SimHarness.network)
            #expect(read.body?.at("properties.ipAddress")?.string?.split(separator: ".").count == 4)
            #expect(read.body?.at("properties.dnsSettings.fqdn")?.string == "drover-test.eastus.cloudapp.azure.com")
            #expect(read.body?.at("sku.name")?.string == "Standard")
        }
    }

    /// Basic SKU refused as Azure refuses it today (azure-api.md §5.3, §11.1); Standard + Dynamic refused too.
    @Test(arguments: [
        ("no sku (Basic by default)", ["location": "eastus"] as JSONValue, "BasicSkuPublicIpCreationNotAllowed"),
        ("Basic", ["location": "eastus", "sku": ["name": "Basic"]] as JSONValue, "BasicSkuPublicIpCreationNotAllowed"),
        ("Standard Dynamic", ["location": "eastus", "sku": ["name": "Standard"], "properties": ["publicIPAllocationMethod": "Dynamic"]] as JSONValue,
         "StandardSkuPublicIPAddressesMustBeStatic"),
    ])
    func basicSkuIsRefused(_ label: String, _ body: JSONValue, _ code: String) async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            let reply = try await sim.arm("PUT", sim.networkPath("publicIPAddresses", "ip1"), apiVersion: SimHarness.network, body: body)
            #expect(reply.status == 400, "\(label)")
            #expect(reply.errorCode == code, "\(label)")
        }
    }

    @Test func dnsLabelIsUniquePerRegion() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            let check = "providers/Microsoft.Network/locations/eastus/CheckDnsNameAvailability"
            #expect(try await sim.arm("GET", check, apiVersion: SimHarness.network, query: "domainNameLabel=drover-test").body?["available"]?.bool == false)
            #expect(try await sim.arm("GET", check, apiVersion: SimHarness.network, query: "domainNameLabel=free-label").body?["available"]?.bool == true)
            #expect(try await sim.arm("GET", "providers/Microsoft.Network/locations/westus/CheckDnsNameAvailability", apiVersion: SimHarness.network,
                                      query: "domainNameLabel=drover-test").body?["available"]?.bool == true)
            let taken = try await sim.arm("PUT", sim.networkPath("publicIPAddresses", "ip2"), apiVersion: SimHarness.network, body: sim.publicIPBody(label: "drover-test"))
            #expect(taken.status == 400)
            #expect(taken.errorCode == "DnsRecordInUse")
            var west = sim.publicIPBody(label: "drover-test")
            west["location"] = "westus"
            #expect(try await sim.arm("PUT", sim.networkPath("publicIPAddresses", "ip3"), apiVersion: SimHarness.network, body: west).status == 201)
            let invalid = try await sim.arm("PUT", sim.networkPath("publicIPAddresses", "ip4"), apiVersion: SimHarness.network, body: sim.publicIPBody(label: "Bad_Label"))
            #expect(invalid.errorCode == "InvalidDomainNameLabel")
        }
    }

    @Test func networkInterfaceStaticAddressAndReferences() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            let created = try await sim.put(sim.networkPath("networkInterfaces", "nic1"), SimHarness.network, sim.nicBody(address: "10.0.1.10", publicIP: "ip1"))
            #expect(created.body?.at("properties.ipConfigurations")?.array?.first?.at("properties.privateIPAddress")?.string == "10.0.1.10")
            let ip = try await sim.arm("GET", sim.networkPath("publicIPAddresses", "ip1"), apiVersion: SimHarness.network)
            #expect(ip.body?.at("properties.ipConfiguration.id")?.string?.hasSuffix("/networkInterfaces/nic1/ipConfigurations/ipconfig1") == true)
            let inUse = try await sim.arm("PUT", sim.networkPath("networkInterfaces", "nic2"), apiVersion: SimHarness.network, body: sim.nicBody(address: "10.0.1.10"))
            #expect(inUse.errorCode == "PrivateIPAddressInUse")
            let reserved = try await sim.arm("PUT", sim.networkPath("networkInterfaces", "nic2"), apiVersion: SimHarness.network, body: sim.nicBody(address: "10.0.1.2"))
            #expect(reserved.errorCode == "PrivateIPAddressIsReserved")
            let noSubnet = try await sim.arm("PUT", sim.networkPath("networkInterfaces", "nic2"), apiVersion: SimHarness.network, body: sim.nicBody(address: "10.0.1.11", subnet: "absent"))
            #expect(noSubnet.errorCode == "InvalidResourceReference")
            let noIP = try await sim.arm("PUT", sim.networkPath("networkInterfaces", "nic2"), apiVersion: SimHarness.network, body: sim.nicBody(address: "10.0.1.11", publicIP: "absent"))
            #expect(noIP.errorCode == "InvalidResourceReference")
            let pipDelete = try await sim.arm("DELETE", sim.networkPath("publicIPAddresses", "ip1"), apiVersion: SimHarness.network)
            #expect(pipDelete.errorCode == "PublicIPAddressInUse")
            #expect(try await sim.arm("DELETE", sim.networkPath("networkInterfaces", "nic1"), apiVersion: SimHarness.network).status == 202)
        }
    }

    @Test func standardLoadBalancerWithFrontendPoolProbesRulesAndOutboundRule() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            try await sim.put(sim.networkPath("publicIPAddresses", "lbip"), SimHarness.network, sim.publicIPBody())
            let lb = sim.id(sim.networkPath("loadBalancers", "lb1"))
            let body: JSONValue = ["location": "eastus", "sku": ["name": "Standard"], "properties": [
                "frontendIPConfigurations": [["name": "fe", "properties": ["publicIPAddress": ["id": .string(sim.id(sim.networkPath("publicIPAddresses", "lbip")))]]]],
                "backendAddressPools": [["name": "be", "properties": [:]]],
                "probes": [["name": "tcp443", "properties": ["protocol": "Tcp", "port": 443, "intervalInSeconds": 5, "numberOfProbes": 2]]],
                "loadBalancingRules": [["name": "https", "properties": [
                    "frontendIPConfiguration": ["id": .string("\(lb)/frontendIPConfigurations/fe")],
                    "backendAddressPool": ["id": .string("\(lb)/backendAddressPools/be")], "probe": ["id": .string("\(lb)/probes/tcp443")],
                    "protocol": "Tcp", "frontendPort": 443, "backendPort": 443, "enableFloatingIP": false, "idleTimeoutInMinutes": 4,
                    "loadDistribution": "Default", "disableOutboundSnat": true]]],
                "outboundRules": [["name": "egress", "properties": [
                    "frontendIPConfigurations": [["id": .string("\(lb)/frontendIPConfigurations/fe")]],
                    "backendAddressPool": ["id": .string("\(lb)/backendAddressPools/be")], "protocol": "All"]]],
            ]]
            let created = try await sim.put(sim.networkPath("loadBalancers", "lb1"), SimHarness.network, body)
            #expect(created.status == 201)
            #expect(created.body?.at("properties.probes")?.array?.first?["id"]?.string == "\(lb)/probes/tcp443")
            // NIC joins the pool (azure-api.md §5.5: membership is declared on the NIC).
            var nic = sim.nicBody(address: "10.0.1.20")
            nic.set("properties.ipConfigurations", .array([{
                var config = nic.at("properties.ipConfigurations")!.array![0]
                config.set("properties.loadBalancerBackendAddressPools", [["id": .string("\(lb)/backendAddressPools/be")]])
                return config
            }()]))
            #expect(try await sim.arm("PUT", sim.networkPath("networkInterfaces", "nic1"), apiVersion: SimHarness.network, body: nic).status == 201)
            #expect(try await sim.arm("DELETE", sim.networkPath("loadBalancers", "lb1"), apiVersion: SimHarness.network).errorCode == "InUseLoadBalancerCannotBeDeleted")
            var broken = body
            broken.set("properties.loadBalancingRules", .array([{
                var rule = body.at("properties.loadBalancingRules")!.array![0]
                rule.set("properties.probe.id", .string("\(lb)/probes/absent"))
                return rule
            }()]))
            #expect(try await sim.arm("PUT", sim.networkPath("loadBalancers", "lb1"), apiVersion: SimHarness.network, body: broken).errorCode == "InvalidResourceReference")
            let basic = try await sim.arm("PUT", sim.networkPath("loadBalancers", "lb2"), apiVersion: SimHarness.network, body: ["location": "eastus"])
            #expect(basic.errorCode == "BasicSkuLoadBalancerCreationNotAllowed")
        }
    }

    @Test func deletingTheResourceGroupCascades() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            try await sim.put(sim.networkPath("networkInterfaces", "nic1"), SimHarness.network, sim.nicBody(address: "10.0.1.10", publicIP: "ip1"))
            #expect((await sim.simulator.inventory())["resources"]?.array?.count == 5)
            #expect(try await sim.arm("DELETE", "resourcegroups/rg1", apiVersion: SimHarness.resources).status == 202)
            sim.clock.advance(by: 120)
            #expect((await sim.simulator.inventory())["resources"]?.array?.isEmpty == true)
            #expect(try await sim.arm("GET", sim.networkPath("networkInterfaces", "nic1"), apiVersion: SimHarness.network).errorCode == "ResourceGroupNotFound")
        }
    }
}

/// Subnets and security rules through their own endpoints (Subnets_*, SecurityRules_*).
@Suite struct InlineChildEndpointTests {
    @Test func subnetAndSecurityRuleEndpoints() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            let subnetPath = sim.networkPath("virtualNetworks", "vnet1") + "/subnets/extra"
            let created = try await sim.arm("PUT", subnetPath, apiVersion: SimHarness.network, body: ["properties": ["addressPrefix": "10.0.9.0/24"]])
            #expect(created.status == 201)
            #expect(created.body?["id"]?.string == sim.id(subnetPath))
            #expect(created.header("Azure-AsyncOperation") != nil)
            sim.clock.advance(by: 30)
            #expect(try await sim.arm("GET", subnetPath, apiVersion: SimHarness.network).body?.at("properties.addressPrefix")?.string == "10.0.9.0/24")
            let vnet = try await sim.arm("GET", sim.networkPath("virtualNetworks", "vnet1"), apiVersion: SimHarness.network)
            #expect(vnet.body?.at("properties.subnets")?.array?.count == 2)
            let outside = try await sim.arm("PUT", subnetPath, apiVersion: SimHarness.network, body: ["properties": ["addressPrefix": "192.168.0.0/24"]])
            #expect(outside.errorCode == "NetcfgSubnetRangeOutsideVnet")
            try await sim.put(sim.networkPath("networkInterfaces", "nic1"), SimHarness.network, sim.nicBody(address: "10.0.1.10"))
            let inUse = try await sim.arm("DELETE", sim.networkPath("virtualNetworks", "vnet1") + "/subnets/nodes", apiVersion: SimHarness.network)
            #expect(inUse.errorCode == "InUseSubnetCannotBeDeleted")
            let deleted = try await sim.arm("DELETE", subnetPath, apiVersion: SimHarness.network)
            #expect(deleted.status == 202)
            #expect(try await sim.arm("GET", subnetPath, apiVersion: SimHarness.network).status == 404)

            let rulePath = sim.networkPath("networkSecurityGroups", "nsg1") + "/securityRules/allow-kube"
            let rule: JSONValue = ["properties": ["priority": 120, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                                                  "sourceAddressPrefix": "10.0.0.0/16", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "6443"]]
            #expect(try await sim.arm("PUT", rulePath, apiVersion: SimHarness.network, body: rule).status == 201)
            var clash = rule
            clash.set("properties.priority", 100)
            #expect(try await sim.arm("PUT", rulePath, apiVersion: SimHarness.network, body: clash).errorCode == "SecurityRuleConflict")
            #expect(try await sim.arm("GET", rulePath, apiVersion: SimHarness.network).body?.at("properties.destinationPortRange")?.string == "6443")
        }
    }
}

/// Every network type: PUT, GET, PATCH (tags, NetworkSecurityGroups_UpdateTags and friends), PUT again (200), DELETE
/// until gone.
@Suite struct NetworkLifecycleTests {
    static let types = ["networkSecurityGroups", "virtualNetworks", "publicIPAddresses", "networkInterfaces", "loadBalancers"]

    func body(_ sim: SimHarness, _ type: String) -> JSONValue {
        switch type {
        case "networkSecurityGroups": sim.nsgBody()
        case "virtualNetworks": sim.vnetBody(subnets: ["a"])
        case "publicIPAddresses": sim.publicIPBody(label: "lifecycle-test")
        case "networkInterfaces": sim.nicBody(address: "10.0.1.40")
        default: ["location": "eastus", "sku": ["name": "Standard"], "properties": ["backendAddressPools": [["name": "be"]]]]
        }
    }

    @Test(arguments: types)
    func createReadUpdateDelete(_ type: String) async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            let path = sim.networkPath(type, "x1")
            let created = try await sim.put(path, SimHarness.network, body(sim, type), settle: 30)
            #expect(created.status == 201)
            let read = try await sim.arm("GET", path, apiVersion: SimHarness.network)
            #expect(read.status == 200)
            #expect(read.body?["id"]?.string == sim.id(path))
            #expect(read.body?["etag"]?.string != nil)
            let tagged = try await sim.arm("PATCH", path, apiVersion: SimHarness.network, body: ["tags": ["stage": "network"]])
            #expect(tagged.body?.at("tags.stage")?.string == "network")
            #expect(try await sim.put(path, SimHarness.network, body(sim, type), settle: 30).status == 200)
            let deleted = try await sim.arm("DELETE", path, apiVersion: SimHarness.network)
            #expect(deleted.status == 202)
            sim.clock.advance(by: 30)
            #expect(try await sim.poll(try #require(deleted.header("Location"))).status == 200)
            #expect(try await sim.arm("GET", path, apiVersion: SimHarness.network).errorCode == "ResourceNotFound")
        }
    }
}

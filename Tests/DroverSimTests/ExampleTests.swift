import DroverSim
import Foundation
import Testing

/// Every official example in AzureExamples/ (copies of shared/reference/azure-examples/) is accepted by the simulator.
/// The examples come from the newer api-versions; the simulator serves the versions whose definitions are bundled,
/// against which the example bodies validate too (openapi/README.md), so the test sends those versions.
@Suite struct ExampleTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("AzureExamples")

    struct Example {
        var file: String
        var parameters: JSONValue
        var body: JSONValue?
    }

    static func load(_ file: String, subscription: String) throws -> Example {
        var text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        for placeholder in ["{subscription-id}", "{subscriptionId}", "00000000-0000-0000-0000-000000000000", "/subid/"] {
            text = text.replacingOccurrences(of: placeholder, with: placeholder == "/subid/" ? "/\(subscription)/" : subscription)
        }
        text = text.replacingOccurrences(of: "{existing-nic-name}", with: "example-nic")
        let document = try JSONValue.parse(Data(text.utf8))
        let parameters = try #require(document["parameters"])
        return Example(file: file, parameters: parameters, body: parameters["parameters"] ?? parameters["extensionParameters"])
    }

    static let files = try! FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()

    @Test func thereAreExamples() { #expect(Self.files.count == 12) }

    @Test(arguments: files)
    func exampleIsAccepted(_ file: String) async throws {
        // Basic-SKU examples predate the 2025 retirement; replay them with the retirement off (see basicSkuIsRefused).
        try await SimHarness.run(refuseBasicSku: false) { sim in
            let example = try Self.load(file, subscription: sim.endpoints.subscriptionId)
            let p = example.parameters
            func value(_ key: String) -> String { p[key]?.string ?? "" }
            let operation = file.split(separator: ".")[0]
            switch operation {
            case "ResourceGroups_CreateOrUpdate":
                let reply = try await sim.arm("PUT", "resourcegroups/\(value("resourceGroupName"))", apiVersion: SimHarness.resources, body: example.body)
                #expect(reply.status == 201, "\(file): \(String(describing: reply.body))")
            case "CheckDnsNameAvailability":
                let reply = try await sim.arm("GET", "providers/Microsoft.Network/locations/\(value("location"))/CheckDnsNameAvailability",
                                              apiVersion: SimHarness.network, query: "domainNameLabel=\(value("domainNameLabel"))")
                #expect(reply.status == 200)
                #expect(reply.body?["available"]?.bool != nil)
            case "VirtualMachines_Delete", "PublicIPAddresses_Delete":
                let group = value("resourceGroupName")
                try await Self.prerequisites(sim, group: group, location: operation.hasPrefix("Virtual") ? "westus" : "eastus")
                let path: String
                if operation.hasPrefix("Virtual") {
                    try await sim.put("resourceGroups/\(group)/providers/Microsoft.Compute/virtualMachines/\(value("vmName"))", SimHarness.compute, Self.vm(sim, group: group))
                    path = "resourceGroups/\(group)/providers/Microsoft.Compute/virtualMachines/\(value("vmName"))"
                } else {
                    path = sim.networkPath("publicIPAddresses", value("publicIpAddressName"), group: group)
                    try await sim.put(path, SimHarness.network, sim.publicIPBody())
                }
                let reply = try await sim.arm("DELETE", path, apiVersion: operation.hasPrefix("Virtual") ? SimHarness.compute : SimHarness.network,
                                              query: p["forceDeletion"].map { "forceDeletion=\($0.string ?? "")" } ?? "")
                #expect(reply.status == 202, "\(file)")
                #expect(reply.header("Location") != nil)
            default:
                let group = value("resourceGroupName")
                let location = example.body?["location"]?.string ?? "eastus"
                try await Self.prerequisites(sim, group: group, location: location)
                let path: String
                let version: String
                switch operation {
                case "VirtualMachines_CreateOrUpdate":
                    path = "resourceGroups/\(group)/providers/Microsoft.Compute/virtualMachines/\(value("vmName"))"
                    version = SimHarness.compute
                case "VirtualMachineExtensions_CreateOrUpdate":
                    try await sim.put("resourceGroups/\(group)/providers/Microsoft.Compute/virtualMachines/\(value("vmName"))", SimHarness.compute, Self.vm(sim, group: group))
                    path = "resourceGroups/\(group)/providers/Microsoft.Compute/virtualMachines/\(value("vmName"))/extensions/\(value("vmExtensionName"))"
                    version = SimHarness.compute
                default:
                    let (type, nameKey) = Self.networkTypes[String(operation)]!
                    path = sim.networkPath(type, value(nameKey), group: group)
                    version = SimHarness.network
                }
                let reply = try await sim.arm("PUT", path, apiVersion: version, body: example.body)
                // The public-IP examples replace the `test-ip` the NIC example needs, so they may answer 200.
                #expect([200, 201].contains(reply.status), "\(file): \(String(describing: reply.body))")
                #expect(reply.body?["id"]?.string?.lowercased() == sim.id(path).lowercased())
            }
        }
    }

    static let networkTypes: [String: (String, String)] = [
        "VirtualNetworks_CreateOrUpdate": ("virtualNetworks", "virtualNetworkName"),
        "PublicIPAddresses_CreateOrUpdate": ("publicIPAddresses", "publicIpAddressName"),
        "NetworkInterfaces_CreateOrUpdate": ("networkInterfaces", "networkInterfaceName"),
        "LoadBalancers_CreateOrUpdate": ("loadBalancers", "loadBalancerName"),
    ]

    /// What the examples refer to: the group, the VNets/subnets and public IP they name, and a NIC for the VM.
    static func prerequisites(_ sim: SimHarness, group: String, location: String) async throws {
        try await sim.createGroup(group)
        for (vnet, subnet) in [("rg1-vnet", "default"), ("vnetlb", "subnetlb"), ("example-vnet", "default")] {
            try await sim.put(sim.networkPath("virtualNetworks", vnet, group: group), SimHarness.network, [
                "location": .string(location),
                "properties": ["addressSpace": ["addressPrefixes": ["10.0.0.0/16"]], "subnets": [["name": .string(subnet), "properties": ["addressPrefix": "10.0.0.0/24"]]]],
            ])
        }
        var ip = sim.publicIPBody()
        ip["location"] = .string(location)
        try await sim.put(sim.networkPath("publicIPAddresses", "test-ip", group: group), SimHarness.network, ip)
        try await sim.put(sim.networkPath("networkInterfaces", "example-nic", group: group), SimHarness.network, [
            "location": .string(location),
            "properties": ["ipConfigurations": [["name": "ipconfig1", "properties": [
                "subnet": ["id": .string(sim.id(sim.networkPath("virtualNetworks", "example-vnet", group: group)) + "/subnets/default")]]]]],
        ])
    }

    static func vm(_ sim: SimHarness, group: String) -> JSONValue {
        var body = sim.linuxVMBody(nic: "example-nic")
        body["location"] = "westus"
        body.set("properties.networkProfile.networkInterfaces", [["id": .string(sim.id(sim.networkPath("networkInterfaces", "example-nic", group: group)))]])
        return body
    }
}

import DroverSim
import Foundation
import Testing

/// Bodies of a small cluster network, as a client would send them (azure-api.md §5, §6).
extension SimHarness {
    func nsgBody() -> JSONValue {
        ["location": "eastus", "properties": ["securityRules": [
            ["name": "allow-ssh", "properties": ["priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                                                "sourceAddressPrefix": "203.0.113.0/24", "sourcePortRange": "*",
                                                "destinationAddressPrefix": "*", "destinationPortRange": "22"]],
            ["name": "allow-https", "properties": ["priority": 110, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                                                  "sourceAddressPrefix": "*", "sourcePortRange": "*",
                                                  "destinationAddressPrefix": "*", "destinationPortRanges": ["80", "443"]]],
        ]]]
    }

    func vnetBody(subnets: [String] = ["nodes"]) -> JSONValue {
        .object(["location": "eastus", "properties": [
            "addressSpace": ["addressPrefixes": ["10.0.0.0/16"]],
            "subnets": .array(subnets.enumerated().map { index, name in
                ["name": .string(name), "properties": ["addressPrefix": .string("10.0.\(index + 1).0/24"), "defaultOutboundAccess": true,
                                                        "networkSecurityGroup": ["id": .string(id(networkPath("networkSecurityGroups", "nsg1")))]]]
            }),
        ]])
    }

    func publicIPBody(label: String? = nil) -> JSONValue {
        var body: JSONValue = ["location": "eastus", "sku": ["name": "Standard", "tier": "Regional"],
                               "properties": ["publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4"]]
        if let label { body.set("properties.dnsSettings.domainNameLabel", .string(label)) }
        return body
    }

    func nicBody(address: String, publicIP: String? = nil, subnet: String = "nodes") -> JSONValue {
        var config: JSONValue = ["name": "ipconfig1", "properties": [
            "primary": true, "privateIPAllocationMethod": "Static", "privateIPAddress": .string(address),
            "subnet": ["id": .string(id(networkPath("virtualNetworks", "vnet1")) + "/subnets/\(subnet)")],
        ]]
        if let publicIP { config.set("properties.publicIPAddress.id", .string(id(networkPath("publicIPAddresses", publicIP)))) }
        return ["location": "eastus", "properties": ["ipConfigurations": [config]]]
    }

    func linuxVMBody(nic: String, customData: String? = nil) -> JSONValue {
        var body: JSONValue = ["location": "eastus", "properties": [
            "hardwareProfile": ["vmSize": "Standard_B2s"],
            "storageProfile": [
                "imageReference": ["publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"],
                "osDisk": ["createOption": "FromImage", "managedDisk": ["storageAccountType": "StandardSSD_LRS"], "deleteOption": "Delete"],
            ],
            "osProfile": ["computerName": "node1", "adminUsername": "azureuser", "linuxConfiguration": [
                "disablePasswordAuthentication": true,
                "ssh": ["publicKeys": [["path": "/home/azureuser/.ssh/authorized_keys", "keyData": "ssh-ed25519 AAAAC3Nza test"]]],
            ]],
            "networkProfile": ["networkInterfaces": [["id": .string(id(networkPath("networkInterfaces", nic))), "properties": ["primary": true, "deleteOption": "Delete"]]]],
        ]]
        if let customData { body.set("properties.osProfile.customData", .string(customData)) }
        return body
    }

    func windowsVMBody(nic: String) -> JSONValue {
        ["location": "eastus", "properties": [
            "hardwareProfile": ["vmSize": "Standard_D4s_v5"],
            "storageProfile": [
                "imageReference": ["publisher": "MicrosoftWindowsServer", "offer": "WindowsServer", "sku": "2022-datacenter-azure-edition", "version": "latest"],
                "osDisk": ["createOption": "FromImage", "managedDisk": ["storageAccountType": "StandardSSD_LRS"], "deleteOption": "Delete"],
            ],
            "osProfile": ["computerName": "win1", "adminUsername": "azadmin", "adminPassword": "Xy7!kL9#mQ2$pR4w",
                          "windowsConfiguration": ["provisionVMAgent": true, "enableAutomaticUpdates": true]],
            "networkProfile": ["networkInterfaces": [["id": .string(id(networkPath("networkInterfaces", nic))), "properties": ["primary": true, "deleteOption": "Delete"]]]],
        ]]
    }

    func vmPath(_ name: String) -> String { "resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/\(name)" }

    /// PUTs `body` and lets its operation finish; returns the PUT's reply.
    @discardableResult
    func put(_ path: String, _ apiVersion: String, _ body: JSONValue, settle seconds: Double = 600) async throws -> Reply {
        let reply = try await arm("PUT", path, apiVersion: apiVersion, body: body)
        #expect([200, 201].contains(reply.status), "PUT \(path): \(reply.status) \(String(describing: reply.body))")
        clock.advance(by: seconds)
        return reply
    }

    /// Resource group, NSG, VNet with subnet `nodes`, and one public IP `ip1`.
    func createNetwork() async throws {
        try await createGroup()
        try await put(networkPath("networkSecurityGroups", "nsg1"), Self.network, nsgBody())
        try await put(networkPath("virtualNetworks", "vnet1"), Self.network, vnetBody())
        try await put(networkPath("publicIPAddresses", "ip1"), Self.network, publicIPBody(label: "drover-test"))
    }
}

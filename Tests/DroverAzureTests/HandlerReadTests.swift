@testable import DroverAzure
import DroverEngine
import DroverHTTPTestSupport
import Foundation
import Testing

/// `read`: nil when gone, observed inputs for drift, `settled: false` while ARM is still working.
@Suite struct HandlerReadTests {
    static let rg = "/subscriptions/\(AzureFixture.subscription)/resourceGroups/rg"

    @Test func missingResourceReadsAsNil() async throws {
        try await withAzure(respond: { _ in .json(404, ["error": ["code": "ResourceNotFound", "message": "gone"]]) }) { azure in
            let inputs = PublicIPHandler.Inputs(name: "p", resourceGroup: "rg", location: "eastus", sku: "Standard", allocation: "Static", dnsLabel: nil)
            let found = try await PublicIPHandler(session: azure.session).read(inputs, prior: nil, context: azure.context(.read))
            #expect(found == nil)
        }
    }

    @Test func resourceStillUpdatingIsNotSettled() async throws {
        try await withAzure(respond: { request in
            .json(200, ["id": request.path, "location": "eastus", "sku": ["name": "Standard"],
                        "properties": ["provisioningState": "Updating", "publicIPAllocationMethod": "Static", "ipAddress": "20.0.0.9",
                                       "dnsSettings": ["domainNameLabel": "other", "fqdn": "other.eastus.cloudapp.azure.com"]]])
        }) { azure in
            let inputs = PublicIPHandler.Inputs(name: "p", resourceGroup: "rg", location: "eastus", sku: "Standard", allocation: "Static", dnsLabel: "mine")
            let observed = try #require(try await PublicIPHandler(session: azure.session).read(inputs, prior: nil, context: azure.context(.read)))
            #expect(observed.settled == false)
            #expect(observed.inputs?.dnsLabel == "other", "a label changed outside Drover shows as drift")
            #expect(observed.outputs.fqdn == "other.eastus.cloudapp.azure.com")
        }
    }

    @Test func nicIdsInOtherCasingAreNoDrift() async throws {
        let subnet = "\(Self.rg)/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
        try await withAzure(respond: { request in
            .json(200, ["id": request.path, "location": "eastus", "properties": ["provisioningState": "Succeeded", "ipConfigurations": [[
                "name": "ipconfig1", "properties": ["primary": true, "privateIPAddress": "10.0.1.9", "subnet": ["id": subnet.lowercased()]],
            ]]]])
        }) { azure in
            let inputs = NetworkInterfaceHandler.Inputs(
                name: "n", resourceGroup: "rg", location: "eastus", subnetId: subnet, privateIPAddress: "10.0.1.4", publicIPAddressId: nil, loadBalancerBackendPoolId: nil)
            let observed = try #require(try await NetworkInterfaceHandler(session: azure.session).read(inputs, prior: nil, context: azure.context(.read)))
            #expect(observed.inputs?.subnetId == subnet)
            #expect(observed.inputs?.privateIPAddress == "10.0.1.9")
            #expect(observed.settled)
        }
    }

    @Test func vnetReadObservesDroverSubnet() async throws {
        try await withAzure(respond: { request in
            .json(200, ["id": request.path, "location": "eastus", "properties": [
                "addressSpace": ["addressPrefixes": ["10.0.0.0/16"]],
                "subnets": [["name": "s", "id": "\(request.path)/subnets/s", "properties": ["addressPrefix": "10.0.7.0/24"]]],
            ]])
        }) { azure in
            let inputs = VirtualNetworkHandler.Inputs(name: "v", resourceGroup: "rg", location: "eastus", addressSpace: "10.0.0.0/16", subnetName: "s", subnetPrefix: "10.0.1.0/24")
            let observed = try #require(try await VirtualNetworkHandler(session: azure.session).read(inputs, prior: nil, context: azure.context(.read)))
            #expect(observed.inputs?.subnetPrefix == "10.0.7.0/24")
            #expect(observed.outputs.subnetId == "\(Self.rg)/providers/Microsoft.Network/virtualNetworks/v/subnets/s")
        }
    }
}

import Foundation

/// How a PUT/DELETE of a type completes (azure-api.md §2 table; definitions' `x-ms-long-running-operation(-options)`).
enum LongRunningStyle: Sendable {
    /// Synchronous: 200/201 with the final body (ResourceGroups_CreateOrUpdate, RoleAssignments_Create).
    case synchronous
    /// Microsoft.Network: PUT 201/200 + `Azure-AsyncOperation` (final-state-via azure-async-operation),
    /// DELETE 202 + `Location` …/locations/{loc}/operationResults/{id} (final-state-via location; example PublicIPAddresses_Delete.json).
    case network
    /// Microsoft.Compute: PUT 201/200 + `Azure-AsyncOperation` …/locations/{loc}/operations/{id} (azure-api.md §2 step 3),
    /// DELETE 202 + `Location` …/operations/{id}?monitor=true (example VirtualMachines_Delete.force.json).
    case compute
}

/// One ARM resource type the simulator serves, tied to its official definition.
struct ResourceKind: Sendable {
    /// Canonical type, e.g. `Microsoft.Network/publicIPAddresses`.
    let type: String
    /// Definition file (relative to the bundled openapi folder) holding the operations.
    let file: String
    /// Definition of the PUT body.
    let definition: String
    /// Definition of the PATCH body, where the definition has a PATCH.
    let patchDefinition: String?
    let style: LongRunningStyle
    /// Latency key in `LatencyModel`.
    let latencyKey: String

    var provider: String { String(type.split(separator: "/")[0]) }
    var typeSegments: [String] { type.split(separator: "/").dropFirst().map { $0.lowercased() } }

    static let network = "azure-rest-api-specs/specification/network/resource-manager/Microsoft.Network/stable/2024-03-01/"
    static let compute = "azure-rest-api-specs/specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/"
    static let resourcesFile = "azure-rest-api-specs/specification/resources/resource-manager/Microsoft.Resources/stable/2021-04-01/resources.json"
    static let authorizationFile = "azure-rest-api-specs/specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json"

    // Operation → file → definition: openapi/README.md "Operation -> file -> definition".
    static let resourceGroup = ResourceKind(
        type: "Microsoft.Resources/resourceGroups", file: resourcesFile, definition: "ResourceGroup",
        patchDefinition: "ResourceGroupPatchable", style: .synchronous, latencyKey: "resourceGroup")
    static let networkSecurityGroup = ResourceKind(
        type: "Microsoft.Network/networkSecurityGroups", file: network + "networkSecurityGroup.json",
        definition: "NetworkSecurityGroup", patchDefinition: "TagsObject", style: .network, latencyKey: "network")
    static let virtualNetwork = ResourceKind(
        type: "Microsoft.Network/virtualNetworks", file: network + "virtualNetwork.json",
        definition: "VirtualNetwork", patchDefinition: "TagsObject", style: .network, latencyKey: "network")
    static let publicIPAddress = ResourceKind(
        type: "Microsoft.Network/publicIPAddresses", file: network + "publicIpAddress.json",
        definition: "PublicIPAddress", patchDefinition: "TagsObject", style: .network, latencyKey: "network")
    static let networkInterface = ResourceKind(
        type: "Microsoft.Network/networkInterfaces", file: network + "networkInterface.json",
        definition: "NetworkInterface", patchDefinition: "TagsObject", style: .network, latencyKey: "network")
    static let loadBalancer = ResourceKind(
        type: "Microsoft.Network/loadBalancers", file: network + "loadBalancer.json",
        definition: "LoadBalancer", patchDefinition: "TagsObject", style: .network, latencyKey: "network")
    static let virtualMachine = ResourceKind(
        type: "Microsoft.Compute/virtualMachines", file: compute + "virtualMachine.json",
        definition: "VirtualMachine", patchDefinition: "VirtualMachineUpdate", style: .compute, latencyKey: "vm")
    static let extensionKind = ResourceKind(
        type: "Microsoft.Compute/virtualMachines/extensions", file: compute + "virtualMachine.json",
        definition: "VirtualMachineExtension", patchDefinition: "VirtualMachineExtensionUpdate", style: .compute,
        latencyKey: "extension")
    static let roleAssignment = ResourceKind(
        type: "Microsoft.Authorization/roleAssignments", file: authorizationFile,
        definition: "RoleAssignmentCreateParameters", patchDefinition: nil, style: .synchronous, latencyKey: "none")

    /// Top-level types under a resource group.
    static let topLevel: [ResourceKind] = [networkSecurityGroup, virtualNetwork, publicIPAddress, networkInterface, loadBalancer, virtualMachine]

    /// The response definition (the PUT body definition, except for role assignments).
    var responseDefinition: String { self.type == ResourceKind.roleAssignment.type ? "RoleAssignment" : definition }

    /// Where the PATCH definition lives: network's `TagsObject` is in network.json (definition `$ref './network.json#/definitions/TagsObject'`).
    var patchFile: String { patchDefinition == "TagsObject" ? ResourceKind.network + "network.json" : file }
}

import DroverEngine
import Foundation

/// `azure.virtual_network`: a VNet with Drover's subnet (Network 2024-03-01, `VirtualNetwork` and `Subnet` in
/// virtualNetwork.json; azure-api.md §5.2).
///
/// A VNet PUT is the whole state: a body without a subnet deletes it (`InUseSubnetCannotBeDeleted` once NICs use it).
/// So every PUT first reads the VNet and sends every subnet it has, with Drover's own one set as the spec says.
public struct VirtualNetworkHandler: ARMResourceHandler {
    /// Inputs, as the blueprint sends them.
    public struct Inputs: ResourceGroupScopedInputs, Equatable {
        /// The VNet's name.
        public var name: String
        /// Its resource group's name.
        public var resourceGroup: String
        /// The Azure region.
        public var location: String
        /// The address space, such as `10.0.0.0/16`.
        public var addressSpace: String
        /// Drover's subnet's name.
        public var subnetName: String
        /// Drover's subnet's prefix, such as `10.0.1.0/24`.
        public var subnetPrefix: String
        /// The NSG attached to the subnet, if any.
        public var networkSecurityGroupId: String?
    }

    /// Outputs: the VNet's id and the subnet's id (what NICs reference).
    public struct Outputs: Codable, Sendable, Equatable {
        /// The VNet's ARM id.
        public var id: String
        /// The subnet's ARM id.
        public var subnetId: String
    }

    struct Body: Codable {
        struct AddressSpace: Codable { var addressPrefixes: [String] }
        struct Properties: Codable {
            var addressSpace: AddressSpace
            var subnets: [Value]?
            var provisioningState: String?
        }
        var id: String?
        var location: String
        var properties: Properties
    }

    public static let resourceType = "Microsoft.Network/virtualNetworks"
    public static let apiVersion = APIVersions.network

    public let session: AzureSession
    /// Creates the handler.
    public init(session: AzureSession) { self.session = session }

    public var type: String { "azure.virtual_network" }
    public var replaceTriggers: Set<String> { ["name", "location", "resourceGroup"] }

    /// Drover's subnet: the prefix, the NSG and explicit default outbound access, so VMs reach the internet for
    /// packages even on api-versions that make new subnets private (azure-api.md "api-versions", the warning).
    static func subnet(_ inputs: Inputs) -> Value {
        var properties: [String: Value] = ["addressPrefix": .string(inputs.subnetPrefix), "defaultOutboundAccess": .bool(true)]
        if let nsg = inputs.networkSecurityGroupId { properties["networkSecurityGroup"] = .object(["id": .string(nsg)]) }
        return .object(["name": .string(inputs.subnetName), "properties": .object(properties)])
    }

    /// The body: every existing subnet kept (only its name and properties, as a PUT takes them), Drover's replaced.
    static func body(_ inputs: Inputs, existing: Body?) -> Body {
        let kept = (existing?.properties.subnets ?? []).compactMap { subnet -> Value? in
            guard let name = subnet["name"]?.stringValue, name.lowercased() != inputs.subnetName.lowercased() else { return nil }
            var properties = subnet["properties"] ?? .object([:])
            if case .object(var fields) = properties {
                // Read-only fields ARM reports but a PUT does not take.
                for readOnly in ["provisioningState", "ipConfigurations", "purpose", "privateEndpoints", "resourceNavigationLinks",
                                 "serviceAssociationLinks", "ipConfigurationProfiles"] { fields[readOnly] = nil }
                properties = .object(fields)
            }
            return .object(["name": .string(name), "properties": properties])
        }
        return Body(location: inputs.location, properties: .init(addressSpace: .init(addressPrefixes: [inputs.addressSpace]), subnets: kept + [subnet(inputs)]))
    }


    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let arm = try await arm(context)
        let existing = try await fetch(arm, inputs, as: Body.self, context: context)
        let result = try await put(arm, inputs, body: Self.body(inputs, existing: existing), as: Body.self, context: context)
        return outputs(result, arm: arm, inputs: inputs)
    }

    func outputs(_ body: Body, arm: ARMClient, inputs: Inputs) -> Outputs {
        let id = body.id ?? path(arm, inputs)
        let subnetId = (body.properties.subnets ?? []).first { $0["name"]?.stringValue?.lowercased() == inputs.subnetName.lowercased() }?["id"]?.stringValue
        return Outputs(id: id, subnetId: subnetId ?? "\(id)/subnets/\(inputs.subnetName)")
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let arm = try await arm(context)
        guard let found = try await fetch(arm, inputs, as: Body.self, context: context) else { return nil }
        var observed = inputs
        observed.addressSpace = found.properties.addressSpace.addressPrefixes.first ?? inputs.addressSpace
        let ours = (found.properties.subnets ?? []).first { $0["name"]?.stringValue?.lowercased() == inputs.subnetName.lowercased() }
        observed.subnetPrefix = ours?["properties"]?["addressPrefix"]?.stringValue ?? ""
        observed.networkSecurityGroupId = ResourceID.spelled(ours?["properties"]?["networkSecurityGroup"]?["id"]?.stringValue, as: inputs.networkSecurityGroupId)
        return Observed(outputs(found, arm: arm, inputs: inputs), inputs: observed, settled: ARMClient.isSettled(found.properties.provisioningState))
    }


}

import DroverEngine
import Foundation

/// `azure.network_interface`: a NIC with one static private IP, an optional public IP and optional load-balancer
/// pool membership (Network 2024-03-01, `NetworkInterface` and `NetworkInterfaceIPConfiguration` in
/// networkInterface.json; azure-api.md §5.5: pool membership is declared on the NIC, not on the load balancer).
public struct NetworkInterfaceHandler: ARMResourceHandler {
    /// Inputs, as the blueprint sends them.
    public struct Inputs: ResourceGroupScopedInputs, Equatable {
        /// The NIC's name.
        public var name: String
        /// Its resource group's name.
        public var resourceGroup: String
        /// The Azure region.
        public var location: String
        /// The subnet's id.
        public var subnetId: String
        /// The static private address (not the subnet's first four or last, azure-api.md §5.2).
        public var privateIPAddress: String
        /// The public IP's id, if any.
        public var publicIPAddressId: String?
        /// The load balancer's backend pool id, if the NIC is in it.
        public var loadBalancerBackendPoolId: String?
    }

    /// Outputs: the NIC's id and its private address.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The ARM id.
        public var id: String
        /// The private IPv4 address.
        public var privateIPAddress: String
    }

    struct Body: Codable {
        struct IPConfiguration: Codable {
            struct Properties: Codable {
                var primary: Bool?
                var subnet: SubResource?
                var privateIPAllocationMethod: String?
                var privateIPAddress: String?
                var privateIPAddressVersion: String?
                var publicIPAddress: SubResource?
                var loadBalancerBackendAddressPools: [SubResource]?
            }
            var name: String
            var properties: Properties
        }
        struct Properties: Codable {
            var ipConfigurations: [IPConfiguration]
            var provisioningState: String?
        }
        var id: String?
        var location: String
        var properties: Properties
    }

    public static let resourceType = "Microsoft.Network/networkInterfaces"
    public static let apiVersion = APIVersions.network

    public let session: AzureSession
    /// Creates the handler.
    public init(session: AzureSession) { self.session = session }

    public var type: String { "azure.network_interface" }
    public var replaceTriggers: Set<String> { ["name", "location", "resourceGroup"] }

    /// A changed private address is the NIC's new output; everything else stays.
    public func plannedOutputs(old: Value?, new: Value, prior: Value?) -> Value? {
        guard old != nil, case .object(var outputs) = prior else { return old == nil ? nil : prior }
        if let address = new["privateIPAddress"] { outputs["privateIPAddress"] = address }
        return .object(outputs)
    }

    static func body(_ inputs: Inputs) throws -> Body {
        guard inputs.privateIPAddress.split(separator: ".").count == 4 else {
            throw CodedError(
                code: "InvalidPrivateIPAddress", message: "network interface \(inputs.name): privateIPAddress \"\(inputs.privateIPAddress)\" is not an IPv4 address",
                remediation: "give the node a static address inside the subnet", nothingApplied: true)
        }
        let configuration = Body.IPConfiguration(
            name: "ipconfig1",
            properties: .init(
                primary: true, subnet: SubResource(inputs.subnetId), privateIPAllocationMethod: "Static",
                privateIPAddress: inputs.privateIPAddress, privateIPAddressVersion: "IPv4",
                publicIPAddress: inputs.publicIPAddressId.map(SubResource.init),
                loadBalancerBackendAddressPools: inputs.loadBalancerBackendPoolId.map { [SubResource($0)] }))
        return Body(location: inputs.location, properties: .init(ipConfigurations: [configuration]))
    }


    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let body = try Self.body(inputs)
        let arm = try await arm(context)
        let result = try await put(arm, inputs, body: body, as: Body.self, context: context)
        return Outputs(id: result.id ?? path(arm, inputs), privateIPAddress: result.properties.ipConfigurations.first?.properties.privateIPAddress ?? inputs.privateIPAddress)
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let arm = try await arm(context)
        guard let found = try await fetch(arm, inputs, as: Body.self, context: context) else { return nil }
        let primary = found.properties.ipConfigurations.first { $0.properties.primary ?? true }?.properties
        var observed = inputs
        observed.privateIPAddress = primary?.privateIPAddress ?? ""
        observed.subnetId = ResourceID.spelled(primary?.subnet?.id, as: inputs.subnetId) ?? ""
        observed.publicIPAddressId = ResourceID.spelled(primary?.publicIPAddress?.id, as: inputs.publicIPAddressId)
        observed.loadBalancerBackendPoolId = ResourceID.spelled(primary?.loadBalancerBackendAddressPools?.first?.id, as: inputs.loadBalancerBackendPoolId)
        return Observed(
            Outputs(id: found.id ?? path(arm, inputs), privateIPAddress: observed.privateIPAddress), inputs: observed,
            settled: ARMClient.isSettled(found.properties.provisioningState))
    }


}

import DroverEngine
import Foundation

/// `azure.load_balancer`: a public Standard load balancer with one frontend, one backend pool, a TCP probe and rule
/// per port, and an outbound rule giving the pool internet egress (Network 2024-03-01, `LoadBalancer` in
/// loadBalancer.json; azure-api.md §5.4). Child objects reference each other by the load balancer's own id.
public struct LoadBalancerHandler: ARMResourceHandler {
    /// Inputs, as the blueprint sends them.
    public struct Inputs: ResourceGroupScopedInputs, Equatable {
        /// The load balancer's name.
        public var name: String
        /// Its resource group's name.
        public var resourceGroup: String
        /// The Azure region.
        public var location: String
        /// `Standard` (Basic load balancers were retired on 2025-09-30).
        public var sku: String
        /// The frontend's public IP id.
        public var frontendPublicIPId: String
        /// The TCP ports balanced to the pool, each with a TCP probe on the same port.
        public var tcpRules: [Int]
    }

    /// Outputs: the ids NICs and others reference.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The ARM id.
        public var id: String
        /// The backend pool's id.
        public var backendPoolId: String
        /// The frontend configuration's id.
        public var frontendId: String
    }

    static let frontendName = "frontend", poolName = "backend", outboundName = "egress"

    struct Body: Codable {
        struct SKU: Codable { var name: String }
        struct Named<P: Codable>: Codable {
            var name: String
            var properties: P
        }
        struct Frontend: Codable { var publicIPAddress: SubResource }
        struct Pool: Codable {}
        struct Probe: Codable {
            var `protocol`: String
            var port: Int
            var intervalInSeconds: Int
            var numberOfProbes: Int
        }
        struct Rule: Codable {
            var frontendIPConfiguration: SubResource
            var backendAddressPool: SubResource
            var probe: SubResource
            var `protocol`: String
            var frontendPort: Int
            var backendPort: Int
            var enableFloatingIP: Bool
            var idleTimeoutInMinutes: Int
            var loadDistribution: String
            var disableOutboundSnat: Bool
        }
        struct Outbound: Codable {
            var frontendIPConfigurations: [SubResource]
            var backendAddressPool: SubResource
            var `protocol`: String
        }
        struct Properties: Codable {
            var frontendIPConfigurations: [Named<Frontend>]
            var backendAddressPools: [Named<Pool>]
            var probes: [Named<Probe>]
            var loadBalancingRules: [Named<Rule>]
            var outboundRules: [Named<Outbound>]
        }
        var location: String
        var sku: SKU
        var properties: Properties
    }

    struct Answer: Decodable {
        struct Properties: Decodable {
            var provisioningState: String?
            var loadBalancingRules: [Named]?
        }
        struct Named: Decodable {
            struct Properties: Decodable { var frontendPort: Int? }
            var name: String
            var properties: Properties?
        }
        var id: String?
        var properties: Properties?
    }

    public static let resourceType = "Microsoft.Network/loadBalancers"
    public static let apiVersion = APIVersions.network

    public let session: AzureSession
    /// Creates the handler.
    public init(session: AzureSession) { self.session = session }

    public var type: String { "azure.load_balancer" }
    public var replaceTriggers: Set<String> { ["name", "location", "resourceGroup", "sku"] }

    /// The body for the load balancer at `id`: TCP probes every 5 s (2 failures), rules without floating IP (it needs
    /// guest loopback setup) and with outbound SNAT off because the outbound rule provides egress (§5.4).
    static func body(_ inputs: Inputs, id: String) throws -> Body {
        guard inputs.sku == "Standard" else {
            throw CodedError(
                code: "BasicSkuRetired", message: "load balancer \(inputs.name): sku \"\(inputs.sku)\" cannot be created; Azure retired Basic load balancers",
                remediation: "set azure.sku to Standard", nothingApplied: true)
        }
        let frontend = SubResource("\(id)/frontendIPConfigurations/\(frontendName)"), pool = SubResource("\(id)/backendAddressPools/\(poolName)")
        let ports = inputs.tcpRules
        return Body(
            location: inputs.location, sku: .init(name: "Standard"),
            properties: .init(
                frontendIPConfigurations: [.init(name: frontendName, properties: .init(publicIPAddress: SubResource(inputs.frontendPublicIPId)))],
                backendAddressPools: [.init(name: poolName, properties: .init())],
                probes: ports.map { .init(name: "tcp-\($0)", properties: .init(protocol: "Tcp", port: $0, intervalInSeconds: 5, numberOfProbes: 2)) },
                loadBalancingRules: ports.map { port in
                    .init(
                        name: "tcp-\(port)",
                        properties: .init(
                            frontendIPConfiguration: frontend, backendAddressPool: pool, probe: SubResource("\(id)/probes/tcp-\(port)"),
                            protocol: "Tcp", frontendPort: port, backendPort: port, enableFloatingIP: false, idleTimeoutInMinutes: 4,
                            loadDistribution: "Default", disableOutboundSnat: true))
                },
                outboundRules: [.init(name: outboundName, properties: .init(frontendIPConfigurations: [frontend], backendAddressPool: pool, protocol: "All"))]))
    }


    func outputs(id: String) -> Outputs {
        Outputs(id: id, backendPoolId: "\(id)/backendAddressPools/\(Self.poolName)", frontendId: "\(id)/frontendIPConfigurations/\(Self.frontendName)")
    }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let arm = try await arm(context)
        let id = path(arm, inputs)
        let result = try await arm.put(id, apiVersion: Self.apiVersion, body: try Self.body(inputs, id: id), as: Answer.self, context: context)
        return outputs(id: result.id ?? id)
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let arm = try await arm(context)
        guard let found = try await fetch(arm, inputs, as: Answer.self, context: context) else { return nil }
        var observed = inputs
        observed.tcpRules = (found.properties?.loadBalancingRules ?? []).compactMap { $0.properties?.frontendPort }
        return Observed(outputs(id: found.id ?? path(arm, inputs)), inputs: observed, settled: ARMClient.isSettled(found.properties?.provisioningState))
    }


}

import DroverEngine
import Foundation

/// `azure.network_security_group`: an NSG with inbound allow rules (Network 2024-03-01, `NetworkSecurityGroup` and
/// `SecurityRule` in networkSecurityGroup.json; azure-api.md §5.1).
public struct NetworkSecurityGroupHandler: ARMResourceHandler {
    /// One inbound allow rule.
    public struct Rule: Codable, Sendable, Equatable {
        /// The rule's name, unique in the group, such as `allow-ssh`.
        public var name: String
        /// 100–4096, unique per direction; lower wins.
        public var priority: Int
        /// `Tcp`, `Udp` or `*` (`SecurityRulePropertiesFormat.protocol`).
        public var `protocol`: String
        /// Ports or ranges, such as `["22"]` or `["2379-2380"]`.
        public var destinationPortRanges: [String]
        /// Where traffic may come from: a CIDR, `VirtualNetwork`, `Internet` or `*`.
        public var sourceAddressPrefix: String

        /// Creates a rule.
        public init(name: String, priority: Int, protocol: String, destinationPortRanges: [String], sourceAddressPrefix: String) {
            self.name = name
            self.priority = priority
            self.protocol = `protocol`
            self.destinationPortRanges = destinationPortRanges
            self.sourceAddressPrefix = sourceAddressPrefix
        }
    }

    /// Inputs: `{"name", "resourceGroup", "location", "rules": [Rule]}`.
    public struct Inputs: ResourceGroupScopedInputs, Equatable {
        /// The NSG's name.
        public var name: String
        /// Its resource group's name.
        public var resourceGroup: String
        /// The Azure region.
        public var location: String
        /// The inbound allow rules; anything else is denied by Azure's default `DenyAllInBound`.
        public var rules: [Rule]
    }

    /// Outputs: the NSG's id.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The ARM id.
        public var id: String
    }

    struct Body: Codable {
        struct SecurityRule: Codable {
            struct Properties: Codable {
                var priority: Int
                var direction: String
                var access: String
                var `protocol`: String
                var sourceAddressPrefix: String
                var sourcePortRange: String
                var destinationAddressPrefix: String
                var destinationPortRanges: [String]?
                /// Only read: a rule written by someone else with one port.
                var destinationPortRange: String?
            }
            var name: String
            var properties: Properties
        }
        struct Properties: Codable {
            var securityRules: [SecurityRule]?
            var provisioningState: String?
        }
        var id: String?
        var location: String
        var properties: Properties
    }

    public static let resourceType = "Microsoft.Network/networkSecurityGroups"
    public static let apiVersion = APIVersions.network

    public let session: AzureSession
    /// Creates the handler.
    public init(session: AzureSession) { self.session = session }

    public var type: String { "azure.network_security_group" }
    public var replaceTriggers: Set<String> { ["name", "location", "resourceGroup"] }

    static let protocols: Set<String> = ["Tcp", "Udp", "*"]

    /// The request body for `inputs`, after checking each rule.
    /// - Throws: `CodedError` `InvalidSecurityRule` naming the rule and field.
    static func body(_ inputs: Inputs) throws -> Body {
        var priorities: Set<Int> = []
        let rules = try inputs.rules.map { rule -> Body.SecurityRule in
            func invalid(_ field: String, _ why: String) -> CodedError {
                CodedError(code: "InvalidSecurityRule", message: "rules[\(rule.name)].\(field): \(why)", nothingApplied: true)
            }
            guard protocols.contains(rule.protocol) else { throw invalid("protocol", "\"\(rule.protocol)\" is not Tcp, Udp or *") }
            guard (100...4096).contains(rule.priority) else { throw invalid("priority", "\(rule.priority) is outside 100–4096") }
            guard priorities.insert(rule.priority).inserted else { throw invalid("priority", "\(rule.priority) is used by another rule") }
            guard !rule.destinationPortRanges.isEmpty else { throw invalid("destinationPortRanges", "no port given") }
            return Body.SecurityRule(
                name: rule.name,
                properties: .init(
                    priority: rule.priority, direction: "Inbound", access: "Allow", protocol: rule.protocol,
                    sourceAddressPrefix: rule.sourceAddressPrefix, sourcePortRange: "*", destinationAddressPrefix: "*",
                    destinationPortRanges: rule.destinationPortRanges))
        }
        return Body(location: inputs.location, properties: .init(securityRules: rules))
    }


    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let body = try Self.body(inputs)
        let arm = try await arm(context)
        let result = try await put(arm, inputs, body: body, as: Body.self, context: context)
        return Outputs(id: result.id ?? path(arm, inputs))
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let arm = try await arm(context)
        guard let found = try await fetch(arm, inputs, as: Body.self, context: context) else { return nil }
        let rules = (found.properties.securityRules ?? []).filter { $0.properties.direction == "Inbound" && $0.properties.access == "Allow" }.map {
            Rule(name: $0.name, priority: $0.properties.priority, protocol: $0.properties.protocol,
                 destinationPortRanges: $0.properties.destinationPortRanges ?? $0.properties.destinationPortRange.map { [$0] } ?? [],
                 sourceAddressPrefix: $0.properties.sourceAddressPrefix)
        }
        var observed = inputs
        observed.rules = rules
        return Observed(
            Outputs(id: found.id ?? path(arm, inputs)), inputs: observed,
            settled: ARMClient.isSettled(found.properties.provisioningState))
    }


}

import DroverEngine
import Foundation

/// `azure.public_ip`: a Standard, static public IPv4 address, optionally with a DNS label (Network 2024-03-01,
/// `PublicIPAddress` in publicIpAddress.json; azure-api.md §5.3).
///
/// Basic SKU is refused before sending: Azure stopped creating Basic public IPs on 2025-03-31 (azure-api.md §11.1).
/// A DNS label is checked with `CheckDnsNameAvailability` first, unless the address already carries it.
public struct PublicIPHandler: ARMResourceHandler {
    /// Inputs, as the blueprint sends them.
    public struct Inputs: ResourceGroupScopedInputs, Equatable {
        /// The address resource's name.
        public var name: String
        /// Its resource group's name.
        public var resourceGroup: String
        /// The Azure region.
        public var location: String
        /// `Standard` (the only SKU Azure still creates).
        public var sku: String
        /// `Static` (the only allocation a Standard address has).
        public var allocation: String
        /// The DNS label, giving `{label}.{region}.cloudapp.azure.com`.
        public var dnsLabel: String?
    }

    /// Outputs: the id, the allocated address and the FQDN when a label is set.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The ARM id.
        public var id: String
        /// The IPv4 address.
        public var ipAddress: String
        /// The FQDN of the DNS label, if any.
        public var fqdn: String?
    }

    struct Body: Codable {
        struct SKU: Codable {
            var name: String
            var tier: String?
        }
        struct DNSSettings: Codable {
            var domainNameLabel: String
            var fqdn: String?
        }
        struct Properties: Codable {
            var publicIPAllocationMethod: String
            var publicIPAddressVersion: String?
            var dnsSettings: DNSSettings?
            var ipAddress: String?
            var provisioningState: String?
        }
        var id: String?
        var location: String
        var sku: SKU?
        var properties: Properties
    }

    public static let resourceType = "Microsoft.Network/publicIPAddresses"
    public static let apiVersion = APIVersions.network

    public let session: AzureSession
    /// Creates the handler.
    public init(session: AzureSession) { self.session = session }

    public var type: String { "azure.public_ip" }
    public var replaceTriggers: Set<String> { ["name", "location", "resourceGroup", "sku", "allocation"] }

    /// A changed DNS label changes the FQDN; the static address stays.
    public func plannedOutputs(old: Value?, new: Value, prior: Value?) -> Value? {
        guard let old, case .object(var outputs) = prior else { return old == nil ? nil : prior }
        if old["dnsLabel"] != new["dnsLabel"] { outputs["fqdn"] = .unknown }
        return .object(outputs)
    }

    /// `^[a-z][a-z0-9-]{1,61}[a-z0-9]$` (azure-api.md §5.3, from the CheckDnsNameAvailability parameter).
    static func isValidLabel(_ label: String) -> Bool {
        label.range(of: "^[a-z][a-z0-9-]{1,61}[a-z0-9]$", options: .regularExpression) != nil
    }

    /// The request body, after the SKU, allocation and label checks.
    static func body(_ inputs: Inputs) throws -> Body {
        guard inputs.sku == "Standard" else {
            throw CodedError(
                code: "BasicSkuRetired", message: "public IP \(inputs.name): sku \"\(inputs.sku)\" cannot be created; Azure retired Basic public IPs",
                remediation: "set azure.sku to Standard", nothingApplied: true)
        }
        guard inputs.allocation == "Static" else {
            throw CodedError(code: "InvalidAllocation", message: "public IP \(inputs.name): a Standard address is Static, not \(inputs.allocation)", nothingApplied: true)
        }
        if let label = inputs.dnsLabel, !isValidLabel(label) {
            throw CodedError(
                code: "InvalidDnsLabel", message: "public IP \(inputs.name): DNS label \"\(label)\" is not 3–63 lowercase letters, digits or '-' starting with a letter",
                remediation: "choose a label like rancher-demo", nothingApplied: true)
        }
        return Body(
            location: inputs.location, sku: .init(name: "Standard", tier: "Regional"),
            properties: .init(
                publicIPAllocationMethod: "Static", publicIPAddressVersion: "IPv4",
                dnsSettings: inputs.dnsLabel.map { .init(domainNameLabel: $0) }))
    }


    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let body = try Self.body(inputs)
        let arm = try await arm(context)
        if let label = inputs.dnsLabel {
            let current = try await fetch(arm, inputs, as: Body.self, context: context)
            if current?.properties.dnsSettings?.domainNameLabel != label {
                try await checkAvailable(label, inputs: inputs, arm: arm, context: context)
            }
        }
        do {
            let result = try await put(arm, inputs, body: body, as: Body.self, context: context)
            return try outputs(result, arm: arm, inputs: inputs)
        } catch var error as CodedError where error.code == "DnsRecordInUse" {
            error.remediation = Self.labelInUseRemediation(inputs)
            throw error
        }
    }

    /// `GET …/locations/{location}/CheckDnsNameAvailability?domainNameLabel=` (checkDnsAvailability.json).
    /// `DnsNameAvailabilityResult` (checkDnsAvailability.json).
    struct Availability: Decodable { var available: Bool? }

    func checkAvailable(_ label: String, inputs: Inputs, arm: ARMClient, context: OperationContext) async throws {
        let answer = try await arm.get(
            "\(arm.subscriptionPath)/providers/Microsoft.Network/locations/\(inputs.location)/CheckDnsNameAvailability",
            apiVersion: Self.apiVersion, query: [("domainNameLabel", label)], as: Availability.self, context: context)
        if answer.available == false {
            throw CodedError(
                code: "DnsRecordInUse",
                message: "the DNS label \"\(label)\" is already used in \(inputs.location) (\(label).\(inputs.location).cloudapp.azure.com belongs to another public IP)",
                remediation: Self.labelInUseRemediation(inputs), nothingApplied: true)
        }
    }

    static func labelInUseRemediation(_ inputs: Inputs) -> String {
        "DNS labels are unique per region across all of Azure: choose another rancher.dnsLabel, or delete the public IP that holds \"\(inputs.dnsLabel ?? "")\""
    }

    func outputs(_ body: Body, arm: ARMClient, inputs: Inputs) throws -> Outputs {
        guard let address = body.properties.ipAddress else {
            throw CodedError(
                code: "AddressNotAllocated", message: "public IP \(inputs.name) has no address yet", retryable: true)
        }
        return Outputs(id: body.id ?? path(arm, inputs), ipAddress: address, fqdn: body.properties.dnsSettings?.fqdn)
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let arm = try await arm(context)
        guard let found = try await fetch(arm, inputs, as: Body.self, context: context) else { return nil }
        let settled = ARMClient.isSettled(found.properties.provisioningState)
        var observed = inputs
        observed.sku = found.sku?.name ?? "Basic"
        observed.allocation = found.properties.publicIPAllocationMethod
        observed.dnsLabel = found.properties.dnsSettings?.domainNameLabel
        let outputs = Outputs(id: found.id ?? path(arm, inputs), ipAddress: found.properties.ipAddress ?? prior?.ipAddress ?? "", fqdn: found.properties.dnsSettings?.fqdn)
        return Observed(outputs, inputs: observed, settled: settled)
    }


}

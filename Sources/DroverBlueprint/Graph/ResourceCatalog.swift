import DroverEngine

/// The resource types a blueprint produces, with which inputs force replacement and which are secret.
///
/// Providers (DroverAzure, DroverRancher, DroverKube) register the real handlers for these types; until one
/// is linked in, `declaredOnly` entries let `plan` work and make `apply` fail with a clear message.
public enum ResourceCatalog {
    /// One resource type's planning facts.
    public struct Entry: Sendable {
        /// The type, such as `azure.virtual_machine`.
        public var type: String
        /// Inputs that cannot change in place.
        public var replaceTriggers: Set<String>
        /// Secret inputs.
        public var sensitiveInputs: Set<String>
        /// Secret outputs.
        public var sensitiveOutputs: Set<String>
        /// The module that will implement it.
        public var provider: String
    }

    /// Every type the blueprint uses.
    public static let entries: [Entry] = [
        Entry(type: "azure.resource_group", replaceTriggers: ["name", "location"], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "azure.network_security_group", replaceTriggers: ["name", "location"], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "azure.virtual_network", replaceTriggers: ["name", "location"], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "azure.public_ip", replaceTriggers: ["name", "location", "sku"], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "azure.load_balancer", replaceTriggers: ["name", "location", "sku"], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "azure.network_interface", replaceTriggers: ["name", "location"], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "azure.virtual_machine", replaceTriggers: ["name", "location", "image", "adminUsername", "customData", "computerName"], sensitiveInputs: ["customData", "adminPassword"], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "azure.vm_extension", replaceTriggers: ["name"], sensitiveInputs: ["protectedSettings"], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "azure.role_assignment", replaceTriggers: ["scope", "principalId", "role"], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "graph.application", replaceTriggers: [], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "graph.service_principal", replaceTriggers: ["appId"], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverAzure"),
        Entry(type: "graph.client_secret", replaceTriggers: ["applicationId"], sensitiveInputs: [], sensitiveOutputs: ["secret"], provider: "DroverAzure"),
        Entry(type: "local.rke1_rancher", replaceTriggers: ["hostname"], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverNodes"),
        Entry(type: "rancher.bootstrap", replaceTriggers: ["url"], sensitiveInputs: ["bootstrapPassword", "adminPassword"], sensitiveOutputs: ["token"], provider: "DroverRancher"),
        Entry(type: "rancher.cluster", replaceTriggers: ["name", "cni"], sensitiveInputs: ["cloudCredential"], sensitiveOutputs: [], provider: "DroverRancher"),
        Entry(type: "rancher.registration_token", replaceTriggers: ["clusterId"], sensitiveInputs: [], sensitiveOutputs: ["token", "linuxCommand", "windowsCommand"], provider: "DroverRancher"),
        Entry(type: "rancher.cluster_ready", replaceTriggers: [], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverRancher"),
    ]

    /// Registers every type whose provider is not linked in as planning-only.
    public static func declareMissing(in registry: inout ProviderRegistry) {
        for entry in entries where registry.handler(for: entry.type) == nil {
            registry.register(UnavailableHandler(entry: entry))
        }
    }
}

/// Stands in for a provider that this build does not include: plans work, every operation fails saying so.
struct UnavailableHandler: ResourceHandler {
    typealias Inputs = Value
    typealias Outputs = Value
    let entry: ResourceCatalog.Entry
    var type: String { entry.type }
    var replaceTriggers: Set<String> { entry.replaceTriggers }
    var sensitiveInputs: Set<String> { entry.sensitiveInputs }
    var sensitiveOutputs: Set<String> { entry.sensitiveOutputs }

    private func unavailable() -> CodedError {
        CodedError(
            code: "ProviderUnavailable", message: "this build of Drover has no \(entry.provider) provider for \(entry.type) yet",
            remediation: "use `drover plan` to review the graph; apply needs a build with \(entry.provider)", nothingApplied: true)
    }

    func create(_ inputs: Value, context: OperationContext) async throws -> Value { throw unavailable() }
    func read(_ inputs: Value, prior: Value?, context: OperationContext) async throws -> Observed<Value, Value>? { throw unavailable() }
    func update(from old: Value, to new: Value, prior: Value, context: OperationContext) async throws -> Value { throw unavailable() }
    func delete(_ inputs: Value, prior: Value, context: OperationContext) async throws { throw unavailable() }
}

import DroverEngine

/// The planning facts of the resource types the blueprint uses whose provider a build may leave out (the RKE1
/// handler): which inputs force replacement and which are secret. The rancher.* facts come from DroverRancher's
/// handlers.
///
/// A registered handler is the source of truth for its type; `declareMissing` fills in only the types nothing
/// registered, so `plan` works and `apply` fails with a clear message.
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

    /// The types whose handler may be missing from a build.
    public static let entries: [Entry] = [
        Entry(type: "local.rke1_rancher", replaceTriggers: ["hostname"], sensitiveInputs: [], sensitiveOutputs: [], provider: "DroverNodes"),
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

/// Manages one type of resource for the engine: create, read, update and delete with typed inputs and outputs.
///
/// Contract:
/// - `create` must be safe to call again after a crash: use deterministic names, or find by name first.
/// - `read` returns nil when the resource no longer exists; it must not fail for a missing resource.
/// - `delete` must succeed when the resource is already gone.
/// - Before a long remote operation, call `context.recordResumeToken(_:)` with whatever lets a later run
///   pick the operation up again (an Azure operation URL, say); a resumed `create` sees it in `context.resumeToken`.
public protocol ResourceHandler: Sendable {
    /// What the resource is given.
    associatedtype Inputs: Codable & Sendable
    /// What the resource reports once it exists.
    associatedtype Outputs: Codable & Sendable

    /// The resource type this handler serves, such as `azure.vm`.
    var type: String { get }
    /// Top-level input fields whose change forces delete-and-create instead of an update.
    var replaceTriggers: Set<String> { get }
    /// Top-level input fields never shown in plans, logs or events.
    var sensitiveInputs: Set<String> { get }
    /// Top-level output fields never shown in plans, logs or events.
    var sensitiveOutputs: Set<String> { get }

    /// Creates the resource and returns its outputs.
    func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs
    /// Reads the resource as it really is, or nil when it does not exist.
    func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Outputs?
    /// Changes the resource in place from `old` to `new` inputs.
    func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs
    /// Deletes the resource.
    func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws
}

extension ResourceHandler {
    public var replaceTriggers: Set<String> { [] }
    public var sensitiveInputs: Set<String> { [] }
    public var sensitiveOutputs: Set<String> { [] }
}

/// A type-erased handler working on `Value`s; the engine calls handlers only through this.
public struct AnyResourceHandler: Sendable {
    /// The resource type served.
    public let type: String
    /// Inputs that force replacement.
    public let replaceTriggers: Set<String>
    /// Sensitive input fields.
    public let sensitiveInputs: Set<String>
    /// Sensitive output fields.
    public let sensitiveOutputs: Set<String>

    let create: @Sendable (Value, OperationContext) async throws -> Value
    let read: @Sendable (Value, Value?, OperationContext) async throws -> Value?
    let update: @Sendable (Value, Value, Value, OperationContext) async throws -> Value
    let delete: @Sendable (Value, Value, OperationContext) async throws -> Void

    /// Wraps a typed handler.
    public init<H: ResourceHandler>(_ handler: H) {
        type = handler.type
        replaceTriggers = handler.replaceTriggers
        sensitiveInputs = handler.sensitiveInputs
        sensitiveOutputs = handler.sensitiveOutputs
        @Sendable func inputs(_ value: Value, _ ctx: OperationContext) throws -> H.Inputs {
            do { return try value.decode(H.Inputs.self) } catch {
                throw CodedError(
                    code: "InvalidInputs",
                    message: "inputs of \(ctx.address) do not match \(H.Inputs.self): \(DecodingErrorDescription(error))")
            }
        }
        @Sendable func outputs(_ value: Value, _ ctx: OperationContext) throws -> H.Outputs {
            do { return try value.decode(H.Outputs.self) } catch {
                throw CodedError(
                    code: "InvalidState",
                    message: "recorded outputs of \(ctx.address) do not match \(H.Outputs.self): \(DecodingErrorDescription(error))",
                    remediation: "run `drover refresh` to re-read the resource")
            }
        }
        create = { value, ctx in try Value.encode(try await handler.create(try inputs(value, ctx), context: ctx)) }
        read = { value, prior, ctx in
            let typedPrior = try prior.map { try outputs($0, ctx) }
            return try await handler.read(try inputs(value, ctx), prior: typedPrior, context: ctx).map { try Value.encode($0) }
        }
        update = { old, new, prior, ctx in
            try Value.encode(
                try await handler.update(
                    from: try inputs(old, ctx), to: try inputs(new, ctx), prior: try outputs(prior, ctx), context: ctx))
        }
        delete = { value, prior, ctx in
            try await handler.delete(try inputs(value, ctx), prior: try outputs(prior, ctx), context: ctx)
        }
    }
}

/// Renders a DecodingError as the field path and what went wrong.
func DecodingErrorDescription(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return String(describing: error) }
    func path(_ context: DecodingError.Context) -> String {
        let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return p.isEmpty ? "(root)" : String(p.drop(while: { $0 == "." }))
    }
    switch error {
    case .keyNotFound(let key, let context): return "missing field \(path(context)).\(key.stringValue)"
    case .typeMismatch(let type, let context): return "\(path(context)) is not a \(type)"
    case .valueNotFound(let type, let context): return "\(path(context)) has no \(type) value"
    case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
    @unknown default: return String(describing: error)
    }
}

/// The handlers known to an engine, by resource type.
public struct ProviderRegistry: Sendable {
    private var handlers: [String: AnyResourceHandler] = [:]

    /// Creates an empty registry.
    public init() {}

    /// Registers a handler for its type, replacing any earlier one.
    public mutating func register<H: ResourceHandler>(_ handler: H) {
        handlers[handler.type] = AnyResourceHandler(handler)
    }

    /// The handler for `type`, if any.
    public func handler(for type: String) -> AnyResourceHandler? { handlers[type] }

    /// Every registered type, sorted.
    public var types: [String] { handlers.keys.sorted() }
}

/// Manages one type of resource for the engine: create, read, update and delete with typed inputs and outputs.
///
/// Contract:
/// - `create` must be safe to call again after a crash: use deterministic names, or find by name first.
/// - `read` returns nil when the resource no longer exists (wrap the remote call in `CodedError.nilWhenNotFound`);
///   it may also return the inputs it observes, so drift is corrected by the next plan.
/// - `delete` must succeed when the resource is already gone.
/// - Before waiting on a long remote operation, call `context.recordResumeToken(_:)` with whatever lets a later run
///   pick it up again (an Azure operation URL, say); a resumed `create`, `update` or `delete` finds it in
///   `context.resumeToken` and polls instead of sending again.
/// - Wait only through `context.sleep(seconds:)` or `context.wait(for:every:timeout:_:)`: they run on the engine's
///   clock and return as soon as the run is stopped.
/// - Throw `CodedError`; set `nothingApplied` when the remote side certainly did nothing.
public protocol ResourceHandler: Sendable {
    /// What the resource is given.
    associatedtype Inputs: Codable & Sendable
    /// What the resource reports once it exists.
    associatedtype Outputs: Codable & Sendable

    /// The resource type this handler serves, such as `azure.virtual_machine`.
    var type: String { get }
    /// Whether Drover manages the resource or only reads one that exists (a data source).
    var kind: ResourceKind { get }
    /// Top-level input fields the remote API cannot change in place: a change deletes and creates anew.
    var replaceTriggers: Set<String> { get }
    /// Whether a replacement creates the new object before deleting the old one (Terraform's
    /// `create_before_destroy`); only for types whose names let both exist at once.
    var createBeforeDestroy: Bool { get }
    /// Top-level input fields never shown in plans, logs or events.
    var sensitiveInputs: Set<String> { get }
    /// Top-level output fields never shown in plans, logs or events.
    var sensitiveOutputs: Set<String> { get }

    /// The outputs the resource will have once the planned change is applied, as far as the plan can tell.
    ///
    /// `old` and `prior` are nil for a creation. Return `.unknown` for each output the change may alter, or nil when
    /// nothing is known before apply. The default keeps every prior output of an update and knows nothing of a
    /// creation; a pure local resource can compute its outputs here when `new` is fully known.
    func plannedOutputs(old: Value?, new: Value, prior: Value?) -> Value?

    /// Creates the resource and returns its outputs.
    func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs
    /// Reads the resource as it really is, or nil when it does not exist.
    func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>?
    /// Changes the resource in place from `old` to `new` inputs.
    func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs
    /// Deletes the resource.
    func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws
}

/// Whether the engine manages a resource or only reads it.
public enum ResourceKind: String, Sendable, Codable {
    /// Created, updated and deleted by Drover.
    case managed
    /// Read only (an existing resource group or Rancher server the user names): planned as `<= read`, never written
    /// or deleted.
    case dataSource
}

/// What `read` found: the outputs, and optionally the inputs as the remote side holds them.
public struct Observed<Inputs: Sendable, Outputs: Sendable>: Sendable {
    /// The resource's outputs as they are now.
    public var outputs: Outputs
    /// The inputs as observed remotely, when the handler can tell; `refresh` records them so the next plan shows the
    /// update that restores the spec.
    public var inputs: Inputs?
    /// False while the remote side is still working on the resource (ARM's `provisioningState` Creating, say): a
    /// resumed operation keeps polling instead of taking it as done.
    public var settled: Bool

    /// Creates a read result.
    public init(_ outputs: Outputs, inputs: Inputs? = nil, settled: Bool = true) {
        self.outputs = outputs
        self.inputs = inputs
        self.settled = settled
    }
}

extension ResourceHandler {
    public var kind: ResourceKind { .managed }
    public var replaceTriggers: Set<String> { [] }
    public var createBeforeDestroy: Bool { false }
    public var sensitiveInputs: Set<String> { [] }
    public var sensitiveOutputs: Set<String> { [] }
    public func plannedOutputs(old: Value?, new: Value, prior: Value?) -> Value? { old == nil ? nil : prior }
}

/// A handler that only reads an existing object: the engine never calls its create, update or delete.
public protocol DataSourceHandler: ResourceHandler {}

extension DataSourceHandler {
    public var kind: ResourceKind { .dataSource }

    private func readOnly(_ context: OperationContext) -> CodedError {
        CodedError(code: "ReadOnlyResource", message: "\(context.address) is read, never written", nothingApplied: true)
    }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs { throw readOnly(context) }
    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        throw readOnly(context)
    }
    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws { throw readOnly(context) }
}

/// A type-erased handler working on `Value`s; the engine calls handlers only through this.
public struct AnyResourceHandler: Sendable {
    /// The resource type served.
    public let type: String
    /// Managed or read-only.
    public let kind: ResourceKind
    /// Inputs that force replacement.
    public let replaceTriggers: Set<String>
    /// Whether replacement creates before it deletes.
    public let createBeforeDestroy: Bool
    /// Sensitive input fields.
    public let sensitiveInputs: Set<String>
    /// Sensitive output fields.
    public let sensitiveOutputs: Set<String>

    let plannedOutputs: @Sendable (Value?, Value, Value?) -> Value?
    let checkInputs: @Sendable (Value) -> String?
    let create: @Sendable (Value, OperationContext) async throws -> Value
    let read: @Sendable (Value, Value?, OperationContext) async throws -> Observed<Value, Value>?
    let update: @Sendable (Value, Value, Value, OperationContext) async throws -> Value
    let delete: @Sendable (Value, Value, OperationContext) async throws -> Void

    /// Wraps a typed handler.
    public init<H: ResourceHandler>(_ handler: H) {
        type = handler.type
        kind = handler.kind
        replaceTriggers = handler.replaceTriggers
        createBeforeDestroy = handler.createBeforeDestroy
        sensitiveInputs = handler.sensitiveInputs
        sensitiveOutputs = handler.sensitiveOutputs
        plannedOutputs = { old, new, prior in handler.plannedOutputs(old: old, new: new, prior: prior) }
        checkInputs = { value in
            do {
                _ = try ValueDecoder(lenient: true).decode(H.Inputs.self, from: value)
                return nil
            } catch { return DecodingErrorDescription(error) }
        }
        @Sendable func inputs(_ value: Value, _ ctx: OperationContext) throws -> H.Inputs {
            do { return try value.decode(H.Inputs.self) } catch {
                throw CodedError(
                    code: "InvalidInputs",
                    message: "inputs of \(ctx.address) do not match \(H.Inputs.self): \(DecodingErrorDescription(error))",
                    nothingApplied: true)
            }
        }
        @Sendable func outputs(_ value: Value, _ ctx: OperationContext) throws -> H.Outputs {
            do { return try value.decode(H.Outputs.self) } catch {
                throw CodedError(
                    code: "InvalidState",
                    message: "recorded outputs of \(ctx.address) do not match \(H.Outputs.self): \(DecodingErrorDescription(error))",
                    remediation: "run `drover refresh` to re-read the resource", nothingApplied: true)
            }
        }
        create = { value, ctx in try Value.encode(try await handler.create(try inputs(value, ctx), context: ctx)) }
        read = { value, prior, ctx in
            let typedPrior = try prior.map { try outputs($0, ctx) }
            guard let found = try await handler.read(try inputs(value, ctx), prior: typedPrior, context: ctx) else { return nil }
            return Observed(try Value.encode(found.outputs), inputs: try found.inputs.map { try Value.encode($0) }, settled: found.settled)
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

/// How a Swift type reads in an error message about a value of the wrong kind.
private func expectedKind(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    case is Double.Type, is Float.Type: return "a number"
    case is any FixedWidthInteger.Type: return "a whole number"
    case is [Value].Type: return "a list"
    case is [String: Value].Type: return "an object"
    default: return "a \(type)"
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
    case .typeMismatch(let type, let context):
        return "\(path(context)) must be \(expectedKind(type))" + (context.debugDescription.hasPrefix("found") ? ", \(context.debugDescription)" : "")
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

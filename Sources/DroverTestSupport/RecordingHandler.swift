import DroverEngine

/// A handler of any type backed by a ``RecordingCloud``: what every engine, blueprint and CLI test plugs into the
/// registry in place of a real provider. Outputs are `id`, `generation`, `echo` (the `name` input) and
/// `passthrough` (the `passthrough` input, to carry a value through a reference), plus the cloud's extra outputs.
/// A creation takes `createSeconds`, or the `seconds` input when there is one, on the engine's clock.
public struct RecordingHandler: ResourceHandler {
    public typealias Inputs = Value
    public typealias Outputs = Value

    /// The cloud behind it.
    public let cloud: RecordingCloud
    public let type: String
    public let kind: ResourceKind
    public let replaceTriggers: Set<String>
    public let createBeforeDestroy: Bool
    public let sensitiveInputs: Set<String>
    public let sensitiveOutputs: Set<String>
    /// Clock seconds a creation takes remotely; the handler waits through `context.wait`.
    public let createSeconds: Double

    /// Creates a handler; by default `zone` forces replacement and `secret` is sensitive.
    public init(
        cloud: RecordingCloud, type: String = "fake.thing", kind: ResourceKind = .managed, replaceTriggers: Set<String> = ["zone"],
        createBeforeDestroy: Bool = false, sensitiveInputs: Set<String> = ["secret"], sensitiveOutputs: Set<String> = [],
        createSeconds: Double = 0
    ) {
        self.cloud = cloud
        self.type = type
        self.kind = kind
        self.replaceTriggers = replaceTriggers
        self.createBeforeDestroy = createBeforeDestroy
        self.sensitiveInputs = sensitiveInputs
        self.sensitiveOutputs = sensitiveOutputs
        self.createSeconds = createSeconds
    }

    public func create(_ inputs: Value, context: OperationContext) async throws -> Value {
        let id: String
        if context.resumeToken != nil, let existing = await cloud.id(of: context.address) {
            try await cloud.log("poll", context.address, resumeToken: context.resumeToken)
            id = existing
        } else {
            try await cloud.log("create", context.address, resumeToken: context.resumeToken)
            let seconds: Double = if case .number(let n)? = inputs["seconds"] { n } else { createSeconds }
            id = await cloud.create(context.address, inputs, readyAt: context.clock.now() + seconds)
            try await context.recordResumeToken("op-\(context.address.name)")
            if let hook = await cloud.onCreate { try await hook(context.address) }
            if let failure = await cloud.failureAfterEffect("create", context.address, inputs: inputs) { throw failure }
        }
        while true {
            guard let object = await cloud.object(id) else {
                throw CodedError(code: "NotFound", message: "\(id) vanished while it was being created", notFound: true)
            }
            let remaining = object.readyAt - context.clock.now()
            if remaining <= 0 { return object.outputs }
            context.report("creating remotely")
            try await context.sleep(seconds: remaining)
        }
    }

    public func read(_ inputs: Value, prior: Value?, context: OperationContext) async throws -> Observed<Value, Value>? {
        try await cloud.log("read", context.address)
        let known = prior?["id"]?.stringValue
        guard let id = known != nil ? known : await cloud.id(of: context.address), let object = await cloud.read(id) else { return nil }
        return Observed(object.outputs, inputs: object.inputs, settled: object.unsettledReads == 0)
    }

    public func update(from old: Value, to new: Value, prior: Value, context: OperationContext) async throws -> Value {
        try await cloud.log("update", context.address, resumeToken: context.resumeToken)
        guard let id = prior["id"]?.stringValue, await cloud.object(id) != nil else {
            throw CodedError(code: "NotFound", message: "\(context.address) does not exist", notFound: true)
        }
        await cloud.put(id, new)
        if let failure = await cloud.failureAfterEffect("update", context.address, inputs: new) { throw failure }
        return await cloud.object(id)!.outputs
    }

    public func delete(_ inputs: Value, prior: Value, context: OperationContext) async throws {
        try await cloud.log("delete", context.address, resumeToken: context.resumeToken)
        guard let id = prior["id"]?.stringValue else { return }
        await cloud.delete(id)
        if let failure = await cloud.failureAfterEffect("delete", context.address, inputs: inputs) { throw failure }
    }
}

import DroverEngine

/// The in-memory remote side behind ``RecordingHandler``: holds objects by id, records every call, and fails,
/// stalls or stays provisioning on request. The one fake of the engine's provider seam.
public actor RecordingCloud {
    /// One call a handler made.
    public struct Call: Equatable, Sendable, CustomStringConvertible {
        /// `create`, `poll`, `read`, `update` or `delete`.
        public var operation: String
        /// The resource concerned.
        public var address: ResourceAddress
        /// The resume token the handler was given, if any.
        public var resumeToken: String?
        public var description: String { "\(operation) \(address)" }
    }

    /// How an operation misbehaves.
    public enum Fault: Sendable {
        /// Refused before anything happened (a 400, say): the error says nothing was applied.
        case refused
        /// The remote side did the work, then the answer was lost (a dropped connection).
        case lostAfterEffect
        /// Refused with an error message that quotes the inputs, secrets included, as careless services do.
        case quotingInputs
    }

    /// One remote object.
    public struct Object: Sendable {
        /// The resource it belongs to.
        public var address: ResourceAddress
        /// What it was last given (or what it now holds, after `drift`).
        public var inputs: Value
        /// What it reports.
        public var outputs: Value
        /// How many more reads report it as still provisioning.
        public var unsettledReads = 0
        /// The clock time before which it is not ready (for handlers that wait).
        public var readyAt = 0.0
    }

    /// Every object, by id.
    public private(set) var objects: [String: Object] = [:]
    /// Every call, in order.
    public private(set) var calls: [Call] = []
    private var faults: [String: Fault] = [:]
    private var serial = 0
    /// The newest object of each address, and how many objects each address has had.
    private var newest: [ResourceAddress: String] = [:]
    private var made: [ResourceAddress: Int] = [:]
    /// Called inside `create` once the object exists, before the handler returns.
    public private(set) var onCreate: (@Sendable (ResourceAddress) async throws -> Void)?

    /// Output names that every object also reports, holding its id (so a blueprint's references resolve).
    public let extraOutputs: [String]

    /// Creates an empty cloud.
    public init(extraOutputs: [String] = []) { self.extraOutputs = extraOutputs }

    /// The newest object of each address, by address.
    public var resources: [ResourceAddress: Value] { newest.compactMapValues { objects[$0]?.outputs } }

    /// Makes `operation` (`create`, `update`, `delete`) on `address` misbehave from now on.
    public func fail(_ operation: String, _ address: ResourceAddress, _ fault: Fault) { faults["\(operation) \(address)"] = fault }
    /// Makes every create of these addresses refused.
    public func failCreates(_ addresses: Set<ResourceAddress>) { for a in addresses { fail("create", a, .refused) } }
    /// Stops every misbehaviour.
    public func heal() { faults = [:] }
    /// Sets the hook called inside `create`.
    public func setOnCreate(_ hook: (@Sendable (ResourceAddress) async throws -> Void)?) { onCreate = hook }
    /// Forgets the calls so far.
    public func resetCalls() { calls = [] }
    /// The addresses `operation` was called on, in order.
    public func operations(_ operation: String) -> [ResourceAddress] { calls.filter { $0.operation == operation }.map(\.address) }
    /// Makes the newest object of `address` report `settled: false` for its next `reads` reads.
    public func keepProvisioning(_ address: ResourceAddress, reads: Int) {
        if let id = id(of: address) { objects[id]?.unsettledReads = reads }
    }
    /// Changes what the newest object of `address` holds, as someone outside Drover would.
    public func drift(_ address: ResourceAddress, _ field: String, to value: Value) {
        guard let id = id(of: address), case .object(var fields) = objects[id]?.inputs else { return }
        fields[field] = value
        objects[id]?.inputs = .object(fields)
        bump(id)
    }
    /// Deletes the newest object of `address` behind Drover's back.
    public func remove(_ address: ResourceAddress) { if let id = id(of: address) { delete(id) } }

    // MARK: Used by RecordingHandler

    func log(_ operation: String, _ address: ResourceAddress, resumeToken: String? = nil) throws {
        calls.append(Call(operation: operation, address: address, resumeToken: resumeToken))
        switch faults["\(operation) \(address)"] {
        case .refused?:
            throw CodedError(code: "Conflict", message: "the fake cloud refused", remediation: "pick another name", status: 409, nothingApplied: true)
        default: break
        }
    }

    func failureAfterEffect(_ operation: String, _ address: ResourceAddress, inputs: Value) -> CodedError? {
        switch faults["\(operation) \(address)"] {
        case .lostAfterEffect?:
            return CodedError(code: "ConnectionLost", message: "the connection dropped after the request was sent", retryable: true)
        case .quotingInputs?:
            return CodedError(code: "BadRequest", message: "refused: \(inputs.rendered)", status: 400)
        default: return nil
        }
    }

    func id(of address: ResourceAddress) -> String? { newest[address] }

    func create(_ address: ResourceAddress, _ inputs: Value, readyAt: Double) -> String {
        let taken = made[address, default: 0]
        made[address] = taken + 1
        let id = taken == 0 ? "/fake/\(address.name)" : "/fake/\(address.name)~\(taken + 1)"
        objects[id] = Object(address: address, inputs: inputs, outputs: [:], readyAt: readyAt)
        newest[address] = id
        put(id, inputs)
        return id
    }

    func put(_ id: String, _ inputs: Value) {
        objects[id]?.inputs = inputs
        bump(id)
    }

    private func bump(_ id: String) {
        guard let object = objects[id] else { return }
        serial += 1
        var outputs: [String: Value] = ["id": .string(id), "generation": .number(Double(serial)), "echo": object.inputs["name"] ?? .null]
        if let passthrough = object.inputs["passthrough"] { outputs["passthrough"] = passthrough }
        for name in extraOutputs { outputs[name] = .string(id) }
        objects[id]?.outputs = .object(outputs)
    }

    func object(_ id: String) -> Object? { objects[id] }

    /// The object as this read sees it; each read uses up one of its unsettled reads.
    func read(_ id: String) -> Object? {
        guard let object = objects[id] else { return nil }
        if object.unsettledReads > 0 { objects[id]?.unsettledReads -= 1 }
        return object
    }

    func delete(_ id: String) {
        guard let object = objects.removeValue(forKey: id) else { return }
        if newest[object.address] == id {
            newest[object.address] = objects.first { $0.value.address == object.address }?.key
        }
    }
}

import DroverEngine
import Foundation

/// An in-memory "cloud" that a fake handler writes to; it records every call so tests can count them.
actor FakeCloud {
    struct Call: Equatable, CustomStringConvertible {
        var operation: String
        var address: ResourceAddress
        var description: String { "\(operation) \(address)" }
    }

    var resources: [ResourceAddress: Value] = [:]
    var calls: [Call] = []
    var failCreate: Set<ResourceAddress> = []
    var serial = 0
    /// Called inside `create` after the remote side holds the resource, before the handler returns.
    var onCreate: (@Sendable (ResourceAddress) async throws -> Void)?

    func log(_ operation: String, _ address: ResourceAddress) { calls.append(Call(operation: operation, address: address)) }
    func failCreates(_ addresses: Set<ResourceAddress>) { failCreate = addresses }
    func setOnCreate(_ hook: (@Sendable (ResourceAddress) async throws -> Void)?) { onCreate = hook }
    func resetCalls() { calls = [] }
    func put(_ address: ResourceAddress, _ inputs: Value) -> Value {
        serial += 1
        let outputs: Value = ["id": .string("/fake/\(address.name)"), "generation": .number(Double(serial)), "echo": inputs["name"] ?? .null]
        resources[address] = outputs
        return outputs
    }
    func remove(_ address: ResourceAddress) { resources[address] = nil }
    func get(_ address: ResourceAddress) -> Value? { resources[address] }
    func operations(_ operation: String) -> [ResourceAddress] { calls.filter { $0.operation == operation }.map(\.address) }
}

/// A handler for `fake.thing` resources backed by a `FakeCloud`; `zone` forces replacement, `secret` is sensitive.
struct FakeHandler: ResourceHandler {
    typealias Inputs = Value
    typealias Outputs = Value
    let cloud: FakeCloud
    var type = "fake.thing"
    var replaceTriggers: Set<String> { ["zone"] }
    var sensitiveInputs: Set<String> { ["secret"] }

    func create(_ inputs: Value, context: OperationContext) async throws -> Value {
        await cloud.log("create", context.address)
        if await cloud.failCreate.contains(context.address) {
            throw CodedError(code: "Conflict", message: "the fake cloud refused", remediation: "pick another name")
        }
        try await context.recordResumeToken("op-\(context.address.name)")
        let outputs = await cloud.put(context.address, inputs)
        if let hook = await cloud.onCreate { try await hook(context.address) }
        return outputs
    }

    func read(_ inputs: Value, prior: Value?, context: OperationContext) async throws -> Observed<Value, Value>? {
        await cloud.log("read", context.address)
        return await cloud.get(context.address).map { Observed($0) }
    }

    func update(from old: Value, to new: Value, prior: Value, context: OperationContext) async throws -> Value {
        await cloud.log("update", context.address)
        return await cloud.put(context.address, new)
    }

    func delete(_ inputs: Value, prior: Value, context: OperationContext) async throws {
        await cloud.log("delete", context.address)
        await cloud.remove(context.address)
    }
}

/// Collects engine events from many tasks.
final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [EngineEvent] = []
    var events: [EngineEvent] { lock.withLock { stored } }
    var sink: EngineEventSink { { event in self.lock.withLock { self.stored.append(event) } } }
}

/// A clock that only moves when told to; sleepers wake when `advance` passes their deadline or are cancelled.
final class ManualClock: EngineClock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0
    private var nextID = 0
    private var sleepers: [Int: (deadline: Double, continuation: CheckedContinuation<Void, any Error>)] = [:]
    func now() -> Double { lock.withLock { seconds } }
    var sleeperCount: Int { lock.withLock { sleepers.count } }

    func sleep(seconds duration: Double) async throws {
        let id = lock.withLock { () -> Int in
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                lock.withLock { sleepers[id] = (seconds + duration, continuation) }
                if Task.isCancelled { wake(id, with: CancellationError()) }
            }
        } onCancel: {
            wake(id, with: CancellationError())
        }
    }

    private func wake(_ id: Int, with error: (any Error)?) {
        guard let sleeper = lock.withLock({ sleepers.removeValue(forKey: id) }) else { return }
        if let error { sleeper.continuation.resume(throwing: error) } else { sleeper.continuation.resume() }
    }

    func advance(_ by: Double) {
        let due = lock.withLock { () -> [Int] in
            seconds += by
            return sleepers.filter { $0.value.deadline <= seconds }.map(\.key)
        }
        for id in due { wake(id, with: nil) }
    }

    /// Waits (yielding, never sleeping) until `count` tasks are asleep on this clock.
    func waitForSleepers(_ count: Int) async {
        while sleeperCount < count { await Task.yield() }
    }
}

func thing(_ name: String, _ inputs: [String: Value] = [:], dependsOn: Set<ResourceAddress> = []) -> DesiredResource {
    var all = inputs
    all["name"] = all["name"] ?? .string(name)
    return DesiredResource(ResourceAddress(type: "fake.thing", name: name), inputs: all, dependsOn: dependsOn)
}

func address(_ name: String) -> ResourceAddress { ResourceAddress(type: "fake.thing", name: name) }

func ref(_ name: String, _ path: String = "id") -> Value { .reference(OutputReference(address(name), path)) }

func makeEngine(
    _ cloud: FakeCloud, store: any StateStore, events: EventRecorder = EventRecorder(), parallelism: Int = 4,
    clock: ManualClock = ManualClock()
) -> Engine {
    var registry = ProviderRegistry()
    registry.register(FakeHandler(cloud: cloud))
    return Engine(registry: registry, store: store, parallelism: parallelism, clock: clock, sink: events.sink)
}

/// A one-shot gate: `wait()` suspends until `open()`; `waitUntilWaiting()` lets the test know someone is blocked.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        guard !isOpen else { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
    var waiting: Int { waiters.count }
    nonisolated func waitUntilWaiting() async {
        while await waiting == 0 { await Task.yield() }
    }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("drover-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

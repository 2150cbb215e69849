/// The engine's front door: plan, apply, destroy and refresh a configuration against a state store.
///
/// The engine knows nothing of any cloud: handlers come from the registry, progress leaves as events.
public struct Engine: Sendable {
    /// The handlers, by resource type.
    public var registry: ProviderRegistry
    /// Where state lives.
    public var store: any StateStore
    /// Where events go.
    public var sink: EngineEventSink
    /// The most operations running at once.
    public var parallelism: Int
    /// The clock used to time operations.
    public var clock: any EngineClock

    /// How often, in clock seconds, each long operation is reported as still running.
    public var stillRunningInterval: Double = 10

    /// The most clock seconds one operation may take before its waits give up (`OperationContext.deadline`); nil
    /// leaves each handler's own timeouts in charge.
    public var operationTimeout: Double?

    /// The default number of operations running at once.
    public static let defaultParallelism = 16

    /// Creates an engine.
    public init(
        registry: ProviderRegistry, store: any StateStore, parallelism: Int = Engine.defaultParallelism,
        clock: any EngineClock = SystemEngineClock(), sink: @escaping EngineEventSink = { _ in }
    ) {
        self.registry = registry
        self.store = store
        self.parallelism = parallelism
        self.clock = clock
        self.sink = sink
    }

    /// Plans `mode` for `configuration` against the stored state; emits a `planned` event.
    /// - Throws: `CodedError` for an invalid graph, or a state store error.
    public func plan(
        _ configuration: Configuration, mode: PlanMode = .apply, targets: Set<ResourceAddress> = []
    ) async throws -> Plan {
        let state = try await store.load()
        let plan = try Planner(registry: registry).plan(configuration, state: state, mode: mode, targets: targets)
        var counts: [String: Int] = [:]
        for (action, count) in plan.counts where action != .noop { counts[action.rawValue] = count }
        sink(EngineEvent(.planned, message: mode.rawValue, counts: counts))
        return plan
    }

    /// Applies `plan`, resources in parallel as their dependencies finish; commits the state at the end.
    ///
    /// A failure stops only what depends on the failed resource; everything else is still done, and
    /// everything done is in the returned state. Raising `stop` lets the running operations finish and starts no
    /// more. Throws only when the state itself cannot be read or written, or when it changed since the plan was made.
    public func apply(_ plan: Plan, stop: StopSignal? = nil) async throws -> ApplyResult {
        let current = try await store.load()
        // A state never committed has a fresh lineage on every load, so lineages are compared once one exists.
        guard current.serial == 0 || current.lineage == plan.prior.lineage, current.serial == plan.prior.serial,
            current.pendingOperations == plan.prior.pendingOperations
        else {
            throw CodedError(
                code: "StalePlan", message: "the state changed since this plan was made",
                remediation: "plan again and review the new plan")
        }
        var plan = plan
        plan.prior.lineage = current.lineage
        let scrubber = Scrubber(current.secrets)
        return try await Applier(
            registry: registry, store: store, sink: scrubbing(sink, with: scrubber), scrubber: scrubber, clock: clock,
            parallelism: parallelism, stop: stop, stillRunningInterval: stillRunningInterval, operationTimeout: operationTimeout
        )
        .run(plan)
    }

    /// `sink` behind the scrubber: no event leaves the engine holding a secret it knows.
    private func scrubbing(_ sink: @escaping EngineEventSink, with scrubber: Scrubber) -> EngineEventSink {
        { event in sink(scrubber.scrub(event)) }
    }

    /// Reads every recorded resource as it really is, records what changed, and reports drift.
    ///
    /// Where a handler reports the inputs it observes, those are recorded too, so the next plan shows the update
    /// that restores the spec.
    /// With `only`, just those recorded resources are read (the rest is kept as recorded).
    /// - Returns: the committed state and the addresses that drifted with their changed paths.
    public func refresh(
        only: Set<ResourceAddress>? = nil, stop: StopSignal? = nil
    ) async throws -> (state: StateSnapshot, drift: [ResourceAddress: [String]]) {
        let state = try await store.load()
        let scrubber = Scrubber(state.secrets)
        let sink = scrubbing(self.sink, with: scrubber)
        let recorder = StateRecorder(snapshot: state, store: store, scrubber: scrubber)
        let drift = DriftLog()
        _ = await GraphWalker(graph: state.graph(), parallelism: parallelism).walk(stop: stop) { [clock] address in
            guard only?.contains(address) ?? true, let prior = state.resources[address], let handler = registry.handler(for: address.type)
            else { return true }
            let ctx = OperationContext(address: address, operation: .read, clock: clock, stop: stop)
            do {
                guard let current = try await handler.read(prior.inputs, prior.outputs, ctx) else {
                    try await recorder.record(.removed(address))
                    await drift.add(address, ["(deleted)"])
                    sink(EngineEvent(.drift, address: address, message: "deleted outside Drover; the next apply creates it"))
                    return true
                }
                let observed = current.inputs ?? prior.inputs
                let paths = ValueDiff.changedPaths(prior.inputs, observed).map { "inputs.\($0)" }
                    + ValueDiff.changedPaths(prior.outputs, current.outputs).map { "outputs.\($0)" }
                guard !paths.isEmpty else { return true }
                var updated = prior
                updated.inputs = observed
                updated.outputs = current.outputs
                try await recorder.record(.resource(updated))
                await drift.add(address, paths)
                sink(EngineEvent(.drift, address: address, message: "changed outside Drover", paths: paths))
                return true
            } catch {
                let failure = scrubber.scrub(ResourceFailure(address: address, operation: "read", error: error))
                sink(EngineEvent(.failed, address: address, operation: "read", message: failure.message, code: failure.code))
                return false
            }
        }
        let committed = try await recorder.commit(outputs: state.outputs)
        return (committed, await drift.entries)
    }

    actor DriftLog {
        var entries: [ResourceAddress: [String]] = [:]
        func add(_ address: ResourceAddress, _ paths: [String]) { entries[address] = paths }
    }
}

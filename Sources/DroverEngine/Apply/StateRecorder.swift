/// The only writer of state during a run: applies each change to the live snapshot and journals it durably.
actor StateRecorder {
    private(set) var snapshot: StateSnapshot
    private let store: any StateStore
    private let scrubber: Scrubber

    init(snapshot: StateSnapshot, store: any StateStore, scrubber: Scrubber) {
        self.snapshot = snapshot
        self.store = store
        self.scrubber = scrubber
    }

    func record(_ entry: JournalEntry) async throws {
        if case .resource(let resource) = entry { scrubber.learn(resource) }
        snapshot.apply(entry)
        try await store.append(entry)
    }

    func resource(_ address: ResourceAddress) -> ResourceState? { snapshot.resources[address] }

    func pending(_ address: ResourceAddress) -> PendingOperation? { snapshot.pendingOperations[address] }

    func deposed(_ address: ResourceAddress) -> ResourceState? { snapshot.deposed[address] }

    func outputs(_ reference: OutputReference) -> Value? {
        snapshot.resources[reference.address]?.outputs.value(at: reference.path)
    }

    /// What is recorded for `address`: its pending operation and its current object, in one call.
    func entry(_ address: ResourceAddress) -> (pending: PendingOperation?, resource: ResourceState?) {
        (snapshot.pendingOperations[address], snapshot.resources[address])
    }

    /// Records a resource after a successful operation, with its sensitive paths worked out here (one hop, not two).
    func recordResource(
        _ address: ResourceAddress, inputs: Value, outputs: Value, dependencies: [ResourceAddress], handler: AnyResourceHandler,
        sensitiveInputs: Set<String>
    ) async throws {
        let paths = sensitivePaths(handler, sensitiveInputs: sensitiveInputs, inputs: inputs, outputs: outputs)
        try await record(
            .resource(ResourceState(address: address, inputs: inputs, outputs: outputs, dependencies: dependencies, sensitivePaths: paths)))
    }

    /// The paths to record as sensitive: declared by the handler or the plan, and any output holding a known secret.
    func sensitivePaths(_ handler: AnyResourceHandler, sensitiveInputs: Set<String>, inputs: Value, outputs: Value) -> [String] {
        let secrets = scrubber.secrets
        var paths = handler.sensitiveInputs.union(sensitiveInputs).filter { inputs[$0] != nil }.map { "inputs.\($0)" }
        if case .object(let fields) = outputs {
            for (field, value) in fields where handler.sensitiveOutputs.contains(field) || secrets.isContained(in: value) {
                paths.append("outputs.\(field)")
            }
        }
        return paths
    }

    /// Commits the snapshot with `outputs` as a new serial.
    func commit(outputs: [String: OutputState]) async throws -> StateSnapshot {
        snapshot.outputs = outputs
        snapshot.serial += 1
        snapshot.toolVersion = DroverVersion.current
        try await store.commit(snapshot)
        return snapshot
    }
}

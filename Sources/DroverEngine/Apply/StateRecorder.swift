/// The only writer of state during a run: applies each change to the live snapshot and journals it durably.
actor StateRecorder {
    private(set) var snapshot: StateSnapshot
    private let store: any StateStore

    init(snapshot: StateSnapshot, store: any StateStore) {
        self.snapshot = snapshot
        self.store = store
    }

    func record(_ entry: JournalEntry) async throws {
        snapshot.apply(entry)
        try await store.append(entry)
    }

    func resource(_ address: ResourceAddress) -> ResourceState? { snapshot.resources[address] }

    func pending(_ address: ResourceAddress) -> PendingOperation? { snapshot.pendingOperations[address] }

    func outputs(_ reference: OutputReference) -> Value? {
        snapshot.resources[reference.address]?.outputs.value(at: reference.path)
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

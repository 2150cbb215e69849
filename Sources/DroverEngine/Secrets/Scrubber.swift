import Synchronization

/// The engine's one scrubber: every event and failure leaving the engine passes through it, whatever a handler wrote.
///
/// It learns each secret as the run records it, on top of those the state already held.
public final class Scrubber: Sendable {
    private let known: Mutex<SecretSet>

    /// Creates a scrubber that already knows `secrets`.
    public init(_ secrets: SecretSet = SecretSet()) { known = Mutex(secrets) }

    /// The secrets known so far.
    public var secrets: SecretSet { known.withLock { $0 } }

    /// Learns the values at a recorded resource's sensitive paths.
    public func learn(_ resource: ResourceState) { known.withLock { $0.insert(sensitivePartsOf: resource) } }

    /// Learns every string inside `value`.
    public func learn(_ value: Value) { known.withLock { $0.insert(contentsOf: value) } }

    /// `text` with every known secret replaced by `(sensitive)`.
    public func scrub(_ text: String) -> String { secrets.scrub(text) }

    /// The event with secrets removed from its texts, table cells and visible outputs.
    public func scrub(_ event: EngineEvent) -> EngineEvent {
        let secrets = self.secrets
        guard !secrets.isEmpty else { return event }
        var event = event
        event.message = event.message.map(secrets.scrub)
        event.remediation = event.remediation.map(secrets.scrub)
        event.table = event.table.map { table in
            ProgressTable(columns: table.columns, rows: table.rows.map { $0.map(secrets.scrub) })
        }
        event.outputs = event.outputs?.filter { !secrets.isContained(in: $0.value) }
        return event
    }

    /// The failure with secrets removed from its message and remediation.
    func scrub(_ failure: ResourceFailure) -> ResourceFailure {
        var failure = failure
        failure.message = scrub(failure.message)
        failure.remediation = failure.remediation.map(scrub)
        return failure
    }
}

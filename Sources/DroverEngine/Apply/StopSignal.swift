import Synchronization

/// Asks a running apply to stop gracefully: operations already in flight finish and are recorded, nothing new starts.
///
/// The CLI raises it on the first Ctrl-C; the state then holds everything that finished, and running the same
/// command again carries on from there.
public final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    /// Creates a signal that has not been raised.
    public init() {}

    /// Raises the signal; later calls do nothing.
    public func raise() { raised.store(true, ordering: .sequentiallyConsistent) }

    /// Whether the signal has been raised.
    public var isRaised: Bool { raised.load(ordering: .sequentiallyConsistent) }
}

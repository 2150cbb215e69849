import Synchronization

/// Asks a running apply to stop gracefully: operations already in flight finish and are recorded, nothing new starts,
/// and handlers that are waiting (for a cluster, a long-running operation) return at once.
///
/// The CLI raises it on the first Ctrl-C; the state then holds everything that finished, and running the same
/// command again carries on from there.
public final class StopSignal: Sendable {
    private struct Waiters {
        var raised = false
        var next = 0
        var continuations: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(Waiters())

    /// Creates a signal that has not been raised.
    public init() {}

    /// Raises the signal and wakes every waiter; later calls do nothing.
    public func raise() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.raised else { return [] }
            state.raised = true
            defer { state.continuations = [:] }
            return Array(state.continuations.values)
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Whether the signal has been raised.
    public var isRaised: Bool { state.withLock { $0.raised } }

    /// Returns once the signal is raised, or when the calling task is cancelled.
    public func wait() async {
        let id = state.withLock { state -> Int in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.raised || Task.isCancelled { return true }
                    state.continuations[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { $0.continuations.removeValue(forKey: id) }
            continuation?.resume()
        }
    }
}

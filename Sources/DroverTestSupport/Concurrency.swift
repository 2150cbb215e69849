import DroverEngine
import Foundation

/// Collects engine events from many tasks.
public final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [EngineEvent] = []
    public init() {}
    /// Every event so far.
    public var events: [EngineEvent] { lock.withLock { stored } }
    /// The sink to hand the engine.
    public var sink: EngineEventSink { { event in self.lock.withLock { self.stored.append(event) } } }
}

/// A clock that only moves when told to; sleepers wake when `advance` passes their deadline or are cancelled.
public final class ManualClock: EngineClock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0
    private var nextID = 0
    private var sleepers: [Int: (deadline: Double, continuation: CheckedContinuation<Void, any Error>)] = [:]
    public init() {}
    public func now() -> Double { lock.withLock { seconds } }
    /// How many tasks are asleep on this clock.
    public var sleeperCount: Int { lock.withLock { sleepers.count } }

    public func sleep(seconds duration: Double) async throws {
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

    /// Moves time forward and wakes every sleeper whose time has come.
    public func advance(_ by: Double) {
        let due = lock.withLock { () -> [Int] in
            seconds += by
            return sleepers.filter { $0.value.deadline <= seconds }.map(\.key)
        }
        for id in due { wake(id, with: nil) }
    }

    /// Waits (yielding, never sleeping) until `count` tasks are asleep on this clock.
    public func waitForSleepers(_ count: Int) async {
        while sleeperCount < count { await Task.yield() }
    }
}

/// An engine clock whose sleeps return at once and move the time forward; records every sleep (for handlers that
/// poll: a ten-minute wait runs in milliseconds).
public final class SkippingClock: EngineClock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0
    private var recorded: [Double] = []
    public init() {}
    public func now() -> Double { lock.withLock { seconds } }
    public func sleep(seconds duration: Double) async throws {
        lock.withLock {
            seconds += duration
            recorded.append(duration)
        }
    }
    /// Every sleep so far, in order.
    public var sleeps: [Double] { lock.withLock { recorded } }
}

/// A one-shot gate: `wait()` suspends until `open()`; `waitUntilWaiting()` lets the test know someone is blocked.
public actor Gate {
    public init() {}
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    /// Suspends until the gate opens.
    public func wait() async {
        guard !isOpen else { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    /// Opens the gate for every waiter, present and future.
    public func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
    /// How many are waiting.
    public var waiting: Int { waiters.count }
    public nonisolated func waitUntilWaiting() async {
        while await waiting == 0 { await Task.yield() }
    }
}


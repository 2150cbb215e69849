import Foundation
import Synchronization

/// The time a simulator serves by: wall time while serving, a manual clock in tests.
public protocol SimClock: Sendable {
    /// The current simulated instant.
    func now() -> Date
}

/// The machine's wall clock; simulated durations are scaled by `TimeScale`, never the clock itself,
/// so that `expires_in` and `Retry-After` mean real seconds to a client.
public struct WallClock: SimClock {
    /// Creates the wall clock.
    public init() {}
    /// The current wall time.
    public func now() -> Date { Date() }
}

/// A clock that moves only when a test advances it (no real sleeps in tests).
public final class ManualClock: SimClock {
    private let current: Mutex<Date>

    /// Creates a manual clock at `start`.
    public init(start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    /// The clock's current instant.
    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// Multiplies every simulated duration: 1 = Azure's own pace, 0.01 = a hundred times faster, 0 = instant.
public struct TimeScale: Sendable, Codable, Equatable {
    /// The factor applied to every simulated duration.
    public var factor: Double

    /// Creates a time scale; negative factors are treated as zero.
    public init(_ factor: Double) { self.factor = max(0, factor) }

    /// The scaled length of a duration given in Azure seconds.
    public func scaled(_ seconds: TimeInterval) -> TimeInterval { seconds * factor }
}

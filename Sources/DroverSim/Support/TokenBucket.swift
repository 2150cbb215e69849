import Foundation

/// A token bucket on the simulator's clock: `capacity` requests at once, refilled at `refillPerSecond`.
struct TokenBucket: Codable, Sendable, Equatable {
    var capacity: Double
    var refillPerSecond: Double
    var tokens: Double
    var updatedAt: Date

    init(capacity: Double, refillPerSecond: Double, now: Date, fill: Double = 1) {
        self.capacity = capacity
        self.refillPerSecond = refillPerSecond
        tokens = capacity * min(max(fill, 0), 1)
        updatedAt = now
    }

    /// Refills up to `now`.
    mutating func refill(now: Date) {
        let elapsed = max(0, now.timeIntervalSince(updatedAt))
        tokens = min(capacity, tokens + elapsed * refillPerSecond)
        updatedAt = now
    }

    /// Takes one token; nil on success, otherwise the seconds until one is available.
    mutating func take(now: Date) -> TimeInterval? {
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        guard refillPerSecond > 0 else { return .infinity }
        return (1 - tokens) / refillPerSecond
    }

    /// Whole tokens left.
    var remaining: Int { Int(tokens.rounded(.down)) }
}

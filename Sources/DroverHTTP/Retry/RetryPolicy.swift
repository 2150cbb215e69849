import Foundation

/// Exponential back-off with full jitter, capped, honouring the server's `Retry-After`.
///
/// Azure asks clients to wait at least `Retry-After` seconds after a 429 or an LRO answer (azure-api.md §2 and §3.2,
/// "If you send a request before the retry value has elapsed, your request isn't processed").
public struct RetryPolicy: Sendable {
    /// How many times a request is sent at most (1 = never retried).
    public var maxAttempts: Int
    /// The first back-off, in seconds.
    public var baseDelay: Double
    /// The longest back-off, in seconds (a longer `Retry-After` is still honoured).
    public var maxDelay: Double
    /// Returns a number in [0, 1); replaced by a seeded one in tests.
    public var random: @Sendable () -> Double

    /// Creates a policy: by default 6 attempts, 1 s doubling up to 30 s.
    public init(maxAttempts: Int = 6, baseDelay: Double = 1, maxDelay: Double = 30, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = random
    }

    /// Whether a response status is worth sending again: throttling and server failures.
    public static func isRetryable(status: Int) -> Bool { status == 408 || status == 429 || (500...599).contains(status) && status != 501 }

    /// Seconds to wait before attempt `attempt + 1` (attempt counts from 1): the server's `Retry-After` when given,
    /// else a jittered exponential delay between half and all of `min(maxDelay, baseDelay·2^(attempt-1))`.
    public func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return max(0, retryAfter) }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(attempt - 1)))
        return ceiling / 2 + random() * ceiling / 2
    }

    /// Parses `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), relative to `now`.
    public static func retryAfterSeconds(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSince(now)) }
    }
}

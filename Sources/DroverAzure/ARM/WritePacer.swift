import DroverHTTP
import Foundation

/// Slows writes down as ARM's write budget runs low, so a large cluster waits instead of failing with 429.
///
/// ARM reports what is left in `x-ms-ratelimit-remaining-subscription-writes` on every write (azure-api.md §3.2;
/// default 1200 writes per hour, about one every 3 s once the reserve is gone). While the last reading is at or below
/// `reserve`, each write first waits `spacing` seconds; a later reading above the reserve lifts the pacing.
public actor WritePacer {
    /// The remaining count at or below which writes are spaced.
    public let reserve: Int
    /// Seconds between writes while pacing.
    public let spacing: Double
    /// The last remaining-writes reading, if any.
    public private(set) var remaining: Int?

    /// Creates a pacer.
    public init(reserve: Int = 20, spacing: Double = 3) {
        self.reserve = reserve
        self.spacing = spacing
    }

    /// Waits, when pacing, before a write is sent.
    public func beforeWrite(sleep: HTTPTransport.Sleeper) async throws {
        if let remaining, remaining <= reserve { try await sleep(spacing) }
    }

    /// Reads the remaining-writes header of a write's answer.
    public func observe(_ response: HTTPResponse) {
        if let value = response.header("x-ms-ratelimit-remaining-subscription-writes").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
            remaining = value
        }
    }
}

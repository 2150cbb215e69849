import DroverEngine
import DroverHTTP
import Foundation

/// Spends ARM's write budget no faster than it refills, so a large cluster waits instead of failing with 429.
///
/// ARM keeps a per-subscription bucket of writes (azure-api.md §3.2: 1200 an hour by default, refilled continuously)
/// and reports what is left in `x-ms-ratelimit-remaining-subscription-writes` on every write. The pacer mirrors that
/// bucket: from the last reading, the writes sent since, and the refill over the time passed, it lets a write go while
/// at least one token is left and otherwise waits exactly until the next one refills. Writes still in flight when a
/// reading arrives are counted as unspent, so the mirror errs on the side of waiting.
///
/// Time is the engine's clock times ``serviceTimeScale``: 1 against Azure, and the simulator's time scale against the
/// simulator (whose bucket refills that much faster), so the client and the service share one notion of time.
public actor WritePacer {
    /// Writes the bucket refills per service hour.
    public let writesPerHour: Double
    /// Real seconds per service second: 1 on Azure, the simulator's time scale on the simulator.
    public let serviceTimeScale: Double
    /// Tokens kept unspent, for writes other clients of the subscription send.
    public let reserve: Double
    private var reading: (remaining: Double, at: Double)?
    private var sentSinceReading = 0
    private var inFlight = 0
    private var awaitingFirstReading: [CheckedContinuation<Void, Never>] = []

    /// Creates a pacer for a budget of `writesPerHour` on a service running `serviceTimeScale` times real time.
    public init(writesPerHour: Double = 1200, serviceTimeScale: Double = 1, reserve: Double = 1) {
        self.writesPerHour = writesPerHour
        self.serviceTimeScale = serviceTimeScale
        self.reserve = reserve
    }

    /// How many writes wait for the first reading (tests).
    var waitingForFirstReading: Int { awaitingFirstReading.count }

    /// Tokens refilled per second of the engine's clock.
    private var refillPerSecond: Double { writesPerHour / 3600 / max(serviceTimeScale, 1e-9) }

    /// The mirror's tokens at `now`.
    func available(at now: Double) -> Double? {
        guard let reading else { return nil }
        return reading.remaining - Double(sentSinceReading) + max(0, now - reading.at) * refillPerSecond
    }

    /// Waits until the budget has a token for one more write, then counts the write as sent.
    ///
    /// Until the first reading only one write is in flight: it learns the budget for the others, which would
    /// otherwise all be refused by a subscription whose budget is already spent.
    public func beforeWrite(clock: any EngineClock, sleep: HTTPTransport.Sleeper) async throws {
        while true {
            if reading == nil, inFlight > 0 {
                await withCheckedContinuation { awaitingFirstReading.append($0) }
                continue
            }
            guard let available = available(at: clock.now()), available < 1 + reserve else { break }
            try await sleep((1 + reserve - available) / refillPerSecond)
        }
        sentSinceReading += 1
        inFlight += 1
    }

    /// Reads the remaining-writes header of a write's answer (or notes that the write got none).
    public func observe(_ response: HTTPResponse?, at now: Double) {
        inFlight = max(0, inFlight - 1)
        defer {
            // The probe came back (with a reading, or failed and another write becomes the probe).
            awaitingFirstReading.forEach { $0.resume() }
            awaitingFirstReading = []
        }
        guard let value = response?.header("x-ms-ratelimit-remaining-subscription-writes").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) else { return }
        reading = (value, now)
        sentSinceReading = inFlight
    }
}

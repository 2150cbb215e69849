import DroverEngine
import NIOConcurrencyHelpers

/// An engine clock whose sleeps return at once and move the time forward; records every sleep.
final class SkippingClock: EngineClock, Sendable {
    private let state = NIOLockedValueBox((now: 0.0, sleeps: [Double]()))
    func now() -> Double { state.withLockedValue { $0.now } }
    func sleep(seconds: Double) async throws {
        state.withLockedValue {
            $0.now += seconds
            $0.sleeps.append(seconds)
        }
    }
    var sleeps: [Double] { state.withLockedValue { $0.sleeps } }
}

/// Resume tokens an operation recorded, with how many requests the server had seen at that moment.
final class TokenLog: Sendable {
    private let box = NIOLockedValueBox<[(token: String, requestsSeen: Int)]>([])
    var entries: [(token: String, requestsSeen: Int)] { box.withLockedValue { $0 } }
    func append(_ token: String, _ seen: Int) { box.withLockedValue { $0.append((token, seen)) } }
}

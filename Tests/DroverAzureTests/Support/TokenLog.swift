import NIOConcurrencyHelpers

/// Resume tokens an operation recorded, with how many requests the server had seen at that moment.
final class TokenLog: Sendable {
    private let box = NIOLockedValueBox<[(token: String, requestsSeen: Int)]>([])
    var entries: [(token: String, requestsSeen: Int)] { box.withLockedValue { $0 } }
    func append(_ token: String, _ seen: Int) { box.withLockedValue { $0.append((token, seen)) } }
}

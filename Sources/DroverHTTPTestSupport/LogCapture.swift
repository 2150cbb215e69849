import Logging
import NIOConcurrencyHelpers

/// Collects every log line (message and metadata) at debug level, for tests that check what reaches the logs.
public final class LogCapture: Sendable {
    private let box = NIOLockedValueBox<[String]>([])

    /// Creates an empty capture.
    public init() {}

    /// A logger writing into this capture at debug level.
    public func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(box: self.box) }
        logger.logLevel = .debug
        return logger
    }

    /// Every line so far.
    public var lines: [String] { box.withLockedValue { $0 } }

    struct Handler: LogHandler {
        let box: NIOLockedValueBox<[String]>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let extra = (metadata.merging(event.metadata ?? [:]) { $1 }).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            box.withLockedValue { $0.append("\(event.level) \(event.message) \(extra)") }
        }
    }
}

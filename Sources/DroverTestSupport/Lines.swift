import Foundation

/// Lines collected from concurrent callers (views, tool output), in arrival order.
public final class Lines: @unchecked Sendable {
    // @unchecked: `stored` is only touched under `lock`.
    private let lock = NSLock()
    private var stored: [String] = []

    /// Creates an empty collection.
    public init() {}

    /// Every line so far.
    public var all: [String] { lock.withLock { stored } }

    /// Adds a line.
    public func append(_ line: String) { lock.withLock { stored.append(line) } }
}

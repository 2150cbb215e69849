import Dispatch
import Foundation

/// Turns Ctrl-C into a graceful stop: the first SIGINT (or SIGTERM) calls `onFirst`, the second exits at once with 130.
///
/// Quitting at once is safe because every remote call is preceded by a journaled pending operation.
final class InterruptHandler: @unchecked Sendable {
    // @unchecked: `sources` and `count` are touched only on `queue`.
    private let queue = DispatchQueue(label: "drover.interrupts")
    private var sources: [any DispatchSourceSignal] = []
    private var count = 0

    /// Starts catching SIGINT and SIGTERM until `cancel()`.
    static func install(onFirst: @escaping @Sendable () -> Void) -> InterruptHandler {
        let handler = InterruptHandler()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: handler.queue)
            source.setEventHandler { [handler] in
                handler.count += 1
                if handler.count == 1 { onFirst() } else { exit(130) }
            }
            source.resume()
            handler.sources.append(source)
        }
        return handler
    }

    /// Stops catching signals and restores their default action.
    func cancel() {
        queue.sync {
            for source in sources { source.cancel() }
            sources = []
        }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

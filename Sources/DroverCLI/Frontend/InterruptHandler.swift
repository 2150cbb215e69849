import Foundation
import Synchronization

/// Signals received since the handler was installed; read and written only with atomic operations, which are
/// safe inside a signal handler.
private let interruptCount = Atomic<Int>(0)
/// The write end of the self-pipe that wakes the watcher thread; set before the handler is installed.
nonisolated(unsafe) private var interruptPipeWrite: Int32 = -1

/// Turns Ctrl-C into a graceful stop: the first SIGINT (or SIGTERM) calls `onFirst`, the second exits at once with 130.
///
/// Quitting at once is safe because every remote call is preceded by a journaled pending operation. The handler
/// is installed with `sigaction` before `install` returns (a Dispatch signal source registers later, leaving a
/// window where a signal is lost); it only counts and writes one byte to a pipe, and a watcher thread calls
/// `onFirst` outside signal context.
final class InterruptHandler: Sendable {
    private let writeEnd: Int32

    private init(writeEnd: Int32) { self.writeEnd = writeEnd }

    /// Starts catching SIGINT and SIGTERM until `cancel()`.
    static func install(onFirst: @escaping @Sendable () -> Void) -> InterruptHandler {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        let handler = InterruptHandler(writeEnd: fds[1])
        interruptCount.store(0, ordering: .sequentiallyConsistent)
        interruptPipeWrite = fds[1]
        for number in [SIGINT, SIGTERM] {
            signal(number) { _ in
                if interruptCount.add(1, ordering: .sequentiallyConsistent).newValue >= 2 { _exit(130) }
                var byte: UInt8 = 1
                _ = write(interruptPipeWrite, &byte, 1)
            }
        }
        let readEnd = fds[0]
        Thread {
            var byte: UInt8 = 0
            // A byte means an interrupt; end of file means `cancel()` closed the pipe.
            if read(readEnd, &byte, 1) == 1 { onFirst() }
            close(readEnd)
        }.start()
        return handler
    }

    /// Stops catching signals, restores their default action and ends the watcher thread (its read sees end of file).
    func cancel() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        close(writeEnd)
    }
}

import Foundation
import Synchronization

/// Signals received since the handler was installed; read and written only with atomic operations, which are
/// safe inside a signal handler.
private let interruptCount = Atomic<Int>(0)
/// The write end of the self-pipe that wakes the watcher thread; set before the handler is installed.
nonisolated(unsafe) private var interruptPipeWrite: Int32 = -1
/// The address of a `strdup`ed lock file path this process holds, or 0; the handler unlinks it before quitting.
private let heldLockPath = Atomic<UInt>(0)

/// Turns Ctrl-C into a graceful stop: the first SIGINT (or SIGTERM) calls `onFirst`, the second removes the held
/// state lock and exits at once with 130.
///
/// Quitting at once is safe because every remote call is preceded by a journaled pending operation. The handler
/// is installed with `sigaction` before `install` returns (a Dispatch signal source registers later, leaving a
/// window where a signal is lost); it only counts, unlinks the lock file and writes one byte to a pipe (all
/// async-signal-safe), and a watcher thread calls `onFirst` outside signal context.
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
                if interruptCount.add(1, ordering: .sequentiallyConsistent).newValue >= 2 { removeHeldLockAndExit(130) }
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

    /// Records the lock file this process now holds, so that quitting removes it.
    static func holdLock(at path: String) {
        let old = heldLockPath.exchange(UInt(bitPattern: strdup(path)), ordering: .sequentiallyConsistent)
        free(UnsafeMutableRawPointer(bitPattern: old))
    }

    /// Forgets the lock file: it was released the ordinary way.
    static func lockReleased() {
        free(UnsafeMutableRawPointer(bitPattern: heldLockPath.exchange(0, ordering: .sequentiallyConsistent)))
    }

    /// Writes `message` to `descriptor`, removes the held lock file and exits with 130 without unwinding.
    static func quit(_ message: String, to descriptor: Int32) -> Never {
        let line = message + "\n"
        _ = line.withCString { write(descriptor, $0, strlen($0)) }
        removeHeldLockAndExit(130)
    }
}

/// Async-signal-safe: `unlink` and `_exit` only. The kernel drops the lock's `flock` as the process ends.
private func removeHeldLockAndExit(_ status: Int32) -> Never {
    if let path = UnsafePointer<CChar>(bitPattern: heldLockPath.load(ordering: .sequentiallyConsistent)) { unlink(path) }
    _exit(status)
}

import DroverEngine
import Foundation

/// A command's work under the state lock, released on every way the run ends.
///
/// The interrupt handler is installed before the lock is taken. Until `stopGracefully` is called (apply and
/// destroy call it just before changing anything) the first Ctrl-C removes the lock and exits 130; after it,
/// the first Ctrl-C stops gracefully and the second removes the lock and exits 130. A closed standard output
/// does not end the run (`DroverMain` ignores SIGPIPE), so the run finishes and unlocks normally.
final class LockedRun: @unchecked Sendable {
    // @unchecked: `graceful` is read and written under `lock`.
    private let lock = NSLock()
    private var graceful: (@Sendable () -> Void)?

    private init() {}

    /// From now on the first Ctrl-C calls `stop` instead of quitting.
    func stopGracefully(with stop: @escaping @Sendable () -> Void) { lock.withLock { graceful = stop } }

    private func interrupted() {
        guard let stop = lock.withLock({ graceful }) else {
            let message = "Interrupted: nothing was changed; the state lock is released."
            if Console.isJSON { InterruptHandler.quit(JSONLines.line("note", JSONLines.Note(message: message)), to: 1) }
            InterruptHandler.quit("\n" + message, to: 2)
        }
        stop()
    }

    /// Takes the lock of `store` for `operation`, runs `body`, and releases the lock however `body` ends;
    /// `note` receives the one-line notice when the lock of a dead process was taken over.
    static func run<T: Sendable>(
        _ store: FileStateStore, operation: String, note: (String) -> Void, _ body: (LockedRun) async throws -> T
    ) async throws -> T {
        let run = LockedRun()
        let interrupts = InterruptHandler.install { run.interrupted() }
        defer { interrupts.cancel() }
        let lock = try await store.lock(operation: operation)
        InterruptHandler.holdLock(at: store.lockPath)
        // Forgotten before the file is removed, so a late Ctrl-C never unlinks a lock another run took since.
        func release() async throws {
            InterruptHandler.lockReleased()
            try await store.unlock(lock)
        }
        if let dead = await store.replacedLock {
            let started = ISO8601DateFormatter().string(from: dead.startedAt)
            note("Note: took over the state lock of `\(dead.operation)` (pid \(dead.pid), since \(started)), whose process is no longer running.")
        }
        do {
            let result = try await body(run)
            try await release()
            return result
        } catch {
            try? await release()
            throw error
        }
    }
}

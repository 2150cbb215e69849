import Foundation

/// What a finished subprocess printed and how it ended.
public struct ProcessOutput: Sendable, Equatable {
    /// The exit status (or 128 + signal when it was killed).
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
    /// Whether the runner killed it because it ran past its timeout.
    public var timedOut: Bool
}

/// Runs a subprocess without blocking Swift's cooperative threads, streaming its lines as they come.
///
/// Built on Foundation's `Process`, which every toolchain ships; a dedicated package would add build minutes
/// for what a page of code does here. A cancelled task or an expired timeout kills the child with SIGKILL: a child
/// started from a Dispatch thread inherits its blocked signal mask, so SIGTERM would never reach it.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, feeding it `input`; `onLine` sees every stdout and stderr line as it arrives.
    public static func run(
        _ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil,
        currentDirectory: URL? = nil, timeout: Duration? = nil, onLine: (@Sendable (String) -> Void)? = nil
    ) async throws -> ProcessOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        // Waiting on the termination handler, not `waitUntilExit()`, which polls a run loop and burns a core.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let deadline = Deadline()
        if let timeout {
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { deadline.expire(process) }
        }

        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    if let input {
                        // A child that exits without reading its input must not kill us with SIGPIPE.
                        try? stdin.fileHandleForWriting.write(contentsOf: input)
                        try? stdin.fileHandleForWriting.close()
                    }
                    let group = DispatchGroup()
                    let out = LineCollector(onLine), err = LineCollector(onLine)
                    for (pipe, collector) in [(stdout, out), (stderr, err)] {
                        group.enter()
                        Thread {
                            collector.drain(pipe.fileHandleForReading)
                            group.leave()
                        }.start()
                    }
                    group.wait()
                    exited.wait()
                    let timedOut = deadline.finish()
                    let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
                    continuation.resume(returning: ProcessOutput(status: status, stdout: out.text, stderr: err.text, timedOut: timedOut))
                }
                thread.start()
            }
        } onCancel: {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
}

/// Whether a run's timeout fired before the process finished; after `finish` it no longer kills anything.
private final class Deadline: @unchecked Sendable {
    // @unchecked: both fields are guarded by `lock`.
    private let lock = NSLock()
    private var expired = false
    private var finished = false

    func expire(_ process: Process) {
        lock.withLock {
            guard !finished, process.isRunning else { return }
            expired = true
            kill(process.processIdentifier, SIGKILL)
        }
    }

    /// Marks the process finished; returns whether it had been killed for running too long.
    func finish() -> Bool {
        lock.withLock {
            finished = true
            return expired
        }
    }
}

/// Accumulates one stream and hands each complete line to a callback.
private final class LineCollector: @unchecked Sendable {
    // @unchecked: written only by the single thread that drains the pipe, read after that thread has finished.
    private var data = Data()
    private var pending = Data()
    private let onLine: (@Sendable (String) -> Void)?

    init(_ onLine: (@Sendable (String) -> Void)?) { self.onLine = onLine }

    var text: String { String(decoding: data, as: UTF8.self) }

    func drain(_ handle: FileHandle) {
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            data.append(chunk)
            pending.append(chunk)
            while let newline = pending.firstIndex(of: 0x0A) {
                onLine?(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                pending.removeSubrange(pending.startIndex...newline)
            }
        }
        if !pending.isEmpty { onLine?(String(decoding: pending, as: UTF8.self)) }
    }
}

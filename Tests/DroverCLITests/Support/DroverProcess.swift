import Foundation

/// A `drover` run the test steers while it runs: waits for text, sends signals, and chooses when to read its output.
final class DroverProcess: @unchecked Sendable {
    // @unchecked: the buffers are guarded by `lock`; `process` is only started and waited on.
    private let process = Process()
    private let stdoutPipe = Pipe(), stderrPipe = Pipe()
    private let lock = NSLock()
    private let changed = NSCondition()
    private var stdoutData = Data(), stderrData = Data()
    private var readingStdout = true
    private var stdoutClosed = false
    private var stderrClosed = false
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `binary ARGUMENTS` with `stdin` as its standard input.
    init(_ binary: DroverBinary, _ arguments: [String], stdin: FileHandle = FileHandle.nullDevice) throws {
        process.executableURL = binary.executable
        process.arguments = arguments
        process.currentDirectoryURL = binary.directory
        process.environment = ProcessInfo.processInfo.environment.merging(["HOME": binary.directory.path]) { $1 }
        process.standardInput = stdin
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
        drain(stderrPipe.fileHandleForReading) { $0.stderrData.append($1) }
        drain(stdoutPipe.fileHandleForReading) { $0.stdoutData.append($1) }
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { lock.withLock { String(decoding: stdoutData, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: stderrData, as: UTF8.self) } }

    /// Stops reading standard output once `text` has appeared in it, so the run blocks on a full pipe.
    func stopReadingStdout(after text: String) {
        waitUntil { $0.stdoutData.range(of: Data(text.utf8)) != nil }
        lock.withLock { readingStdout = false }
    }

    /// Blocks until `text` appears on standard output.
    func waitForStdout(_ text: String) { waitUntil { $0.stdoutData.range(of: Data(text.utf8)) != nil } }

    /// Blocks until `text` appears on standard error.
    func waitForStderr(_ text: String) { waitUntil { $0.stderrData.range(of: Data(text.utf8)) != nil } }

    /// Sends `signal` to the run.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the run to end and returns its exit status (128 + signal when killed); reads what was left.
    func wait() -> Int32 {
        lock.withLock { readingStdout = true }
        changed.broadcast()
        exited.wait()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    private func waitUntil(_ condition: (DroverProcess) -> Bool) {
        changed.lock()
        defer { changed.unlock() }
        while !lock.withLock({ condition(self) || (stdoutClosed && stderrClosed) }) { changed.wait() }
    }

    private func drain(_ handle: FileHandle, _ append: @escaping @Sendable (DroverProcess, Data) -> Void) {
        let isStdout = handle === stdoutPipe.fileHandleForReading
        Thread { [self] in
            while true {
                if isStdout {
                    changed.lock()
                    while !lock.withLock({ readingStdout }) { changed.wait() }
                    changed.unlock()
                }
                let chunk = handle.availableData
                changed.lock()
                lock.withLock {
                    if !chunk.isEmpty { append(self, chunk) } else if isStdout { stdoutClosed = true } else { stderrClosed = true }
                }
                changed.broadcast()
                changed.unlock()
                if chunk.isEmpty { break }
            }
        }.start()
    }
}

/// A pseudo-terminal whose follower end is a run's standard input, so `drover apply` asks for confirmation.
struct PseudoTerminal {
    let leader: FileHandle
    let follower: FileHandle

    init() throws {
        // Glibc's module map hides the pseudo-terminal calls (they need _XOPEN_SOURCE), so they are looked up.
        typealias IntCall = @convention(c) (Int32) -> Int32
        typealias NameCall = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        func symbol<T>(_ name: String, _ type: T.Type) throws -> T {
            guard let found = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { throw POSIXError(.ENOSYS) }
            return unsafeBitCast(found, to: type)
        }
        let leaderFD = try symbol("posix_openpt", IntCall.self)(O_RDWR | O_NOCTTY)
        guard leaderFD >= 0, try symbol("grantpt", IntCall.self)(leaderFD) == 0, try symbol("unlockpt", IntCall.self)(leaderFD) == 0,
            let name = try symbol("ptsname", NameCall.self)(leaderFD)
        else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let followerFD = open(name, O_RDWR | O_NOCTTY)
        guard followerFD >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        leader = FileHandle(fileDescriptor: leaderFD, closeOnDealloc: true)
        follower = FileHandle(fileDescriptor: followerFD, closeOnDealloc: true)
    }
}

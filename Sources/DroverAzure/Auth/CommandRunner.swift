import Foundation

/// Runs a local program and returns its exit status and output; tests pass a fake.
public protocol CommandRunner: Sendable {
    /// Runs `executable` (looked up on PATH) with `arguments`.
    func run(_ executable: String, _ arguments: [String]) async throws -> CommandResult
}

/// What a program left behind.
public struct CommandResult: Sendable, Equatable {
    /// The exit status.
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String

    /// Creates a result.
    public init(status: Int32, stdout: String, stderr: String = "") {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Runs programs with Foundation's `Process` through `/usr/bin/env`, so PATH decides which `az` runs.
public struct ProcessCommandRunner: CommandRunner {
    /// Creates the runner.
    public init() {}

    public func run(_ executable: String, _ arguments: [String]) async throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                continuation.resume(returning: CommandResult(status: finished.terminationStatus, stdout: stdout, stderr: stderr))
            }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }
}

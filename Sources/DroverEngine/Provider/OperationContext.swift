/// What a handler gets with each call: the resource's address and operation, a resume token from an interrupted run,
/// the engine's clock and stop signal for waiting, and ways to report progress.
public struct OperationContext: Sendable {
    /// The address of the resource being worked on.
    public let address: ResourceAddress
    /// The operation the engine is carrying out.
    public let operation: OperationKind
    /// The token recorded by an earlier, interrupted run of this same operation, if any.
    public let resumeToken: String?
    /// The engine's clock: handlers wait on it, never on the wall clock, so tests run on a manual one.
    public let clock: any EngineClock
    /// Raised on the first Ctrl-C: a waiting handler returns at once (``sleep(seconds:)`` throws `Interrupted`).
    public let stop: StopSignal?
    /// The clock time by which the operation must be done, if the engine set one.
    public let deadline: Double?
    let tokenRecorder: @Sendable (String) async throws -> Void
    let reporter: @Sendable (String, ProgressTable?) -> Void
    let waitReporter: @Sendable (Double) -> Void

    /// Creates a context; the engine makes these, tests of a single handler may too.
    public init(
        address: ResourceAddress, operation: OperationKind = .create, resumeToken: String? = nil,
        clock: any EngineClock = SystemEngineClock(), stop: StopSignal? = nil, deadline: Double? = nil,
        recordResumeToken: @escaping @Sendable (String) async throws -> Void = { _ in },
        report: @escaping @Sendable (String, ProgressTable?) -> Void = { _, _ in },
        reportWait: @escaping @Sendable (Double) -> Void = { _ in }
    ) {
        self.address = address
        self.operation = operation
        self.resumeToken = resumeToken
        self.clock = clock
        self.stop = stop
        self.deadline = deadline
        self.tokenRecorder = recordResumeToken
        self.reporter = report
        self.waitReporter = reportWait
    }

    /// Durably records a token that lets a later run resume this operation; returns once it is on disk.
    public func recordResumeToken(_ token: String) async throws { try await tokenRecorder(token) }

    /// Reports a one-line progress message shown beside the resource (the engine scrubs secrets from it).
    public func report(_ message: String) { reporter(message, nil) }

    /// Reports progress with a table, such as one row per node, that the views show under the resource.
    public func report(_ message: String, table: ProgressTable) { reporter(message, table) }

    /// Sleeps `seconds` on the engine's clock.
    /// - Throws: `CodedError` `Interrupted` as soon as the stop signal is raised, or `CancellationError`.
    public func sleep(seconds: Double) async throws {
        let started = clock.now()
        defer { waitReporter(clock.now() - started) }
        guard let stop else { return try await clock.sleep(seconds: seconds) }
        if stop.isRaised { throw CodedError.interrupted }
        let clock = self.clock
        let stopped = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await clock.sleep(seconds: seconds)
                return false
            }
            group.addTask {
                await stop.wait()
                return true
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        if stopped || stop.isRaised { throw CodedError.interrupted }
    }

    /// Calls `check` every `interval` seconds of the engine's clock until it returns a value.
    ///
    /// - Parameters:
    ///   - what: what is awaited, for the timeout message ("node k8s-win-0 to be Ready").
    ///   - timeout: seconds after which to give up; the engine's deadline, if sooner, wins.
    ///   - diagnosis: asked once on timeout for the last known reason, named in the error.
    /// - Throws: `CodedError` `Timeout` naming `what` and the diagnosis; `Interrupted` when stopped.
    public func wait<T: Sendable>(
        for what: String, every interval: Double, timeout: Double,
        diagnosis: @Sendable () async -> String? = { nil },
        _ check: () async throws -> T?
    ) async throws -> T {
        let start = clock.now()
        let limit = min(start + timeout, deadline ?? .infinity)
        while true {
            if let value = try await check() { return value }
            let now = clock.now()
            if now >= limit {
                let reason = await diagnosis()
                throw CodedError(
                    code: "Timeout",
                    message: "gave up waiting for \(what) after \(Int((now - start).rounded()))s"
                        + (reason.map { ": \($0)" } ?? ""),
                    remediation: "run the same command again to keep waiting, or look at the reason above")
            }
            try await sleep(seconds: min(interval, limit - now))
        }
    }
}

/// Which operation a handler is asked to perform.
public enum OperationKind: String, Codable, Sendable {
    case create, read, update, delete
}

/// A small table of structured progress (one row per node, say) attached to a progress event.
public struct ProgressTable: Codable, Sendable, Equatable {
    /// Column headings.
    public var columns: [String]
    /// The rows, each with one cell per column.
    public var rows: [[String]]

    /// Creates a table.
    public init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }
}

extension CodedError {
    /// The error a waiting handler throws when the run is asked to stop; the pending operation is kept for resuming.
    public static let interrupted = CodedError(
        code: "Interrupted", message: "stopped while waiting; the operation continues where it was on the next run",
        remediation: "run the same command again: the interrupted operation is resumed, not repeated")
}

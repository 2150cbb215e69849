/// Something the engine did, for the views to show; the engine itself never prints.
///
/// Events are flat so that `--json` writes one readable object per line.
public struct EngineEvent: Codable, Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Codable, Sendable {
        /// A plan was computed; `counts` holds how many of each action.
        case planned
        /// Work on a resource started.
        case started
        /// A handler reported progress; `message` says what.
        case progress
        /// Work on a resource is still going; `elapsedSeconds` says for how long.
        case stillRunning
        /// A handler finished waiting on the engine clock (polling, backing off, giving a machine time);
        /// `elapsedSeconds` says for how long, so a timeline can tell waiting from working.
        case waited
        /// Work on a resource finished.
        case succeeded
        /// Work on a resource failed; `message`, `code` and `remediation` say why.
        case failed
        /// A resource was not touched because something it depends on failed.
        case skipped
        /// A refresh found a resource changed or gone outside Drover; `paths` lists what changed.
        case drift
        /// Outputs were computed; sensitive ones are absent from `outputs` and named in `paths`.
        case outputs
        /// The run ended; `counts` holds what was done.
        case finished
    }

    /// What happened.
    public var kind: Kind
    /// The resource concerned, if any.
    public var address: ResourceAddress?
    /// The operation (create, update, delete, read), if any.
    public var operation: String?
    /// A human-readable detail.
    public var message: String?
    /// The remote or Drover error code of a failure.
    public var code: String?
    /// What the user can do about a failure.
    public var remediation: String?
    /// Seconds the work took, for `succeeded` and `failed`.
    public var elapsedSeconds: Double?
    /// Counts by action or outcome, for `planned` and `finished`.
    public var counts: [String: Int]?
    /// Paths, for `drift` and sensitive outputs.
    public var paths: [String]?
    /// Non-sensitive output values, for `outputs`.
    public var outputs: [String: Value]?
    /// Structured progress (one row per node, say), for `progress`.
    public var table: ProgressTable?

    /// Creates an event.
    public init(
        _ kind: Kind, address: ResourceAddress? = nil, operation: String? = nil, message: String? = nil,
        code: String? = nil, remediation: String? = nil, elapsedSeconds: Double? = nil, counts: [String: Int]? = nil,
        paths: [String]? = nil, outputs: [String: Value]? = nil, table: ProgressTable? = nil
    ) {
        self.kind = kind
        self.address = address
        self.operation = operation
        self.message = message
        self.code = code
        self.remediation = remediation
        self.elapsedSeconds = elapsedSeconds
        self.counts = counts
        self.paths = paths
        self.outputs = outputs
        self.table = table
    }
}

/// Receives engine events; called from many tasks at once, so it must be thread-safe.
public typealias EngineEventSink = @Sendable (EngineEvent) -> Void

/// A source of elapsed time, injected so that tests and golden files are deterministic.
public protocol EngineClock: Sendable {
    /// Seconds since an arbitrary fixed point.
    func now() -> Double
    /// Suspends for `seconds` of this clock's time; throws `CancellationError` when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The monotonic system clock.
public struct SystemEngineClock: EngineClock {
    private let start = ContinuousClock.now

    /// Creates a clock starting now.
    public init() {}

    public func now() -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    public func sleep(seconds: Double) async throws { try await Task.sleep(for: .seconds(seconds)) }
}

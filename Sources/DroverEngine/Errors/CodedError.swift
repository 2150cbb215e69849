/// The one error type of Drover: a stable code (the remote service's, or Drover's own), a message, the fix when
/// known, and, for a remote failure, what the service said about it.
///
/// Planning, handlers, transports and the state store all report through this shape, so the CLI has one renderer
/// and the engine one place to decide whether an operation may have had an effect.
public struct CodedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The remote service's error code, or a Drover code such as `DependencyCycle`.
    public var code: String
    /// What went wrong.
    public var message: String
    /// What the user can do about it, when known.
    public var remediation: String?
    /// The remote service's status (an HTTP status code), when the failure came from one.
    public var status: Int?
    /// The remote service's request id (`x-ms-request-id`, say), to quote when asking its support.
    public var requestId: String?
    /// Further lines from the service (ARM's `details`, say), in its order.
    public var details: [String]
    /// Whether sending the same request again may succeed (throttling, a 5xx, a dropped connection).
    public var retryable: Bool
    /// Whether the failure means the object does not exist; `read` turns it into nil.
    public var notFound: Bool
    /// Whether the service certainly did nothing (a request refused before any effect, such as a 400); the engine
    /// then forgets the pending operation instead of resuming it on the next run.
    public var nothingApplied: Bool

    /// Creates a coded error.
    public init(
        code: String, message: String, remediation: String? = nil, status: Int? = nil, requestId: String? = nil,
        details: [String] = [], retryable: Bool = false, notFound: Bool = false, nothingApplied: Bool = false
    ) {
        self.code = code
        self.message = message
        self.remediation = remediation
        self.status = status
        self.requestId = requestId
        self.details = details
        self.retryable = retryable
        self.notFound = notFound
        self.nothingApplied = nothingApplied
    }

    public var description: String { "\(code): \(message)" }

    /// Runs `body`, answering nil when it fails with a not-found error: the one place `read` handlers map absence.
    public static func nilWhenNotFound<T>(_ body: () async throws -> T) async throws -> T? {
        do { return try await body() } catch let error as CodedError where error.notFound { return nil }
    }
}

/// What a handler gets with each call: the resource's address, a resume token from an interrupted run, and ways to report.
public struct OperationContext: Sendable {
    /// The address of the resource being worked on.
    public let address: ResourceAddress
    /// The token recorded by an earlier, interrupted run of the same operation, if any.
    public let resumeToken: String?
    let tokenRecorder: @Sendable (String) async throws -> Void
    let reporter: @Sendable (String) -> Void

    /// Creates a context; the engine makes these, tests of a single handler may too.
    public init(
        address: ResourceAddress, resumeToken: String? = nil,
        recordResumeToken: @escaping @Sendable (String) async throws -> Void = { _ in },
        report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.address = address
        self.resumeToken = resumeToken
        self.tokenRecorder = recordResumeToken
        self.reporter = report
    }

    /// Durably records a token that lets a later run resume this operation; returns once it is on disk.
    public func recordResumeToken(_ token: String) async throws { try await tokenRecorder(token) }

    /// Reports a one-line progress message shown beside the resource (never put a secret in it).
    public func report(_ message: String) { reporter(message) }
}

/// A failure a handler reports: the server's code, a message and what the user can do about it.
public struct ResourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The remote service's error code, or a Drover code.
    public var code: String
    /// What went wrong.
    public var message: String
    /// What the user can do about it, when known.
    public var remediation: String?

    /// Creates a resource error.
    public init(code: String, message: String, remediation: String? = nil) {
        self.code = code
        self.message = message
        self.remediation = remediation
    }

    public var description: String { "\(code): \(message)" }
}

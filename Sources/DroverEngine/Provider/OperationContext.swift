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

/// How a run ended: the state it left, what failed and what was skipped.
///
/// A partial result is normal: every resource that succeeded is in `state`, failures are listed together.
public struct ApplyResult: Sendable {
    /// The state after the run (already committed).
    public var state: StateSnapshot
    /// Every resource whose operation failed.
    public var failures: [ResourceFailure]
    /// Resources not touched because something they depend on failed.
    public var skipped: [ResourceAddress]
    /// Resources not touched because the run was stopped before their turn came.
    public var notStarted: [ResourceAddress]
    /// How many operations of each kind succeeded (`create`, `update`, `delete`, `read`).
    public var completed: [String: Int]

    /// Whether everything planned was done.
    public var succeeded: Bool { failures.isEmpty && skipped.isEmpty && notStarted.isEmpty }
}

/// One resource's failed operation.
public struct ResourceFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The resource.
    public var address: ResourceAddress
    /// The operation that failed.
    public var operation: String
    /// The error code, when the handler gave one.
    public var code: String?
    /// What went wrong.
    public var message: String
    /// What the user can do.
    public var remediation: String?
    /// The remote service's status, when the failure came from one.
    public var status: Int?
    /// The remote service's request id, to quote to its support.
    public var requestId: String?

    public var description: String { "\(address): \(operation) failed: \(message)" }

    init(address: ResourceAddress, operation: String, error: any Error) {
        self.address = address
        self.operation = operation
        switch error {
        case let error as CodedError:
            code = error.code
            message = error.details.isEmpty ? error.message : ([error.message] + error.details).joined(separator: "; ")
            remediation = error.remediation
            status = error.status
            requestId = error.requestId
        case is CancellationError:
            code = "Interrupted"
            message = "interrupted before the operation was seen to finish"
            remediation = "run the same command again: the interrupted operation is resumed, not repeated"
        default:
            message = String(describing: error)
        }
    }
}

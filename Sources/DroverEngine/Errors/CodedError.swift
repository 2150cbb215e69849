/// A failure that carries a stable code (the remote service's, or Drover's own), a message and, when known, the fix.
///
/// Planning, handlers and the state store all report through this one shape so the CLI has one renderer for them.
public struct CodedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The remote service's error code, or a Drover code such as `DependencyCycle`.
    public var code: String
    /// What went wrong.
    public var message: String
    /// What the user can do about it, when known.
    public var remediation: String?

    /// Creates a coded error.
    public init(code: String, message: String, remediation: String? = nil) {
        self.code = code
        self.message = message
        self.remediation = remediation
    }

    public var description: String { "\(code): \(message)" }
}

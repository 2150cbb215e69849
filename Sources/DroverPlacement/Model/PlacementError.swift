/// A failure of placement with a stable code, the place it was found and what would be valid.
public struct PlacementError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code such as `YAMLSyntax`, `UnknownDefaultOS` or `RegistryUnauthorized`.
    public var code: String
    /// What went wrong, naming the file, line:column or field path when known.
    public var message: String
    /// What the user can do about it.
    public var remediation: String?

    /// Creates a placement error.
    public init(code: String, message: String, remediation: String? = nil) {
        self.code = code
        self.message = message
        self.remediation = remediation
    }

    public var description: String {
        remediation.map { "\(code): \(message) (\($0))" } ?? "\(code): \(message)"
    }
}

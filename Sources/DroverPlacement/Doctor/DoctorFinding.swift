/// One problem `drover doctor` found in a live cluster, with the object it concerns and the fix.
public struct DoctorFinding: Sendable, Hashable, Codable {
    /// How bad it is: errors stop workloads now, warnings will.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        case error
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .error && rhs == .warning }
    }

    /// How bad it is.
    public var severity: Severity
    /// A stable name of the check, such as `BuildMismatch`.
    public var check: String
    /// The object, such as `Pod default/web` or `Node win-0`.
    public var object: String
    /// What is wrong.
    public var problem: String
    /// What to do about it.
    public var fix: String

    /// Creates a finding.
    public init(severity: Severity, check: String, object: String, problem: String, fix: String) {
        self.severity = severity
        self.check = check
        self.object = object
        self.problem = problem
        self.fix = fix
    }
}

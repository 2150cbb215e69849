/// A problem found in a spec: where it is, what is wrong and how to fix it.
public struct Diagnostic: Sendable, Equatable, Codable, CustomStringConvertible {
    /// How serious a problem is.
    public enum Severity: String, Sendable, Codable, Comparable {
        /// Nothing is created while an error remains.
        case error
        /// Allowed, but the user should know.
        case warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    /// Error or warning.
    public var severity: Severity
    /// The file the problem is in.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The field path, such as `cluster.nodePools[3].name`.
    public var path: String
    /// What is wrong.
    public var message: String
    /// What would be valid, or what to do.
    public var fix: String?

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, file: String, line: Int? = nil, column: Int? = nil, path: String, message: String,
        fix: String? = nil
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
        self.fix = fix
    }

    private enum CodingKeys: String, CodingKey { case severity, file, line, column, path, message, fix }

    /// Every field, unknown ones as `null`, so each `--json` diagnostic line has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(severity, forKey: .severity)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
        try container.encode(path, forKey: .path)
        try container.encode(message, forKey: .message)
        try container.encode(fix, forKey: .fix)
    }

    /// `file:line:column`, or as much of it as is known.
    public var location: String {
        guard let line else { return file }
        return "\(file):\(line):\(column ?? 1)"
    }

    public var description: String {
        var text = "\(location): \(severity.rawValue): \(path.isEmpty ? "" : "\(path): ")\(message)"
        if let fix { text += "\n  fix: \(fix)" }
        return text
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file position, then path, errors before warnings at the same place.
    public var ordered: [Diagnostic] {
        sorted {
            ($0.line ?? .max, $0.column ?? .max, $0.path, $0.severity) < ($1.line ?? .max, $1.column ?? .max, $1.path, $1.severity)
        }
    }
}

import Foundation
import Yams

/// Reads `drover.yaml` into a `ClusterSpec`, remembering where every field was written.
///
/// Decoding is done by hand over Yams' node tree rather than with `Codable`, because `Codable` forgets
/// positions; every problem is reported with its line and column, never as a crash.
public struct SpecLoader: Sendable {
    /// The result of loading: the spec (when the file could be read at all), problems, and field positions.
    public struct Result: Sendable {
        /// The spec with defaults filled in, or nil when the file is not a YAML mapping.
        public var spec: ClusterSpec?
        /// Every problem found while reading.
        public var diagnostics: [Diagnostic]
        /// Where each field path was written, as (line, column).
        public var positions: [String: SourcePosition]
    }

    /// The largest spec read, in bytes: a full spec is a few kilobytes; this stops a runaway file early.
    public static let maxBytes = 1_048_576
    /// The most node pools a spec may list.
    public static let maxPools = 100

    /// Creates a loader.
    public init() {}

    /// Reads the spec at `path`.
    public func load(path: String) -> Result {
        let data: Data
        switch LocalFile.contents(path, limit: Self.maxBytes) {
        case .success(let contents): data = contents
        case .failure(let error):
            let fix: String
            switch error.kind {
            case .missing: fix = "run `drover init` to write a starter drover.yaml, or pass the spec's path with --spec"
            case .directory: fix = "pass the spec file itself with --spec, such as --spec \((path as NSString).appendingPathComponent("drover.yaml"))"
            case .notRegular: fix = "pass a regular file with --spec; to feed a generated spec, write it to a file first"
            case .permission: fix = "make the file readable by you (chmod u+r \(path))"
            case .tooLarge: fix = "a spec is a few kilobytes; split out what is not a drover.yaml"
            case .other: fix = "check the path"
            }
            return Result(
                spec: nil, diagnostics: [Diagnostic(.error, file: path, path: "", message: "the spec file cannot be read: \(error.reason)", fix: fix)],
                positions: [:])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return Result(
                spec: nil, diagnostics: [Diagnostic(.error, file: path, line: 1, column: 1, path: "", message: "the file is not UTF-8 text")],
                positions: [:])
        }
        return load(text: text, file: path)
    }

    /// Reads a spec from `text`, naming `file` in diagnostics.
    public func load(text: String, file: String) -> Result {
        guard text.utf8.count <= Self.maxBytes else {
            return Result(
                spec: nil,
                diagnostics: [Diagnostic(.error, file: file, path: "", message: "the spec is \(text.utf8.count) bytes, more than the \(Self.maxBytes) allowed", fix: "a spec is a few kilobytes; split out what is not a drover.yaml")],
                positions: [:])
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            return Result(spec: nil, diagnostics: [Self.diagnostic(for: error, file: file, text: text)], positions: [:])
        }
        var reader = NodeReader(file: file)
        guard let root, root.null == nil else {
            return Result(spec: .defaults(for: .current), diagnostics: [], positions: [:])
        }
        guard let top = reader.mapping(root, path: "", allowed: ["profile", "azure", "admin", "rancher", "cluster"]) else {
            return Result(spec: nil, diagnostics: reader.diagnostics, positions: reader.positions)
        }
        let profile = reader.choice(top["profile"], path: "profile", as: Profile.self) ?? .current
        var spec = ClusterSpec.defaults(for: profile)
        reader.read(azure: top["azure"], into: &spec.azure)
        reader.read(admin: top["admin"], into: &spec.admin)
        reader.read(rancher: top["rancher"], into: &spec.rancher)
        reader.read(cluster: top["cluster"], into: &spec.cluster, profile: profile)
        return Result(spec: spec, diagnostics: reader.diagnostics, positions: reader.positions)
    }

    static func diagnostic(for error: any Error, file: String, text: String) -> Diagnostic {
        var line = 1
        var column = 1
        var problem = String(describing: error)
        if let error = error as? YamlError {
            switch error {
            case .duplicatedKeysInMapping(let keys, let context):
                // Yams marks the first occurrence; the repeat is the next key of that name at the same indentation.
                let key = keys.first ?? ""
                let first = context.mark
                let repeated = laterOccurrence(of: key, after: first, in: text)
                return Diagnostic(
                    .error, file: file, line: repeated?.line ?? first.line, column: repeated?.column ?? first.column, path: "",
                    message: "`\(key)` is written twice in the same mapping (first at line \(first.line), column \(first.column))"
                        + (keys.count > 1 ? "; also repeated: \(keys.dropFirst().map { "`\($0)`" }.joined(separator: ", "))" : ""),
                    fix: "keep one of them")
            case .scanner(let context, let message, let mark, _), .parser(let context, let message, let mark, _),
                .composer(let context, let message, let mark, _):
                line = mark.line
                column = mark.column
                problem = [context.map { "\($0.text)" }, message].compactMap { $0 }.joined(separator: ": ")
            case .reader(let message, let offset, _, _):
                problem = message
                if let offset {
                    let prefix = text.utf8.prefix(max(0, offset))
                    line = prefix.filter { $0 == UInt8(ascii: "\n") }.count + 1
                    column = prefix.count - (prefix.lastIndex(of: UInt8(ascii: "\n")).map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0) + 1
                }
            default:
                break
            }
        }
        return Diagnostic(.error, file: file, line: line, column: column, path: "", message: "not valid YAML: \(problem)", fix: "correct the YAML syntax at this position")
    }
}

/// Where `key` is written again as a block-mapping key after `first`, in the same mapping (same indentation).
private func laterOccurrence(of key: String, after first: Mark, in text: String) -> (line: Int, column: Int)? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let indent = first.column - 1
    guard first.line >= 1, first.line < lines.count else { return nil }
    for number in (first.line + 1)...lines.count {
        let line = lines[number - 1]
        let body = line.drop { $0 == " " }
        if body.isEmpty || body.hasPrefix("#") { continue }
        let depth = line.count - body.count
        if depth < indent { return nil }
        guard depth == indent else { continue }
        for spelling in [key, "\"\(key)\"", "'\(key)'"] where body.hasPrefix(spelling) {
            if body.dropFirst(spelling.count).drop(while: { $0 == " " }).hasPrefix(":") { return (number, indent + 1) }
        }
    }
    return nil
}

/// A 1-based line and column in the spec file.
public struct SourcePosition: Sendable, Equatable, Codable {
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

import Foundation
import Yams

/// A multi-document YAML text split at its `---` lines, each document kept as written so that documents placement
/// does not change are printed back byte for byte (comments, quoting and flow style included).
public struct YAMLStream: Sendable {
    /// One document of the stream.
    public struct Document: Sendable {
        /// The `---` line that opened it (with its newline), if any.
        public var separator: String
        /// The document's text as written.
        public var text: String
        /// The 1-based line of the document's first line in the file.
        public var firstLine: Int
    }

    /// The documents in order.
    public var documents: [Document]

    /// Splits `text` at lines that start with `---` (YAML 1.2 §9.2, document markers sit at column 0).
    public init(_ text: String) {
        var documents: [Document] = []
        var separator = ""
        var lines: [Substring] = []
        var firstLine = 1
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line == "---" || line.hasPrefix("--- ") || line.hasPrefix("---\t") || line == "---\r" {
                if !lines.isEmpty || !separator.isEmpty || documents.count > 0 {
                    documents.append(Document(separator: separator, text: Self.joined(lines), firstLine: firstLine))
                }
                separator = String(line) + "\n"
                lines = []
                firstLine = lineNumber
                continue
            }
            lines.append(line)
        }
        if !(lines.count == 1 && lines[0].isEmpty && !documents.isEmpty) || !separator.isEmpty {
            documents.append(Document(separator: separator, text: Self.joined(lines), firstLine: firstLine))
        }
        self.documents = documents
    }

    static func joined(_ lines: [Substring]) -> String {
        lines.joined(separator: "\n")
    }

    /// The comment and blank lines that open `text`, which a re-emitted document keeps.
    public static func leadingComments(_ text: String) -> String {
        var kept = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.isEmpty || trimmed.hasPrefix("#") else { break }
            kept += line + "\n"
        }
        return kept
    }

    /// The stream printed back, with each document's text replaced where `replacement` gives one.
    public func rendered(replacing replacement: [Int: String]) -> String {
        var output = ""
        for (index, document) in documents.enumerated() {
            output += document.separator
            var text = replacement[index] ?? document.text
            if index < documents.count - 1, !text.hasSuffix("\n"), !text.isEmpty { text += "\n" }
            output += text
        }
        return output
    }

    /// The document's tree, nil for an empty (or comment-only) document; YAML errors name `file:line:column`.
    public static func parse(_ document: Document, file: String) throws -> Node? {
        // A document opened by `--- {…}` keeps its content on the separator line.
        let inline = document.separator.dropFirst(3).trimmingCharacters(in: .whitespacesAndNewlines)
        let text = inline.isEmpty ? document.text : inline + "\n" + document.text
        let offset = inline.isEmpty ? document.firstLine - (document.separator.isEmpty ? 1 : 0) : document.firstLine - 1
        do {
            guard let node = try Yams.compose(yaml: text) else { return nil }
            return FlowStyles.restored(node, lines: text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) })
        } catch let error as YamlError {
            throw PlacementError(code: "YAMLSyntax", message: "\(file):\(describe(error, lineOffset: offset))",
                                 remediation: "fix the YAML at that position; each document must be a Kubernetes object")
        }
    }

    /// `line:column: problem` of a Yams error, shifted to the file's lines.
    static func describe(_ error: YamlError, lineOffset: Int) -> String {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            return "\(mark.line + lineOffset):\(mark.column): \(problem)\(context.map { " \($0.text)" } ?? "")"
        case let .duplicatedKeysInMapping(duplicates, context):
            return "\(context.mark.line + lineOffset):\(context.mark.column): duplicated keys \(duplicates.joined(separator: ", "))"
        default:
            return "\(lineOffset + 1): \(error)"
        }
    }
}

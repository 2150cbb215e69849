import Foundation
import Yams

/// A multi-document YAML text split at its `---` lines, each document kept as written so that documents placement
/// does not change are printed back byte for byte (comments, quoting and flow style included).
public struct YAMLStream: Sendable {
    /// One document of the stream.
    public struct Document: Sendable {
        /// The `---` line that opened it (with its line break), empty for a first document without one.
        public var separator: String
        /// The document's text as written, with its line breaks.
        public var text: String
        /// The 1-based file line of the separator (or 1 for a first document without one).
        public var firstLine: Int
    }

    /// The documents in order; their separators and texts joined give back the input exactly.
    public var documents: [Document]

    /// Splits `text` at lines that start with `---` followed by nothing or a space (YAML 1.2 §9.2: document
    /// markers sit at column 0, so an indented `---` inside a block scalar is content).
    public init(_ text: String) {
        var documents: [Document] = []
        var separator = "", separatorLine = 1, contentStart = text.startIndex
        var lineNumber = 1
        for line in Self.lineRanges(text) {
            if Self.isDocumentMarker(text[line.content]) {
                documents.append(Document(separator: separator, text: String(text[contentStart..<line.content.lowerBound]), firstLine: separatorLine))
                (separator, separatorLine, contentStart) = (String(text[line.content.lowerBound..<line.end]), lineNumber, line.end)
            }
            lineNumber += 1
        }
        documents.append(Document(separator: separator, text: String(text[contentStart...]), firstLine: separatorLine))
        self.documents = documents
    }

    /// A `---` line, as a line of Characters (so `---` followed by a combining mark is not one).
    static func isDocumentMarker(_ line: Substring) -> Bool {
        guard line.utf8.starts(with: "---".utf8) else { return false }
        return line.hasPrefix("---") && line.dropFirst(3).first.map { $0 == " " || $0 == "\t" || $0 == "\r" } ?? true
    }

    /// The lines of `text` split at each "\n" byte (a Character split would keep "\r\n", one grapheme, whole):
    /// each line's content and the index after its line break (the end of `text` for a last line without one).
    static func lineRanges(_ text: String) -> [(content: Range<String.Index>, end: String.Index)] {
        var ranges: [(content: Range<String.Index>, end: String.Index)] = []
        var start = text.startIndex
        while true {
            guard let newline = text.utf8[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                ranges.append((start..<text.endIndex, text.endIndex))
                return ranges
            }
            let next = text.utf8.index(after: newline)
            ranges.append((start..<newline, next))
            start = next
        }
    }

    /// `text` split at each "\n".
    static func lines(_ text: String) -> [Substring] {
        lineRanges(text).map { text[$0.content] }
    }

    /// The comment and blank lines that open `text`, which a re-emitted document keeps.
    public static func leadingComments(_ text: String) -> String {
        var kept = ""
        for line in lineRanges(text) {
            let trimmed = text[line.content].trimmingCharacters(in: .whitespaces)
            guard trimmed.isEmpty || trimmed.hasPrefix("#") else { break }
            kept += text[line.content] + "\n"
        }
        return kept
    }

    /// The stream printed back, with each document's text replaced where `replacement` gives one.
    public func rendered(replacing replacement: [Int: String]) -> String {
        documents.indices.map { documents[$0].separator + (replacement[$0] ?? documents[$0].text) }.joined()
    }

    /// The document's tree, nil for an empty (or comment-only) document; YAML errors name `file:line:column`.
    public static func parse(_ document: Document, file: String) throws -> Node? {
        // A document opened by `--- {…}` keeps its content on the separator line.
        let inline = document.separator.utf8.count > "---\n".utf8.count ? document.separator.dropFirst(3).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        let text = inline.isEmpty ? document.text : inline + "\n" + document.text
        let lineOffset = document.separator.isEmpty ? 0 : inline.isEmpty ? document.firstLine : document.firstLine - 1
        do {
            // The basic resolver: placement reads scalars as text, and the default one runs regular expressions on each.
            // UTF-8 given, not `.default`, which reads the process environment on every call.
            guard let node = try Yams.compose(yaml: text, .basic, .default, .utf8) else { return nil }
            guard text.utf8.contains(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") }) else { return node }
            return FlowStyles.restored(node, lines: lines(text).map { Array($0.unicodeScalars) })
        } catch let error as YamlError {
            throw PlacementError(code: "YAMLSyntax", message: "\(file):\(describe(error, lineOffset: lineOffset))",
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

/// One token of a command line: a word (with its unquoted value and the exact source text) or an operator.
///
/// Words keep their source text so that a rewritten command re-emits every word it did not change exactly as
/// Rancher wrote it, expansions and quoting included; only words Drover adds are quoted by Drover.
public enum ShellToken: Sendable, Equatable {
    /// A word: `value` is what the program receives, `raw` how it was written (nil for a word Drover made).
    case word(value: String, raw: String?)
    /// A control operator such as `|`, `;`, `&&`, or in PowerShell `{`, `}` and `&`.
    case op(String)

    /// A new word, quoted when rendered.
    public static func word(_ value: String) -> ShellToken { .word(value: value, raw: nil) }

    /// A flag Drover adds, such as `--worker` or `-Address`: written exactly as given, never quoted.
    public static func flag(_ name: String) -> ShellToken { .word(value: name, raw: name) }

    /// The word's value, or nil for an operator.
    public var value: String? {
        if case .word(let value, _) = self { return value }
        return nil
    }
}

/// A command line that cannot be tokenised; `column` is 1-based. The message never repeats the command,
/// which may hold a join token.
public struct ShellSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Where, counted in characters from 1.
    public var column: Int

    public var description: String { "column \(column): \(message)" }
}

extension Array where Element == ShellToken {
    /// The tokens as one line: source text for words read from a command, `quoting(value)` for new words.
    func rendered(quoting: (String) -> String) -> String {
        map { token in
            switch token {
            case .word(let value, let raw): raw ?? quoting(value)
            case .op(let op): op
            }
        }.joined(separator: " ")
    }

    /// Splits the tokens at each operator in `separators`, dropping the separators.
    func split(at separators: Set<String>) -> [[ShellToken]] {
        var parts: [[ShellToken]] = [[]]
        for token in self {
            if case .op(let op) = token, separators.contains(op) {
                parts.append([])
            } else {
                parts[parts.count - 1].append(token)
            }
        }
        return parts
    }
}

/// The cursor and the word being built, shared by the POSIX and PowerShell splitters.
struct TokenScanner {
    let chars: [Character]
    var index = 0
    var tokens: [ShellToken] = []
    private var value = ""
    private var start: Int?

    init(_ text: String) { chars = Array(text) }

    var atEnd: Bool { index >= chars.count }
    var current: Character { chars[index] }
    var inWord: Bool { start != nil }

    /// The character `offset` places ahead, if any.
    func peek(_ offset: Int = 1) -> Character? { index + offset < chars.count ? chars[index + offset] : nil }

    /// Whether `text` starts at the cursor.
    func sees(_ text: String) -> Bool {
        let wanted = Array(text)
        return index + wanted.count <= chars.count && Array(chars[index..<index + wanted.count]) == wanted
    }

    /// Ends the current word, if one is open, keeping its source text.
    mutating func finishWord() {
        if let s = start { tokens.append(.word(value: value, raw: String(chars[s..<index]))) }
        value = ""
        start = nil
    }

    /// Ends the current word and adds an operator of `length` characters.
    mutating func emitOperator(_ length: Int) {
        finishWord()
        tokens.append(.op(String(chars[index..<index + length])))
        index += length
    }

    /// Opens a word at the cursor if none is open.
    mutating func beginWord() { if start == nil { start = index } }

    /// Adds `c` to the word's value.
    mutating func append(_ c: Character) { value.append(c) }

    /// Reads a quoted string whose opening quote is at the cursor, up to a closing character in `closers`.
    /// A doubled closer stands for itself when `doubling`; `escape(next)` handles an escape character and
    /// returns the characters it stands for, or nil when it is not an escape here.
    mutating func readQuoted(
        closers: Set<Character>, doubling: Bool, escape: (Character, Character?) -> [Character]?
    ) throws(ShellSyntaxError) {
        let open = index
        index += 1
        while index < chars.count {
            let c = chars[index]
            if let replacement = escape(c, peek()) {
                value.append(contentsOf: replacement)
                index += 2
            } else if closers.contains(c) {
                if doubling, let next = peek(), closers.contains(next) {
                    value.append(next)
                    index += 2
                    continue
                }
                index += 1
                return
            } else {
                value.append(c)
                index += 1
            }
        }
        throw ShellSyntaxError(message: "a \(closers.contains("'") ? "single" : "double") quote is never closed", column: open + 1)
    }
}

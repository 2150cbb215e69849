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

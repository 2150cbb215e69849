/// POSIX `sh` word splitting and quoting, for Rancher's Linux registration commands and the scripts Drover writes.
///
/// Written here because no maintained Swift package splits shell words; it follows the POSIX Shell Command
/// Language §2.2 (quoting) and §2.3 (token recognition) for what registration commands use: blanks, `\`,
/// single and double quotes, and the control operators. Expansions (`$x`, `` `…` ``) are not performed: the
/// word keeps its source text and is re-emitted unchanged.
public enum POSIXShell {
    private static let operators = ["&&", "||", ";;", "|", "&", ";", "(", ")", "<", ">"]

    /// Splits `text` into words and operators.
    public static func split(_ text: String) throws(ShellSyntaxError) -> [ShellToken] {
        var scan = TokenScanner(text)
        while !scan.atEnd {
            let c = scan.current
            if c == " " || c == "\t" || c == "\n" {
                scan.finishWord()
                scan.index += 1
            } else if let op = operators.first(where: { scan.sees($0) }) {
                scan.emitOperator(op.count)
            } else {
                scan.beginWord()
                switch c {
                case "\\":
                    guard let next = scan.peek() else { throw ShellSyntaxError(message: "a backslash ends the command", column: scan.index + 1) }
                    if next != "\n" { scan.append(next) }
                    scan.index += 2
                case "'":
                    try scan.readQuoted(closers: ["'"], doubling: false, escape: { _, _ in nil })
                case "\"":
                    // Inside double quotes a backslash escapes only $ ` " \ and newline (§2.2.3).
                    try scan.readQuoted(closers: ["\""], doubling: false) { c, next in
                        guard c == "\\", let next, "$`\"\\\n".contains(next) else { return nil }
                        return next == "\n" ? [] : [next]
                    }
                default:
                    scan.append(c)
                    scan.index += 1
                }
            }
        }
        scan.finishWord()
        return scan.tokens
    }

    /// `word` as `sh` reads it back: bare when it holds only safe characters, otherwise single-quoted.
    public static func quote(_ word: String) -> String {
        let safe = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) || "_@%+=:,./-".unicodeScalars.contains($0)
        }
        if safe { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The tokens as one command line: source text for words read from a command, quoted values for new words.
    public static func render(_ tokens: [ShellToken]) -> String { tokens.rendered(quoting: quote) }
}

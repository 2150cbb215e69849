/// PowerShell tokenising and quoting for Rancher's Windows registration commands and Drover's join script.
///
/// Written here because no Swift package tokenises PowerShell. It follows the PowerShell language
/// specification §2.3 (lexical grammar) for what registration commands contain: blanks, the statement and
/// pipeline operators, script-block braces, the call operator `&`, single-quoted strings (a doubled quote is a
/// quote), double-quoted strings and bare words with the backtick escape. Any of the four typographic single
/// quotes closes a single-quoted string, as in PowerShell, so `quote` doubles them all.
public enum PowerShellSyntax {
    private static let singleQuotes: Set<Character> = ["'", "\u{2018}", "\u{2019}", "\u{201A}", "\u{201B}"]
    private static let doubleQuotes: Set<Character> = ["\"", "\u{201C}", "\u{201D}", "\u{201E}"]

    /// Splits `text` into words and operators (`|`, `;`, `{`, `}`, `(`, `)`, `&`, `&&`, `||`).
    public static func split(_ text: String) throws(ShellSyntaxError) -> [ShellToken] {
        var scan = TokenScanner(text)
        while !scan.atEnd {
            let c = scan.current
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                scan.finishWord()
                scan.index += 1
            } else if !scan.inWord, c == "&" || c == "|", scan.peek() == c {
                scan.emitOperator(2)
            } else if "|;{}()".contains(c) || (c == "&" && !scan.inWord) {
                scan.emitOperator(1)
            } else {
                scan.beginWord()
                if c == "`" {
                    guard let next = scan.peek() else { throw ShellSyntaxError(message: "a backtick ends the command", column: scan.index + 1) }
                    scan.append(escaped(next))
                    scan.index += 2
                } else if singleQuotes.contains(c) {
                    try scan.readQuoted(closers: singleQuotes, doubling: true, escape: { _, _ in nil })
                } else if doubleQuotes.contains(c) {
                    try scan.readQuoted(closers: doubleQuotes, doubling: true) { c, next in
                        guard c == "`", let next else { return nil }
                        return [escaped(next)]
                    }
                } else {
                    scan.append(c)
                    scan.index += 1
                }
            }
        }
        scan.finishWord()
        return scan.tokens
    }

    private static func escaped(_ c: Character) -> Character {
        switch c {
        case "n": "\n"
        case "t": "\t"
        case "r": "\r"
        case "0": "\0"
        default: c
        }
    }

    /// `word` as an argument PowerShell reads back unchanged: bare when plainly safe, otherwise single-quoted.
    public static func quote(_ word: String) -> String {
        let safe = !word.isEmpty && !"-$@".contains(word.first!) && word.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) || "_:/.=,+-\\".unicodeScalars.contains($0)
        }
        if safe { return word }
        var out = "'"
        for c in word {
            out.append(c)
            if singleQuotes.contains(c) { out.append(c) }
        }
        return out + "'"
    }

    /// The tokens as PowerShell text: source text for words read from a command, quoted values for new words.
    public static func render(_ tokens: [ShellToken]) -> String { tokens.rendered(quoting: quote) }
}

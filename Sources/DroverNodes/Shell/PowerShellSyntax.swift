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
        let chars = Array(text)
        var tokens: [ShellToken] = []
        var i = 0
        var value = ""
        var start: Int?

        func finishWord() {
            if let s = start { tokens.append(.word(value: value, raw: String(chars[s..<i]))) }
            value = ""
            start = nil
        }

        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                finishWord()
                i += 1
                continue
            }
            if start == nil, c == "&" || c == "|", i + 1 < chars.count, chars[i + 1] == c {
                tokens.append(.op(String([c, c])))
                i += 2
                continue
            }
            if "|;{}()".contains(c) || (c == "&" && start == nil) {
                finishWord()
                tokens.append(.op(String(c)))
                i += 1
                continue
            }
            if start == nil { start = i }
            if c == "`" {
                guard i + 1 < chars.count else { throw ShellSyntaxError(message: "a backtick ends the command", column: i + 1) }
                value.append(escaped(chars[i + 1]))
                i += 2
            } else if singleQuotes.contains(c) {
                let open = i
                i += 1
                var closed = false
                while i < chars.count {
                    if singleQuotes.contains(chars[i]) {
                        if i + 1 < chars.count, singleQuotes.contains(chars[i + 1]) {
                            value.append(chars[i + 1])
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    value.append(chars[i])
                    i += 1
                }
                guard closed else { throw ShellSyntaxError(message: "a single quote is never closed", column: open + 1) }
            } else if doubleQuotes.contains(c) {
                let open = i
                i += 1
                var closed = false
                while i < chars.count {
                    let d = chars[i]
                    if d == "`", i + 1 < chars.count {
                        value.append(escaped(chars[i + 1]))
                        i += 2
                    } else if doubleQuotes.contains(d) {
                        if i + 1 < chars.count, doubleQuotes.contains(chars[i + 1]) {
                            value.append(chars[i + 1])
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    } else {
                        value.append(d)
                        i += 1
                    }
                }
                guard closed else { throw ShellSyntaxError(message: "a double quote is never closed", column: open + 1) }
            } else {
                value.append(c)
                i += 1
            }
        }
        finishWord()
        return tokens
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
    public static func render(_ tokens: [ShellToken]) -> String {
        tokens.map { token in
            switch token {
            case .word(let value, let raw): raw ?? quote(value)
            case .op(let op): op
            }
        }.joined(separator: " ")
    }
}

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
            if c == " " || c == "\t" || c == "\n" {
                finishWord()
                i += 1
                continue
            }
            if let op = operators.first(where: { op in
                let opChars = Array(op)
                return i + opChars.count <= chars.count && Array(chars[i..<i + opChars.count]) == opChars
            }) {
                finishWord()
                tokens.append(.op(op))
                i += op.count
                continue
            }
            if start == nil { start = i }
            switch c {
            case "\\":
                guard i + 1 < chars.count else { throw ShellSyntaxError(message: "a backslash ends the command", column: i + 1) }
                if chars[i + 1] != "\n" { value.append(chars[i + 1]) }
                i += 2
            case "'":
                guard let end = chars[(i + 1)...].firstIndex(of: "'") else {
                    throw ShellSyntaxError(message: "a single quote is never closed", column: i + 1)
                }
                value.append(contentsOf: chars[(i + 1)..<end])
                i = end + 1
            case "\"":
                let open = i
                i += 1
                var closed = false
                while i < chars.count {
                    let d = chars[i]
                    if d == "\"" {
                        closed = true
                        i += 1
                        break
                    }
                    if d == "\\", i + 1 < chars.count, "$`\"\\\n".contains(chars[i + 1]) {
                        if chars[i + 1] != "\n" { value.append(chars[i + 1]) }
                        i += 2
                    } else {
                        value.append(d)
                        i += 1
                    }
                }
                guard closed else { throw ShellSyntaxError(message: "a double quote is never closed", column: open + 1) }
            default:
                value.append(c)
                i += 1
            }
        }
        finishWord()
        return tokens
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
    public static func render(_ tokens: [ShellToken]) -> String {
        tokens.map { token in
            switch token {
            case .word(let value, let raw): raw ?? quote(value)
            case .op(let op): op
            }
        }.joined(separator: " ")
    }
}

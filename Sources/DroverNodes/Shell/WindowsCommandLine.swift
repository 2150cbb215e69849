/// Windows command-line splitting and quoting (the rules of `CommandLineToArgvW` and the C runtime), for the
/// outer `PowerShell -NoLogo -NonInteractive -Command "…"` of Rancher 2.3–2.11 Windows commands.
///
/// Written here because no Swift package implements these rules. Backslashes are literal unless they precede a
/// double quote: 2n backslashes and a quote give n backslashes and toggle quoting, 2n+1 give n and a literal
/// quote; inside quotes a doubled quote is a literal quote.
public enum WindowsCommandLine {
    /// Splits a command line into arguments.
    public static func split(_ text: String) throws(ShellSyntaxError) -> [String] {
        let chars = Array(text)
        var args: [String] = []
        var current = ""
        var inWord = false
        var quoted = false
        var quoteStart = 0
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\" {
                var n = 0
                while i < chars.count, chars[i] == "\\" {
                    n += 1
                    i += 1
                }
                if i < chars.count, chars[i] == "\"" {
                    current += String(repeating: "\\", count: n / 2)
                    if n % 2 == 1 {
                        current.append("\"")
                        i += 1
                    }
                } else {
                    current += String(repeating: "\\", count: n)
                }
                inWord = true
                continue
            }
            if c == "\"" {
                if quoted, i + 1 < chars.count, chars[i + 1] == "\"" {
                    current.append("\"")
                    i += 2
                    continue
                }
                quoted.toggle()
                if quoted { quoteStart = i }
                inWord = true
                i += 1
                continue
            }
            if !quoted, c == " " || c == "\t" {
                if inWord { args.append(current) }
                current = ""
                inWord = false
                i += 1
                continue
            }
            current.append(c)
            inWord = true
            i += 1
        }
        guard !quoted else { throw ShellSyntaxError(message: "a double quote is never closed", column: quoteStart + 1) }
        if inWord { args.append(current) }
        return args
    }

    /// `argument` quoted so that `split` (and Windows) read it back unchanged.
    public static func quote(_ argument: String) -> String {
        if !argument.isEmpty, !argument.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" }) { return argument }
        var out = "\""
        var backslashes = 0
        for c in argument {
            if c == "\\" {
                backslashes += 1
                continue
            }
            if c == "\"" {
                out += String(repeating: "\\", count: backslashes * 2 + 1) + "\""
            } else {
                out += String(repeating: "\\", count: backslashes) + String(c)
            }
            backslashes = 0
        }
        return out + String(repeating: "\\", count: backslashes * 2) + "\""
    }
}

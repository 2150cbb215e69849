import Foundation

/// A POSIX shell script parsed into the constructs a machine's scripts use: lists, `&&`/`||`, pipelines, `if`,
/// `{ …; }` groups, redirections and here-documents (POSIX XCU §2.9, the parts Drover and Rancher's commands use).
indirect enum ShellNode: Sendable {
    case simple(ShellCommand)
    case pipeline([ShellNode])
    case and(ShellNode, ShellNode)
    case or(ShellNode, ShellNode)
    case sequence([ShellNode])
    case ifClause(condition: ShellNode, then: ShellNode, otherwise: ShellNode?)
    case negation(ShellNode)
}

/// One simple command: its words (unexpanded), redirections and here-document.
struct ShellCommand: Sendable {
    var words: [ShellWord]
    var redirections: [ShellRedirection]
    var hereDocument: String?
}

/// A word as written: literal pieces and expansions, kept apart so quoting is honoured.
struct ShellWord: Sendable {
    enum Piece: Sendable {
        case literal(String)
        case variable(String)
        case command(String)
    }
    var pieces: [Piece]
    /// The literal text when the word has no expansion.
    var literal: String? {
        var text = ""
        for piece in pieces {
            guard case .literal(let value) = piece else { return nil }
            text += value
        }
        return text
    }
}

/// `>`, `>>`, `2>&1`, `<` and friends.
struct ShellRedirection: Sendable {
    var descriptor: Int
    var append: Bool
    var target: ShellWord
    var input: Bool
}

/// A syntax error as `sh` reports it (`sh: LINE: Syntax error: …`).
struct ShellSyntaxError: Error, Sendable {
    var line: Int
    var message: String
    var description: String { "sh: \(line): Syntax error: \(message)" }
}

/// Parses shell text into ``ShellNode``s.
struct ShellParser {
    private enum Token: Equatable {
        case word(String)          // raw word text, quotes kept for the expander
        case op(String)            // ; && || | > >> < 2>&1 etc.
        case newline
        case hereDocument(String, String) // operator, delimiter (raw)
    }

    private var tokens: [(Token, Int)] = []
    private var index = 0
    private var hereBodies: [String] = []
    private var hereIndex = 0

    /// Parses `text`; throws the error `sh` would print.
    static func parse(_ text: String) throws -> ShellNode {
        var parser = ShellParser()
        try parser.tokenize(text)
        let node = try parser.parseList(until: [])
        if parser.index < parser.tokens.count {
            throw ShellSyntaxError(line: parser.tokens[parser.index].1, message: "\"\(parser.describe(parser.tokens[parser.index].0))\" unexpected")
        }
        return node
    }

    // MARK: Tokens

    private mutating func tokenize(_ text: String) throws {
        let chars = Array(text)
        var i = 0
        var line = 1
        var pendingHere: [(delimiter: String, strip: Bool)] = []
        var current = ""
        var inWord = false
        func flush() {
            if inWord { tokens.append((.word(current), line)) }
            current = ""
            inWord = false
        }
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\\" where i + 1 < chars.count && chars[i + 1] == "\n":
                i += 2
                line += 1
                continue
            case "\\" where i + 1 < chars.count:
                // An escaped character stays in the word (the expander removes the backslash).
                current.append(c)
                current.append(chars[i + 1])
                inWord = true
                i += 2
                continue
            case "'":
                guard let end = chars[(i + 1)...].firstIndex(of: "'") else {
                    throw ShellSyntaxError(line: line, message: "Unterminated quoted string")
                }
                current += String(chars[i...end])
                line += chars[i...end].filter { $0 == "\n" }.count
                inWord = true
                i = end + 1
                continue
            case "\"":
                var j = i + 1
                while j < chars.count, chars[j] != "\"" { j += chars[j] == "\\" ? 2 : 1 }
                guard j < chars.count else { throw ShellSyntaxError(line: line, message: "Unterminated quoted string") }
                current += String(chars[i...j])
                line += chars[i...j].filter { $0 == "\n" }.count
                inWord = true
                i = j + 1
                continue
            case "$" where i + 1 < chars.count && chars[i + 1] == "(":
                guard let j = ShellWord.endOfSubstitution(chars, at: i) else { throw ShellSyntaxError(line: line, message: "Missing '))'") }
                current += String(chars[i..<j])
                inWord = true
                i = j
                continue
            case "#" where !inWord:
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            case " ", "\t":
                flush()
            case "\n":
                flush()
                tokens.append((.newline, line))
                line += 1
                // Here-document bodies follow the line that announced them.
                for here in pendingHere {
                    var body = ""
                    var found = false
                    while i + 1 < chars.count {
                        var j = i + 1
                        while j < chars.count, chars[j] != "\n" { j += 1 }
                        var text = String(chars[(i + 1)..<j])
                        i = j
                        line += 1
                        if here.strip { text = String(text.drop { $0 == "\t" }) }
                        if text == here.delimiter { found = true; break }
                        body += text + "\n"
                    }
                    guard found else {
                        throw ShellSyntaxError(line: line, message: "end of file unexpected (expecting \"\(here.delimiter)\")")
                    }
                    hereBodies.append(body)
                }
                pendingHere = []
            case ";", "&", "|", ">", "<":
                // A descriptor number right before > (2>&1) stays with the operator.
                var op = String(c)
                if (c == ">" || c == "<"), inWord, current.allSatisfy(\.isNumber), !current.isEmpty {
                    op = current + op
                    current = ""
                    inWord = false
                } else {
                    flush()
                }
                if i + 1 < chars.count, "&|><".contains(chars[i + 1]), ["&&", "||", ">>", "<<", ">&"].contains(String(c) + String(chars[i + 1])) {
                    op += String(chars[i + 1])
                    i += 1
                }
                if op.hasSuffix(">&"), i + 1 < chars.count, chars[i + 1].isNumber {
                    op += String(chars[i + 1])
                    i += 1
                }
                if op == "<<" {
                    var strip = false
                    if i + 1 < chars.count, chars[i + 1] == "-" { strip = true; i += 1 }
                    i += 1
                    while i < chars.count, chars[i] == " " { i += 1 }
                    var raw = ""
                    while i < chars.count, !" \t\n;|&><".contains(chars[i]) { raw.append(chars[i]); i += 1 }
                    guard !raw.isEmpty else { throw ShellSyntaxError(line: line, message: "newline unexpected") }
                    let delimiter = raw.replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "\"", with: "")
                    pendingHere.append((delimiter, strip))
                    tokens.append((.hereDocument(op, raw), line))
                    continue
                }
                tokens.append((.op(op), line))
            default:
                current.append(c)
                inWord = true
            }
            i += 1
        }
        flush()
        if let here = pendingHere.first {
            throw ShellSyntaxError(line: line, message: "end of file unexpected (expecting \"\(here.delimiter)\")")
        }
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .word(let text): text
        case .op(let op): op
        case .newline: "newline"
        case .hereDocument(let op, _): op
        }
    }

    // MARK: Grammar

    private var peek: Token? { index < tokens.count ? tokens[index].0 : nil }
    private var line: Int { index < tokens.count ? tokens[index].1 : (tokens.last?.1 ?? 1) }

    private mutating func skipNewlines() {
        while let token = peek, token == .newline || token == .op(";") { index += 1 }
    }

    /// A list up to one of the reserved words in `terminators` (not consumed).
    private mutating func parseList(until terminators: Set<String>) throws -> ShellNode {
        var items: [ShellNode] = []
        skipNewlines()
        while let token = peek {
            if case .word(let word) = token, terminators.contains(word) { break }
            if token == .op("}") || (token == .word("}") && terminators.contains("}")) { break }
            items.append(try parseAndOr())
            guard let next = peek else { break }
            if next == .newline || next == .op(";") || next == .op("&") {
                skipNewlines()
                if peek == .op("&") { index += 1 }
                continue
            }
            if case .word(let word) = next, terminators.contains(word) { break }
            throw ShellSyntaxError(line: line, message: "\"\(describe(next))\" unexpected")
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func parseAndOr() throws -> ShellNode {
        var node = try parsePipeline()
        while let token = peek, token == .op("&&") || token == .op("||") {
            index += 1
            while peek == .newline { index += 1 }
            let right = try parsePipeline()
            node = token == .op("&&") ? .and(node, right) : .or(node, right)
        }
        return node
    }

    private mutating func parsePipeline() throws -> ShellNode {
        var negate = false
        if peek == .word("!") { negate = true; index += 1 }
        var stages = [try parseCommand()]
        while peek == .op("|") {
            index += 1
            while peek == .newline { index += 1 }
            stages.append(try parseCommand())
        }
        let node: ShellNode = stages.count == 1 ? stages[0] : .pipeline(stages)
        return negate ? .negation(node) : node
    }

    private mutating func expectWord(_ word: String) throws {
        guard peek == .word(word) else {
            throw ShellSyntaxError(line: line, message: peek.map { "\"\(describe($0))\" unexpected (expecting \"\(word)\")" } ?? "end of file unexpected (expecting \"\(word)\")")
        }
        index += 1
    }

    private mutating func parseCommand() throws -> ShellNode {
        switch peek {
        case .word("if"):
            index += 1
            let condition = try parseList(until: ["then"])
            try expectWord("then")
            let then = try parseList(until: ["else", "elif", "fi"])
            var otherwise: ShellNode?
            if peek == .word("elif") {
                tokens[index].0 = .word("if")
                otherwise = try parseCommand()
                return .ifClause(condition: condition, then: then, otherwise: otherwise)
            }
            if peek == .word("else") {
                index += 1
                otherwise = try parseList(until: ["fi"])
            }
            try expectWord("fi")
            return .ifClause(condition: condition, then: then, otherwise: otherwise)
        case .word("{"):
            index += 1
            let body = try parseList(until: ["}"])
            try expectWord("}")
            return body
        case .word("then"), .word("fi"), .word("else"), .word("}"), .word("do"), .word("done"):
            throw ShellSyntaxError(line: line, message: "\"\(describe(peek!))\" unexpected")
        case .word("for"), .word("while"), .word("until"), .word("case"):
            // Not needed by any script Drover or Rancher sends; refused rather than guessed.
            throw ShellSyntaxError(line: line, message: "\"\(describe(peek!))\" is not supported by the machine simulator")
        default:
            return .simple(try parseSimple())
        }
    }

    private mutating func parseSimple() throws -> ShellCommand {
        var command = ShellCommand(words: [], redirections: [], hereDocument: nil)
        loop: while let token = peek {
            switch token {
            case .word(let text):
                command.words.append(ShellWord.parse(text))
                index += 1
            case .hereDocument:
                guard hereIndex < hereBodies.count else { throw ShellSyntaxError(line: line, message: "here-document without body") }
                command.hereDocument = hereBodies[hereIndex]
                hereIndex += 1
                index += 1
            case .op(let op) where op.contains(">") || op.contains("<"):
                index += 1
                let descriptor = Int(op.prefix { $0.isNumber }) ?? (op.contains("<") ? 0 : 1)
                let bare = op.drop { $0.isNumber }
                if bare.hasPrefix(">&") {
                    command.redirections.append(ShellRedirection(descriptor: descriptor, append: false,
                                                                  target: ShellWord(pieces: [.literal("&" + bare.dropFirst(2))]), input: false))
                    continue
                }
                guard case .word(let target)? = peek else { throw ShellSyntaxError(line: line, message: "redirection unexpected") }
                index += 1
                command.redirections.append(ShellRedirection(descriptor: descriptor, append: bare == ">>", target: ShellWord.parse(target), input: bare == "<"))
            default:
                break loop
            }
        }
        if command.words.isEmpty && command.redirections.isEmpty {
            throw ShellSyntaxError(line: line, message: peek.map { "\"\(describe($0))\" unexpected" } ?? "end of file unexpected")
        }
        return command
    }
}

extension ShellWord {
    /// The index just past the `)` closing the `$(` at `start`, or nil when it is not closed.
    static func endOfSubstitution(_ chars: [Character], at start: Int) -> Int? {
        var depth = 0
        var j = start + 1
        repeat {
            if chars[j] == "(" { depth += 1 } else if chars[j] == ")" { depth -= 1 }
            j += 1
        } while j < chars.count && depth > 0
        return depth == 0 ? j : nil
    }

    /// Splits raw word text into literal pieces and `$NAME`, `${NAME}`, `$(…)` expansions, removing quotes.
    static func parse(_ raw: String) -> ShellWord {
        var pieces: [Piece] = []
        var literal = ""
        let chars = Array(raw)
        var i = 0
        var inDouble = false
        func flush() { if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" } }
        while i < chars.count {
            let c = chars[i]
            if c == "'" && !inDouble {
                let end = chars[(i + 1)...].firstIndex(of: "'") ?? chars.count
                literal += String(chars[(i + 1)..<end])
                i = end + 1
                continue
            }
            if c == "\"" { inDouble.toggle(); i += 1; continue }
            if c == "\\", i + 1 < chars.count {
                literal.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "$", i + 1 < chars.count {
                if chars[i + 1] == "(" {
                    let j = endOfSubstitution(chars, at: i) ?? chars.count
                    flush()
                    pieces.append(.command(String(chars[(i + 2)..<(j - 1)])))
                    i = j
                    continue
                }
                if chars[i + 1] == "{", let end = chars[(i + 2)...].firstIndex(of: "}") {
                    flush()
                    pieces.append(.variable(String(chars[(i + 2)..<end])))
                    i = end + 1
                    continue
                }
                var j = i + 1
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || (j == i + 1 && "?$#".contains(chars[j])) {
                    j += 1
                    if "?$#".contains(chars[j - 1]) { break }
                }
                if j > i + 1 {
                    flush()
                    pieces.append(.variable(String(chars[(i + 1)..<j])))
                    i = j
                    continue
                }
            }
            literal.append(c)
            i += 1
        }
        flush()
        if pieces.isEmpty { pieces = [.literal("")] }
        return ShellWord(pieces: pieces)
    }
}

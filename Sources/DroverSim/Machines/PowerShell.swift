import Foundation

/// PowerShell on a Windows machine as the CustomScriptExtension starts it (`powershell.exe … -EncodedCommand B64`,
/// `-Command "…"`, `-File path`): statements, `try`/`catch`/`finally`, `if`/`elseif`/`else`, variables, and the
/// cmdlets a join uses (files, transcript, Windows features, scheduled tasks, restart, `curl.exe`, Rancher's
/// `install.ps1`). An unknown command fails as PowerShell does ("The term 'X' is not recognized …").
enum PowerShell {
    static func runCommandLine(_ line: String, context: MachineContext) async -> ScriptResult {
        let words = PowerShellInterpreter.split(line)
        guard let program = words.first?.lowercased(), ["powershell", "powershell.exe", "pwsh", "pwsh.exe"].contains(program) else {
            return await failed("'\(words.first ?? "")' is not recognized as an internal or external command, operable program or batch file.", context)
        }
        var script: String?
        if let index = words.firstIndex(where: { ["-encodedcommand", "-enc", "-e"].contains($0.lowercased()) }), index + 1 < words.count {
            guard let data = Data(base64Encoded: words[index + 1]), let text = String(data: data, encoding: .utf16LittleEndian) else {
                return await failed("Cannot process the command because the value specified with -EncodedCommand is not properly encoded.", context)
            }
            script = text
        } else if let index = words.firstIndex(where: { $0.lowercased() == "-command" }) {
            script = words[(index + 1)...].map { PowerShellInterpreter.unquote($0) }.joined(separator: " ")
        } else if let index = words.firstIndex(where: { $0.lowercased() == "-file" }), index + 1 < words.count {
            guard let file = await context.file(words[index + 1]) else {
                return await failed("The argument '\(words[index + 1])' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.", context)
            }
            script = file.content
        }
        guard let script else { return await failed("powershell: no -Command, -EncodedCommand or -File was given", context) }
        let result = await PowerShellInterpreter(context: context).run(script)
        await restartIfAsked(context)
        return result
    }

    static func failed(_ message: String, _ context: MachineContext) async -> ScriptResult {
        await context.log(message)
        return ScriptResult(exitCode: 1, errorOutput: message)
    }

    /// A restart asked for during the script happens after it: pending features become enabled, then the startup
    /// scheduled tasks run (the rancher/windows re-entrant pattern, peers.md P5). Without a task, nothing resumes.
    static func restartIfAsked(_ context: MachineContext) async {
        guard await context.record()?.restartPending == true else { return }
        context.simulator.enqueue(context.vmID) { context in
            await context.log("windows: restarting")
            await context.timer.sleep(context.simulator.delays.windowsRestart)
            await context.update { record in
                record.restartPending = false
                record.boots += 1
                for (name, state) in record.features where state == "installed-pending-reboot" { record.features[name] = "enabled" }
            }
            let tasks = await context.record()?.startupTasks ?? [:]
            await context.log("windows: started (boot \(await context.record()?.boots ?? 0)); \(tasks.isEmpty ? "no startup task is registered, nothing resumes" : "startup tasks: \(tasks.keys.sorted().joined(separator: ", "))")")
            for (name, command) in tasks.sorted(by: { $0.key < $1.key }) {
                let result = await runCommandLine(command, context: context)
                await context.log("windows: scheduled task \(name) ended with exit code \(result.exitCode)")
            }
        }
    }
}

/// The PowerShell subset a node's join script is written in.
final class PowerShellInterpreter {
    let context: MachineContext
    var variables: [String: PSValue] = [:]
    var location = #"C:\"#
    var transcript: String?
    var output = ""
    var errorOutput = ""
    var stopOnError = false

    /// A terminating error (`throw`, a failing cmdlet under `$ErrorActionPreference = 'Stop'`).
    struct Thrown: Error { var message: String }
    /// `return` at script level.
    struct Returned: Error {}
    /// `Restart-Computer`: the script stops here.
    struct Restarting: Error {}

    init(context: MachineContext) { self.context = context }

    func run(_ script: String) async -> ScriptResult {
        do {
            try await block(script)
            return ScriptResult(exitCode: 0, output: output, errorOutput: errorOutput)
        } catch is Returned {
            return ScriptResult(exitCode: 0, output: output, errorOutput: errorOutput)
        } catch is Restarting {
            return ScriptResult(exitCode: 1, output: output, errorOutput: errorOutput + "Command execution may have been interrupted by a VM restart\n")
        } catch let thrown as Thrown {
            await writeError(thrown.message)
            return ScriptResult(exitCode: 1, output: output, errorOutput: errorOutput)
        } catch {
            await writeError("\(error)")
            return ScriptResult(exitCode: 1, output: output, errorOutput: errorOutput)
        }
    }

    // MARK: Output

    func write(_ text: String) async {
        output += text + "\n"
        await context.log(text)
        if let transcript { await context.write(transcript, text + "\n", append: true) }
    }

    func writeError(_ text: String) async {
        errorOutput += text + "\n"
        await context.log(text)
        if let transcript { await context.write(transcript, text + "\n", append: true) }
    }

    // MARK: Statements

    func block(_ text: String) async throws {
        // Windows scripts end their lines with CR LF; PowerShell's parser takes CR as a line break too.
        for statement in try Self.statements(text.replacingOccurrences(of: "\r\n", with: "\n")) { try await execute(statement) }
    }

    func execute(_ statement: String) async throws {
        let lower = statement.lowercased()
        if lower.hasPrefix("try") && statement.dropFirst(3).trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            return try await tryStatement(statement)
        }
        if lower.hasPrefix("if") && statement.dropFirst(2).trimmingCharacters(in: .whitespaces).hasPrefix("(") {
            return try await ifStatement(statement)
        }
        if lower == "return" || lower.hasPrefix("return ") { throw Returned() }
        if lower == "throw" { throw Thrown(message: variables["_"]?.text ?? "ScriptHalted") }
        if lower.hasPrefix("throw ") { throw Thrown(message: try await evaluate(String(statement.dropFirst(6))).text) }
        if statement.hasPrefix("$"), let equals = Self.assignment(statement) {
            let name = String(statement[statement.index(after: statement.startIndex)..<equals]).trimmingCharacters(in: .whitespaces)
            let value = try await evaluate(String(statement[statement.index(after: equals)...]).trimmingCharacters(in: .whitespaces))
            if name.lowercased() == "erroractionpreference" { stopOnError = value.text.lowercased() == "stop" }
            variables[name.lowercased()] = value
            return
        }
        _ = try await command(statement)
    }

    /// The `=` of `$name = value` (not `-eq`), if the statement is an assignment.
    static func assignment(_ statement: String) -> String.Index? {
        guard let equals = statement.firstIndex(of: "=") else { return nil }
        let name = statement[statement.index(after: statement.startIndex)..<equals].trimmingCharacters(in: .whitespaces)
        return name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) && !name.isEmpty ? equals : nil
    }

    func tryStatement(_ statement: String) async throws {
        let parts = try Self.clauses(statement)
        let body = parts.first { $0.keyword == "try" }?.body ?? ""
        let handler = parts.first { $0.keyword == "catch" }
        let cleanup = parts.first { $0.keyword == "finally" }
        do {
            try await block(body)
        } catch let thrown as Thrown {
            guard let handler else {
                if let cleanup { try await block(cleanup.body) }
                throw thrown
            }
            variables["_"] = .string(thrown.message)
            do { try await block(handler.body) } catch {
                if let cleanup { try await block(cleanup.body) }
                throw error
            }
        } catch {
            if let cleanup { try await block(cleanup.body) }
            throw error
        }
        if let cleanup { try await block(cleanup.body) }
    }

    func ifStatement(_ statement: String) async throws {
        for clause in try Self.clauses(statement) {
            if clause.keyword == "else" { return try await block(clause.body) }
            if try await evaluate(clause.condition).truthy { return try await block(clause.body) }
        }
    }

    // MARK: Expressions

    /// Evaluates a condition, a value or a command; `-eq`/`-ne` compare case-insensitively, as PowerShell does.
    func evaluate(_ text: String) async throws -> PSValue {
        let expression = text.trimmingCharacters(in: .whitespaces)
        for op in [" -ne ", " -eq "] {
            if let range = Self.topLevel(op, in: expression) {
                let left = try await evaluate(String(expression[..<range.lowerBound]))
                let right = try await evaluate(String(expression[range.upperBound...]))
                let same = left.text.caseInsensitiveCompare(right.text) == .orderedSame
                return .bool(op == " -eq " ? same : !same)
            }
        }
        if expression.hasPrefix("("), let close = Self.matching(expression, from: expression.startIndex) {
            let inner = String(expression[expression.index(after: expression.startIndex)..<close])
            let rest = String(expression[expression.index(after: close)...])
            var value = try await evaluate(inner)
            if rest.hasPrefix(".") { value = value.property(String(rest.dropFirst())) }
            return value
        }
        if expression.hasPrefix("$") {
            let reference = expression.dropFirst()
            let parts = reference.split(separator: ".", maxSplits: 1).map(String.init)
            switch parts[0].lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                let value = variables[parts[0].lowercased()] ?? .null
                return parts.count > 1 ? value.property(parts[1]) : value
            }
        }
        if expression.hasPrefix("'") || expression.hasPrefix("\"") { return .string(interpolate(expression)) }
        if let number = Int(expression) { return .string(String(number)) }
        if expression.contains(" ") || expression.first?.isLetter == true || expression.hasPrefix("&") || expression.hasPrefix(".") {
            return try await command(expression)
        }
        return .string(expression)
    }

    /// A quoted string's value: single quotes literal, double quotes with `$name` and `$_` expanded.
    func interpolate(_ quoted: String) -> String {
        let body = Self.unquote(quoted)
        guard quoted.hasPrefix("\"") else { return body }
        var result = body
        for (name, value) in variables.sorted(by: { $0.key.count > $1.key.count }) {
            result = result.replacingOccurrences(of: "$\(name)", with: value.text, options: .caseInsensitive)
        }
        return result
    }

    // MARK: Commands

    func command(_ statement: String) async throws -> PSValue {
        var text = statement.trimmingCharacters(in: .whitespaces)
        var quiet = false
        if let pipe = Self.topLevel("|", in: text) {
            let sink = text[pipe.upperBound...].trimmingCharacters(in: .whitespaces)
            guard sink.lowercased() == "out-null" else { return try await fail("The pipeline into '\(sink)' is not simulated") }
            quiet = true
            text = String(text[..<pipe.lowerBound]).trimmingCharacters(in: .whitespaces)
        }
        if text.hasPrefix("& ") { text = String(text.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
        let raw = Self.split(text)
        var words: [String] = []
        for word in raw { words.append(try await argument(word)) }
        guard let name = words.first else { return .null }
        // A parameter name is a bare `-Word`; a quoted '-x' is a value.
        let named = raw.dropFirst().map { $0.hasPrefix("-") }
        let value = try await PowerShellCommands.run(name: name, arguments: Array(words.dropFirst()), named: named, shell: self)
        if !quiet, case .string(let line) = value, name.lowercased().hasPrefix("write-") { await write(line) }
        return value
    }

    /// One argument's value: quotes removed, variables and `( … )` evaluated, switches kept.
    func argument(_ word: String) async throws -> String {
        if word.hasPrefix("(") || word.hasPrefix("$") { return try await evaluate(word).text }
        if word.hasPrefix("'") || word.hasPrefix("\"") { return interpolate(word) }
        return word
    }

    /// A failing command: terminating under `$ErrorActionPreference = 'Stop'`, otherwise written and skipped.
    func fail(_ message: String) async throws -> PSValue {
        if stopOnError { throw Thrown(message: message) }
        await writeError(message)
        return .null
    }

    // MARK: Syntax

    /// Splits a script into statements at newlines and `;` outside quotes and brackets; `} catch`, `} else` continue.
    static func statements(_ text: String) throws -> [String] {
        var statements: [String] = []
        var current = ""
        var nesting = Nesting()
        var index = text.startIndex
        func finish() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty {
                let lower = trimmed.lowercased()
                if let last = statements.last, ["catch", "finally", "else", "elseif"].contains(where: { lower.hasPrefix($0) }), last.hasSuffix("}") {
                    statements[statements.count - 1] = last + " " + trimmed
                } else {
                    statements.append(trimmed)
                }
            }
            current = ""
        }
        while index < text.endIndex {
            let c = text[index]
            if c == "#", nesting.atTopLevel, current.isEmpty || current.last?.isWhitespace == true {
                while index < text.endIndex, text[index] != "\n" { index = text.index(after: index) }
                continue
            }
            if nesting.feed(c), "\n;\r".contains(c) {
                finish()
            } else {
                current.append(c)
            }
            guard nesting.depth >= 0 else { throw PowerShellInterpreter.Thrown(message: "Unexpected token '\(c)' in expression or statement.") }
            index = text.index(after: index)
        }
        if let quote = nesting.quote { throw Thrown(message: "The string is missing the terminator: \(quote).") }
        if nesting.depth > 0 { throw Thrown(message: "Missing closing '}' in statement block or type definition.") }
        finish()
        return statements
    }

    /// `keyword (condition) { body }` clauses of an `if` or `try` statement.
    static func clauses(_ statement: String) throws -> [(keyword: String, condition: String, body: String)] {
        var result: [(String, String, String)] = []
        var rest = Substring(statement)
        while !rest.isEmpty {
            rest = rest.drop { $0.isWhitespace }
            let keyword = String(rest.prefix { $0.isLetter }).lowercased()
            guard !keyword.isEmpty else { throw Thrown(message: "Unexpected token '\(rest.prefix(20))' in expression or statement.") }
            rest = rest.dropFirst(keyword.count).drop { $0.isWhitespace }
            var condition = ""
            if rest.first == "(" {
                guard let close = matching(String(rest), from: String(rest).startIndex) else { throw Thrown(message: "Missing closing ')' after expression in '\(keyword)' statement.") }
                let text = String(rest)
                condition = String(text[text.index(after: text.startIndex)..<close])
                rest = Substring(text[text.index(after: close)...]).drop { $0.isWhitespace }
            }
            let text = String(rest)
            guard text.first == "{", let close = matching(text, from: text.startIndex) else {
                throw Thrown(message: "Missing statement block after '\(keyword)'.")
            }
            result.append((keyword, condition, String(text[text.index(after: text.startIndex)..<close])))
            rest = Substring(text[text.index(after: close)...])
        }
        return result
    }

    /// The index of the bracket closing the one at `start`.
    static func matching(_ text: String, from start: String.Index) -> String.Index? {
        let open = text[start]
        let close: Character = open == "(" ? ")" : "}"
        var depth = 0
        var quote: Character?
        var index = start
        while index < text.endIndex {
            let c = text[index]
            if let q = quote { if c == q { quote = nil } } else if c == "'" || c == "\"" { quote = c } else if c == open { depth += 1 } else if c == close {
                depth -= 1
                if depth == 0 { return index }
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// The first occurrence of `token` outside quotes and brackets.
    static func topLevel(_ token: String, in text: String) -> Range<String.Index>? {
        var depth = 0
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if let q = quote { if c == q { quote = nil } } else if c == "'" || c == "\"" { quote = c } else if "({".contains(c) { depth += 1 } else if ")}".contains(c) { depth -= 1 } else if depth == 0, text[index...].lowercased().hasPrefix(token) {
                return index..<text.index(index, offsetBy: token.count)
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// Splits a command into words at spaces outside quotes and brackets (quotes kept).
    static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var nesting = Nesting()
        for c in text {
            if nesting.feed(c), c.isWhitespace {
                if !current.isEmpty { words.append(current); current = "" }
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func unquote(_ word: String) -> String {
        guard word.count >= 2, let first = word.first, first == "'" || first == "\"", word.last == first else { return word }
        return String(word.dropFirst().dropLast())
    }
}

/// Quote and bracket state while scanning PowerShell text.
struct Nesting {
    var depth = 0
    var quote: Character?

    var atTopLevel: Bool { depth == 0 && quote == nil }

    /// Takes the next character; returns whether it stands outside quotes and brackets (and is not one of them).
    mutating func feed(_ c: Character) -> Bool {
        if let open = quote {
            if c == open { quote = nil }
            return false
        }
        if c == "'" || c == "\"" { quote = c; return false }
        if "({".contains(c) { depth += 1; return false }
        if ")}".contains(c) { depth -= 1; return false }
        return depth == 0
    }
}

/// A PowerShell value: text, an object with properties, a boolean, or nothing.
enum PSValue: Sendable {
    case string(String)
    case object([String: String])
    case bool(Bool)
    case null

    var text: String {
        switch self {
        case .string(let value): value
        case .object(let members): members.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        case .bool(let value): value ? "True" : "False"
        case .null: ""
        }
    }

    var truthy: Bool {
        switch self {
        case .string(let value): !value.isEmpty
        case .object: true
        case .bool(let value): value
        case .null: false
        }
    }

    func property(_ name: String) -> PSValue {
        guard case .object(let members) = self else { return .null }
        return members.first { $0.key.lowercased() == name.lowercased() }.map { .string($0.value) } ?? .null
    }
}

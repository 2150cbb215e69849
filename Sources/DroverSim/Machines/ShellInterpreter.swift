import Foundation

/// Runs a parsed POSIX shell script on a Linux machine: variables, `set -e`, `&&`/`||`, `if`, pipelines,
/// redirections, here-documents, and the commands an Ubuntu image has that matter to a node. An unknown command
/// fails as `sh` does (`sh: 1: NAME: not found`, exit 127).
final class ShellInterpreter {
    let context: MachineContext
    var environment: [String: String]
    var arguments: [String]
    var errexit = false
    var nounset = false
    var lastStatus = 0
    /// Where `exec >>FILE` sent the script's output, if anywhere.
    var outputFile: String?
    var output = ""
    var errorOutput = ""

    /// Thrown to stop the script (`exit`, `set -e`).
    struct Exit: Error { var status: Int }

    init(context: MachineContext, environment: [String: String] = [:], arguments: [String] = []) {
        self.context = context
        self.environment = environment
        self.arguments = arguments
    }

    /// Parses and runs `script`; a syntax error is the script's error output, exit 2.
    static func run(_ script: String, context: MachineContext, arguments: [String] = [], environment: [String: String] = [:]) async -> ScriptResult {
        let shell = ShellInterpreter(context: context, environment: environment, arguments: arguments)
        return await shell.runScript(script)
    }

    func runScript(_ script: String) async -> ScriptResult {
        do {
            let tree = try ShellParser.parse(script)
            do {
                lastStatus = try await execute(tree, stdin: "")
            } catch let exit as Exit {
                lastStatus = exit.status
            }
        } catch let error as ShellSyntaxError {
            await emitError(error.description)
            lastStatus = 2
        } catch {
            await emitError("sh: \(error)")
            lastStatus = 2
        }
        return ScriptResult(exitCode: lastStatus, output: output, errorOutput: errorOutput)
    }

    // MARK: Output

    func emit(_ text: String, to redirect: String? = nil, append: Bool = true) async {
        guard !text.isEmpty else { return }
        if let redirect {
            await context.write(redirect, text, append: append)
            return
        }
        output += text
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) { await context.log(String(line)) }
        if let outputFile { await context.write(outputFile, text, append: true) }
    }

    func emitError(_ text: String) async {
        errorOutput += text.hasSuffix("\n") ? text : text + "\n"
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) { await context.log(String(line)) }
        if let outputFile { await context.write(outputFile, text + "\n", append: true) }
    }

    // MARK: Tree

    func execute(_ node: ShellNode, stdin: String) async throws -> Int {
        switch node {
        case .sequence(let items):
            var status = 0
            for item in items { status = try await execute(item, stdin: stdin) }
            return status
        case .and(let left, let right):
            let first = try await executeTested(left, stdin: stdin)
            return first == 0 ? try await execute(right, stdin: stdin) : first
        case .or(let left, let right):
            let first = try await executeTested(left, stdin: stdin)
            return first != 0 ? try await execute(right, stdin: stdin) : first
        case .negation(let inner):
            return try await executeTested(inner, stdin: stdin) == 0 ? 1 : 0
        case .ifClause(let condition, let then, let otherwise):
            if try await executeTested(condition, stdin: stdin) == 0 { return try await execute(then, stdin: stdin) }
            if let otherwise { return try await execute(otherwise, stdin: stdin) }
            return 0
        case .pipeline(let stages):
            var input = stdin
            var status = 0
            for (index, stage) in stages.enumerated() {
                guard case .simple(let command) = stage else { return try await execute(stage, stdin: input) }
                let last = index == stages.count - 1
                let (code, produced) = try await simple(command, stdin: input, capture: !last)
                status = code
                input = produced
            }
            lastStatus = status
            if status != 0, errexit { throw Exit(status: status) }
            return status
        case .simple(let command):
            let (status, _) = try await simple(command, stdin: stdin, capture: false)
            lastStatus = status
            if status != 0, errexit { throw Exit(status: status) }
            return status
        }
    }

    /// Runs a node whose status is tested (`if`, `&&`, `||`): `set -e` does not stop the script there.
    func executeTested(_ node: ShellNode, stdin: String) async throws -> Int {
        let saved = errexit
        errexit = false
        defer { errexit = saved }
        return try await execute(node, stdin: stdin)
    }

    // MARK: Expansion

    func expand(_ word: ShellWord) async throws -> String {
        var text = ""
        for piece in word.pieces {
            switch piece {
            case .literal(let value): text += value
            case .variable(let name):
                switch name {
                case "?": text += String(lastStatus)
                case "#": text += String(arguments.count)
                default:
                    if let position = Int(name) {
                        text += position >= 1 && position <= arguments.count ? arguments[position - 1] : ""
                    } else if let value = environment[name] {
                        text += value
                    } else if nounset {
                        await emitError("sh: 1: \(name): parameter not set")
                        throw Exit(status: 2)
                    }
                }
            case .command(let inner):
                let sub = ShellInterpreter(context: context, environment: environment, arguments: arguments)
                sub.outputFile = nil
                let tree = try ShellParser.parse(inner)
                let captured = try await sub.capture(tree)
                text += captured.trimmingCharacters(in: .newlines)
            }
        }
        return text
    }

    /// Runs `tree` capturing its standard output instead of logging it.
    func capture(_ tree: ShellNode) async throws -> String {
        guard case .simple(let command) = tree else {
            _ = try await execute(tree, stdin: "")
            return ""
        }
        return try await simple(command, stdin: "", capture: true).1
    }

    // MARK: Simple commands

    /// Runs one simple command; returns its status and, when `capture`, its standard output.
    func simple(_ command: ShellCommand, stdin: String, capture: Bool) async throws -> (Int, String) {
        var words: [String] = []
        for word in command.words { words.append(try await expand(word)) }
        var assignments: [String: String] = [:]
        while let first = words.first, let equals = first.firstIndex(of: "="), first[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
              !first[..<equals].isEmpty {
            assignments[String(first[..<equals])] = String(first[first.index(after: equals)...])
            words.removeFirst()
        }
        if words.isEmpty {
            environment.merge(assignments) { _, new in new }
            if command.redirections.contains(where: { $0.descriptor == 1 && !$0.input }), let target = command.redirections.first?.target {
                // `exec` was not named: a bare redirection creates the file.
                await context.write(try await expand(target), "", append: true)
            }
            return (0, "")
        }
        // Redirections: stdout to a file, 2>&1, >/dev/null.
        var stdoutTarget: String?
        var append = false
        var discard = false
        for redirection in command.redirections where !redirection.input {
            let target = try await expand(redirection.target)
            if target.hasPrefix("&") { continue }
            if target == "/dev/null" { if redirection.descriptor == 1 { discard = true }; continue }
            if redirection.descriptor == 1 { stdoutTarget = target; append = redirection.append }
        }
        if words.first == "exec", words.count == 1 {
            outputFile = stdoutTarget
            return (0, "")
        }
        let invocation = ShellInvocation(words: words, environment: environment.merging(assignments) { _, new in new },
                                         stdin: command.hereDocument ?? stdin)
        let result = try await ShellCommands.run(invocation, shell: self)
        if !result.errorOutput.isEmpty { await emitError(result.errorOutput.trimmingCharacters(in: .newlines)) }
        if capture && stdoutTarget == nil { return (result.status, discard ? "" : result.output) }
        if let stdoutTarget {
            await context.write(stdoutTarget, result.output, append: append)
        } else if !discard {
            await emit(result.output)
        }
        return (result.status, "")
    }
}

/// A command with its expanded words, environment and standard input.
struct ShellInvocation: Sendable {
    var words: [String]
    var environment: [String: String]
    var stdin: String

    var name: String { words[0] }
    var arguments: [String] { Array(words.dropFirst()) }
}

/// What a command printed and returned.
struct CommandResult: Sendable {
    var status: Int
    var output: String = ""
    var errorOutput: String = ""

    static let ok = CommandResult(status: 0)
    static func fail(_ status: Int, _ message: String) -> CommandResult { CommandResult(status: status, errorOutput: message) }
}

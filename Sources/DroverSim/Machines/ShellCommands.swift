import Foundation

/// The commands of an Ubuntu machine that a node's scripts use, each doing what matters to the node (files,
/// services, downloads, the Rancher agents) and failing as the real one does.
enum ShellCommands {
    /// Commands present on the image whose effect the simulation does not need (they succeed and are logged).
    static let unmodelled: Set<String> = [
        "swapoff", "sysctl", "modprobe", "ufw", "hostnamectl", "usermod", "useradd", "ln", "cp", "mv",
        "sed", "systemd-run", "iptables", "update-ca-certificates", "wait", "sync", "logger", "id", "uname",
    ]

    static func run(_ invocation: ShellInvocation, shell: ShellInterpreter) async throws -> CommandResult {
        let args = invocation.arguments
        let context = shell.context
        switch invocation.name {
        case "sudo":
            var rest = args
            while rest.first?.hasPrefix("-") == true { rest.removeFirst() }
            guard !rest.isEmpty else { return .fail(1, "usage: sudo command") }
            return try await run(withAssignments(rest, invocation), shell: shell)
        case "env":
            guard !args.isEmpty else { return CommandResult(status: 0, output: invocation.environment.map { "\($0.key)=\($0.value)\n" }.joined()) }
            return try await run(withAssignments(args, invocation), shell: shell)
        case "set":
            for flag in args where flag.hasPrefix("-") || flag.hasPrefix("+") {
                let on = flag.hasPrefix("-")
                if flag.contains("e") { shell.errexit = on }
                if flag.contains("u") { shell.nounset = on }
            }
            return .ok
        case "export":
            for pair in args {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { shell.environment[String(parts[0])] = String(parts[1]) }
            }
            return .ok
        case "umask", "true", ":": return .ok
        case "false": return CommandResult(status: 1)
        case "exit": throw ShellInterpreter.Exit(status: Int(args.first ?? "") ?? shell.lastStatus)
        case "echo":
            let newline = args.first != "-n"
            return CommandResult(status: 0, output: args.filter { $0 != "-n" }.joined(separator: " ") + (newline ? "\n" : ""))
        case "printf": return CommandResult(status: 0, output: printf(args))
        case "date": return CommandResult(status: 0, output: context.timer.now().formatted(.iso8601) + "\n")
        case "sleep":
            await context.timer.sleep(Double(args.first ?? "0") ?? 0)
            return .ok
        case "mkdir":
            for path in args where !path.hasPrefix("-") { await context.write(path + "/", "", append: true) }
            return .ok
        case "touch":
            for path in args where !path.hasPrefix("-") { await context.write(path, "", append: true) }
            return .ok
        case "chmod":
            guard args.count >= 2 else { return .fail(1, "chmod: missing operand") }
            for path in args.dropFirst() {
                guard await context.file(path) != nil else { return .fail(1, "chmod: cannot access '\(path)': No such file or directory") }
                await context.update { $0.files[path]?.permissions = args[0] }
            }
            return .ok
        case "chown": return .ok
        case "update-ca-certificates":
            // Debian/Ubuntu's ca-certificates: every `*.crt` under /usr/local/share/ca-certificates joins the trust
            // store curl and agents use (update-ca-certificates(8)).
            let files = (await context.record()?.files ?? [:]).filter { $0.key.hasPrefix("/usr/local/share/ca-certificates/") && $0.key.hasSuffix(".crt") }
            let added = files.keys.sorted().compactMap { files[$0]?.content }
            await context.update { record in record.addedRoots += added.filter { !record.addedRoots.contains($0) } }
            return CommandResult(status: 0, output: "Updating certificates in /etc/ssl/certs...\n\(added.count) added, 0 removed; done.\n")
        case "rm":
            let paths = args.filter { !$0.hasPrefix("-") }
            await context.update { record in for path in paths { record.files[path] = nil } }
            return .ok
        case "cat":
            let paths = args.filter { !$0.hasPrefix("-") }
            if paths.isEmpty { return CommandResult(status: 0, output: invocation.stdin) }
            var text = ""
            for path in paths {
                guard let file = await context.file(path) else { return .fail(1, "cat: \(path): No such file or directory") }
                text += file.content
            }
            return CommandResult(status: 0, output: text)
        case "tail":
            let count = args.firstIndex(of: "-n").flatMap { Int(args[safe: $0 + 1] ?? "") } ?? 10
            guard let path = args.last, let file = await context.file(path) else {
                return .fail(1, "tail: cannot open '\(args.last ?? "")' for reading: No such file or directory")
            }
            return CommandResult(status: 0, output: file.content.split(separator: "\n").suffix(count).map { $0 + "\n" }.joined())
        case "grep": return await grep(args, stdin: invocation.stdin, context: context)
        case "test", "[": return await test(invocation.name == "[" ? Array(args.dropLast()) : args, context: context)
        case "sh", "bash": return try await subshell(invocation, shell: shell)
        case "base64":
            guard args.contains("-d") || args.contains("--decode") else { return CommandResult(status: 0, output: Data(invocation.stdin.utf8).base64EncodedString() + "\n") }
            guard let data = Data(base64Encoded: invocation.stdin.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                return .fail(1, "base64: invalid input")
            }
            return CommandResult(status: 0, output: String(decoding: data, as: UTF8.self))
        case "curl": return await Downloads.curl(args, context: context)
        case "systemctl": return await Services.systemctl(args, context: context)
        case "cloud-init":
            guard args.first == "status" else { return .fail(2, "cloud-init: only 'status' is simulated") }
            let state = await context.record()?.cloudInit ?? "not run"
            return CommandResult(status: state == "done" ? 0 : 1, output: "status: \(state)\n")
        case "docker": return await RKE1Agent.docker(args, context: context)
        case "apt-get", "apt":
            // Docker from Ubuntu's archive is what the RKE1 agent needs (rancher-api.md §3.3 runs it with docker).
            if args.contains("install"), args.contains(where: { ["docker.io", "docker-ce"].contains($0) }) {
                await context.write(RKE1Agent.dockerBinary, "docker\n", permissions: "0755")
            }
            return .ok
        default:
            if unmodelled.contains(invocation.name) {
                return .ok
            }
            return .fail(127, "sh: 1: \(invocation.name): not found")
        }
    }

    /// `sudo A=B cmd …` / `env A=B cmd …`: leading assignments become the command's environment.
    static func withAssignments(_ words: [String], _ invocation: ShellInvocation) -> ShellInvocation {
        var rest = words
        var environment = invocation.environment
        while let first = rest.first, let equals = first.firstIndex(of: "="), !first.hasPrefix("-"),
              first[..<equals].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            environment[String(first[..<equals])] = String(first[first.index(after: equals)...])
            rest.removeFirst()
        }
        return ShellInvocation(words: rest, environment: environment, stdin: invocation.stdin)
    }

    /// `printf FORMAT ARGS`: `%s` and the escapes `\n`, `\t`.
    static func printf(_ args: [String]) -> String {
        guard var format = args.first else { return "" }
        format = format.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t")
        var values = args.dropFirst().makeIterator()
        var text = ""
        var rest = Substring(format)
        while let range = rest.range(of: "%s") {
            text += rest[..<range.lowerBound] + (values.next() ?? "")
            rest = rest[range.upperBound...]
        }
        return text + rest
    }

    /// `grep [-q] PATTERN [FILE]` with `^`/`$` anchors.
    static func grep(_ args: [String], stdin: String, context: MachineContext) async -> CommandResult {
        let quiet = args.contains("-q")
        let operands = args.filter { !$0.hasPrefix("-") }
        guard let pattern = operands.first else { return .fail(2, "Usage: grep [OPTION]... PATTERNS [FILE]...") }
        var text = stdin
        if operands.count > 1 {
            guard let file = await context.file(operands[1]) else { return .fail(2, "grep: \(operands[1]): No such file or directory") }
            text = file.content
        }
        let regex = try? Regex(pattern)
        let matches = text.split(separator: "\n").filter { line in regex.map { line.contains($0) } ?? line.contains(pattern) }
        return CommandResult(status: matches.isEmpty ? 1 : 0, output: quiet ? "" : matches.map { $0 + "\n" }.joined())
    }

    /// `test` / `[ … ]`: -e -f -d -n -z, = and !=.
    static func test(_ args: [String], context: MachineContext) async -> CommandResult {
        func truth(_ value: Bool) -> CommandResult { CommandResult(status: value ? 0 : 1) }
        switch args.count {
        case 0: return truth(false)
        case 1: return truth(!args[0].isEmpty)
        case 2:
            switch args[0] {
            case "-e", "-f", "-s": return truth(await context.file(args[1]) != nil)
            case "-d": return truth(await context.file(args[1] + "/") != nil)
            case "-n": return truth(!args[1].isEmpty)
            case "-z": return truth(args[1].isEmpty)
            case "!": return truth(args[1].isEmpty)
            default: return .fail(2, "sh: 1: [: \(args[0]): unexpected operator")
            }
        case 3:
            switch args[1] {
            case "=", "==": return truth(args[0] == args[2])
            case "!=": return truth(args[0] != args[2])
            default: return .fail(2, "sh: 1: [: \(args[1]): unexpected operator")
            }
        default: return .fail(2, "sh: 1: [: too many arguments")
        }
    }

    /// `sh -c SCRIPT` or `sh [-s] [-] ARGS` reading the script from standard input (`curl … | sh -s - …`).
    static func subshell(_ invocation: ShellInvocation, shell: ShellInterpreter) async throws -> CommandResult {
        var args = invocation.arguments
        let child: ShellInterpreter
        let script: String
        if let index = args.firstIndex(of: "-c") {
            guard index + 1 < args.count else { return .fail(2, "sh: 0: -c requires an argument") }
            script = args[index + 1]
            child = ShellInterpreter(context: shell.context, environment: invocation.environment, arguments: Array(args.dropFirst(index + 3)))
        } else if let path = args.first, !path.hasPrefix("-") {
            // `sh FILE ARGS…` runs the file with ARGS as $1… (POSIX sh(1), "the first operand is a command file").
            guard let file = await shell.context.file(path) else { return .fail(127, "sh: 0: cannot open \(path): No such file") }
            script = file.content
            child = ShellInterpreter(context: shell.context, environment: invocation.environment, arguments: Array(args.dropFirst()))
        } else {
            if args.first == "-s" { args.removeFirst() }
            if args.first == "-" || args.first == "--" { args.removeFirst() }
            script = invocation.stdin
            child = ShellInterpreter(context: shell.context, environment: invocation.environment, arguments: args)
        }
        child.outputFile = shell.outputFile
        // A script downloaded from a known installer runs that installer (Downloads marks it).
        if let installer = Downloads.Installer(script: script) {
            return await installer.run(arguments: child.arguments, environment: invocation.environment, context: shell.context)
        }
        let result = await child.runScript(script)
        shell.output += child.output
        shell.errorOutput += child.errorOutput
        return CommandResult(status: result.exitCode)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

import Foundation

/// The cmdlets and programs of a Windows Server image that a join uses, each doing what matters to the node.
enum PowerShellCommands {
    /// Present on the image; their effect is not needed by the simulation.
    static let unmodelled: Set<String> = ["set-executionpolicy", "write-verbose", "write-progress", "import-module", "start-sleep", "icacls.exe"]

    static func run(name: String, arguments: [String], named: [Bool], shell: PowerShellInterpreter) async throws -> PSValue {
        let context = shell.context
        let parameters = Parameters(arguments, named: named)
        switch name.lowercased() {
        case "write-output", "write-host", "echo": return .string(parameters.positional.joined(separator: " "))
        case "write-error": return try await shell.fail(parameters.positional.joined(separator: " "))
        case "new-item", "mkdir":
            let path = absolute(parameters["path"] ?? parameters.positional.first ?? "", shell)
            let directory = (parameters["itemtype"] ?? "Directory").lowercased() == "directory" || name.lowercased() == "mkdir"
            await context.write(directory ? path + #"\"# : path, parameters["value"] ?? "", append: directory)
            return .string(path)
        case "set-content", "out-file":
            await context.write(absolute(parameters["path"] ?? parameters["filepath"] ?? "", shell), (parameters["value"] ?? "") + "\n")
            return .null
        case "import-certificate":
            // PKI module: a certificate file imported into Cert:\LocalMachine\Root is trusted by curl.exe (Schannel) and
            // the agents from then on.
            let path = absolute(parameters["filepath"] ?? parameters.positional.first ?? "", shell)
            guard let file = await context.file(path) else {
                throw PowerShellInterpreter.Thrown(message: "Import-Certificate : The system cannot find the file specified. (\(path))")
            }
            if (parameters["certstorelocation"] ?? "").lowercased().hasSuffix(#"localmachine\root"#) {
                await context.update { record in if !record.addedRoots.contains(file.content) { record.addedRoots.append(file.content) } }
            }
            return .null
        case "test-path":
            let path = absolute(parameters["path"] ?? parameters.positional.first ?? "", shell)
            let found = await context.file(path) != nil
            let folder = await context.file(path + #"\"#) != nil
            return .bool(found || folder)
        case "join-path":
            let parts = parameters.positional.isEmpty ? [parameters["path"] ?? "", parameters["childpath"] ?? ""] : parameters.positional
            return .string(parts.map { $0.hasSuffix(#"\"#) ? String($0.dropLast()) : $0 }.joined(separator: #"\"#))
        case "set-location", "cd":
            shell.location = absolute(parameters["path"] ?? parameters.positional.first ?? "", shell)
            return .null
        case "start-transcript":
            shell.transcript = absolute(parameters["path"] ?? parameters.positional.first ?? "", shell)
            return .null
        case "stop-transcript":
            shell.transcript = nil
            return .null
        case "get-windowsfeature":
            let feature = parameters["name"] ?? parameters.positional.first ?? ""
            let state = await context.record()?.features[feature.lowercased()]
            return .object(["Name": feature, "InstallState": state == "enabled" ? "Installed" : state == nil ? "Available" : "InstallPending"])
        case "install-windowsfeature", "enable-windowsoptionalfeature":
            let feature = (parameters["name"] ?? parameters["featurename"] ?? parameters.positional.first ?? "").lowercased()
            guard feature == "containers" else { return try await shell.fail("Install-WindowsFeature: ArgumentNotValid: the role, role service, or feature name is not valid: '\(feature)'") }
            let already = await context.record()?.features[feature] == "enabled"
            if !already { await context.update { $0.features[feature] = "installed-pending-reboot" } }
            // Install-WindowsFeature answers RestartNeeded Yes/No; Enable-WindowsOptionalFeature True/False.
            let restart = name.lowercased() == "install-windowsfeature" ? (already ? "No" : "Yes") : (already ? "False" : "True")
            return .object(["Success": "True", "RestartNeeded": restart])
        case "new-scheduledtaskaction":
            return .object(["Execute": parameters["execute"] ?? "", "Argument": parameters["argument"] ?? ""])
        case "new-scheduledtasktrigger":
            return .object(["AtStartup": parameters.switches.contains("atstartup") ? "True" : "False"])
        case "new-scheduledtaskprincipal": return .object(["UserId": parameters["userid"] ?? ""])
        case "register-scheduledtask":
            let task = parameters["taskname"] ?? ""
            // `-Action $action` arrives as the action object's text (Argument=…;Execute=…).
            let fields = Dictionary(uniqueKeysWithValues: (parameters["action"] ?? "").split(separator: ";").compactMap { pair -> (String, String)? in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            })
            guard (parameters["trigger"] ?? "").contains("AtStartup=True") else { return .null }
            let line = [fields["Execute"] ?? "", fields["Argument"] ?? ""].joined(separator: " ")
            await context.update { $0.startupTasks[task] = line }
            return .object(["TaskName": task])
        case "unregister-scheduledtask":
            let task = parameters["taskname"] ?? ""
            await context.update { $0.startupTasks[task] = nil }
            return .null
        case "shutdown.exe", "shutdown":
            guard parameters.positional.contains(where: { $0.lowercased() == "/r" }) else { return .null }
            await context.update { $0.restartPending = true }
            return .null
        case "restart-computer":
            await context.update { $0.restartPending = true }
            throw PowerShellInterpreter.Restarting()
        case "curl.exe":
            let args = arguments.map { $0 == "-o" ? "-o" : $0 }
            var shellArgs = args
            if let index = args.firstIndex(of: "-o"), index + 1 < args.count { shellArgs[index + 1] = absolute(args[index + 1], shell) }
            let result = await Downloads.curl(shellArgs, context: context)
            if !result.output.isEmpty { await shell.write(result.output) }
            guard result.status == 0 else {
                // A native program's failure is not a terminating error; its stderr shows and $LASTEXITCODE is set.
                await shell.writeError(result.errorOutput)
                shell.variables["lastexitcode"] = .string(String(result.status))
                return .null
            }
            return .null
        default:
            if unmodelled.contains(name.lowercased()) { return .null }
            if name.hasPrefix("[IO.File]::WriteAllText(") { return try await writeAllText(name, shell: shell) }
            if name.hasSuffix(".ps1") { return try await script(name, arguments: arguments, shell: shell) }
            return try await shell.fail("\(name) : The term '\(name)' is not recognized as the name of a cmdlet, function, script file, or operable program.")
        }
    }

    /// Runs a `.ps1` file: Rancher's `install.ps1` (wins agent) when it came from `<server>/wins-agent-install.ps1`.
    static func script(_ name: String, arguments: [String], shell: PowerShellInterpreter) async throws -> PSValue {
        let path = absolute(name, shell)
        guard let file = await shell.context.file(path) else {
            return try await shell.fail("\(name) : The term '\(name)' is not recognized as the name of a cmdlet, function, script file, or operable program.")
        }
        guard let installer = Downloads.Installer(script: file.content), case .windowsAgent(let server, _) = installer else {
            // A local script runs in the same session; its `return` ends only that script.
            do { try await shell.block(file.content) } catch is PowerShellInterpreter.Returned {}
            return .null
        }
        let result = await WindowsAgent.install(arguments: arguments, downloadedFrom: server, context: shell.context)
        if !result.output.isEmpty { await shell.write(result.output.trimmingCharacters(in: .newlines)) }
        if result.status != 0 { throw PowerShellInterpreter.Thrown(message: result.errorOutput.trimmingCharacters(in: .newlines)) }
        return .null
    }

    /// `[IO.File]::WriteAllText('PATH', [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('B64')))` or with a
    /// quoted text: the .NET call a script uses to write a file it carries.
    static func writeAllText(_ call: String, shell: PowerShellInterpreter) async throws -> PSValue {
        let pattern = #/^\[IO\.File\]::WriteAllText\('([^']*)',\s*(?:\[Text\.Encoding\]::UTF8\.GetString\(\[Convert\]::FromBase64String\('([A-Za-z0-9+/=]*)'\)\)|'([^']*)')\)$/#
        guard let match = call.wholeMatch(of: pattern) else {
            return try await shell.fail("Method invocation is not simulated: \(call.prefix(60))")
        }
        let path = absolute(String(match.1), shell)
        if let encoded = match.2 {
            guard let data = Data(base64Encoded: String(encoded)) else {
                throw PowerShellInterpreter.Thrown(message: "Exception calling \"FromBase64String\" with \"1\" argument(s): \"The input is not a valid Base-64 string\"")
            }
            await shell.context.write(path, String(decoding: data, as: UTF8.self), permissions: "0600")
        } else {
            await shell.context.write(path, String(match.3 ?? ""), permissions: "0600")
        }
        return .null
    }

    /// `.\x`, `./x` and bare names resolve against the current location.
    static func absolute(_ path: String, _ shell: PowerShellInterpreter) -> String {
        var name = path.replacingOccurrences(of: "/", with: #"\"#)
        if name.hasPrefix(#".\"#) { name = String(name.dropFirst(2)) }
        if name.count >= 2, name.dropFirst().first == ":" { return name }
        return (shell.location.hasSuffix(#"\"#) ? shell.location : shell.location + #"\"#) + name
    }

    /// `-Name value` pairs, `-Switch` flags and positional arguments.
    struct Parameters {
        var named: [String: String] = [:]
        var switches: Set<String> = []
        var positional: [String] = []

        init(_ arguments: [String], named nameFlags: [Bool]) {
            func isName(_ index: Int) -> Bool {
                let word = arguments[index]
                return (nameFlags[safe: index] ?? true) && word.hasPrefix("-") && word.count > 1 && word.dropFirst().first?.isLetter == true
            }
            var index = 0
            while index < arguments.count {
                let word = arguments[index]
                if isName(index) {
                    let key = String(word.dropFirst().split(separator: ":")[0]).lowercased()
                    if index + 1 < arguments.count, !isName(index + 1), !word.contains(":") {
                        named[key] = arguments[index + 1]
                        index += 2
                        continue
                    }
                    switches.insert(key)
                } else {
                    positional.append(word)
                }
                index += 1
            }
        }

        subscript(_ name: String) -> String? { named[name] }
    }
}

import Foundation
import DroverEngine

/// A cluster registration command as Rancher hands it out (`nodeCommand` or `windowsNodeCommand`), parsed into
/// words so it can be given each node's roles and addresses without string surgery.
///
/// The four templates are those of `rancher-api.md` §3.3: the RKE1 Docker agent for Linux (2.3–2.11), the RKE1
/// Windows bootstrap `PowerShell … -Command "& {docker run … | iex}"` (2.3–2.11), and the RKE2 system-agent
/// (`curl … | sudo sh -s - …`) and wins (`curl.exe … ./install.ps1 …`) installers (2.6 onwards).
public struct RegistrationCommand: Sendable {
    /// Which Rancher template the command follows.
    public enum Template: String, Sendable, Equatable {
        /// `sudo docker run … rancher/rancher-agent:TAG --server … --token …` (RKE1, Linux).
        case rke1Linux
        /// `PowerShell -NoLogo -NonInteractive -Command "& {docker run … bootstrap --server … | iex}"` (RKE1, Windows).
        case rke1Windows
        /// `curl -fL …/system-agent-install.sh | sudo sh -s - --server … --token …` (RKE2, Linux).
        case rke2Linux
        /// `curl.exe -fL …/wins-agent-install.ps1 -o install.ps1; …; ./install.ps1 -Server … -Worker` (RKE2, Windows).
        case rke2Windows
    }

    /// The template recognised.
    public let template: Template
    /// The Rancher server URL the command points at.
    public let server: String
    /// The registration token (secret: never log it).
    public let token: String
    /// The CA checksum, when Rancher's certificate is self-signed.
    public let caChecksum: String?

    /// The words before the part Drover edits (Linux: the whole command; Windows RKE1: outer PowerShell arguments).
    private let tokens: [ShellToken]
    /// For RKE1 Windows: the PowerShell arguments before `-Command`.
    private let outerArguments: [String]

    private static func unrecognised(_ why: String) -> CodedError {
        CodedError(
            code: "UnrecognizedRegistrationCommand", message: "the registration command \(why)",
            remediation: "pass the nodeCommand or windowsNodeCommand of a cluster registration token, unchanged")
    }

    private static func syntax(_ error: ShellSyntaxError, in part: String) -> CodedError {
        CodedError(
            code: "UnrecognizedRegistrationCommand", message: "the registration command's \(part) cannot be read: \(error)",
            remediation: "pass the nodeCommand or windowsNodeCommand of a cluster registration token, unchanged")
    }

    /// Parses a registration command; errors describe the problem without repeating the command (it holds a token).
    public static func parse(_ text: String) throws(CodedError) -> RegistrationCommand {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw unrecognised("is empty (Rancher blanks it until the token is ready; retry)") }
        let firstWord = trimmed.prefix { !$0.isWhitespace }.lowercased()

        if firstWord == "powershell" || firstWord == "powershell.exe" {
            let arguments: [String]
            do { arguments = try WindowsCommandLine.split(trimmed) } catch { throw syntax(error, in: "PowerShell command line") }
            guard let index = arguments.firstIndex(where: { $0.lowercased() == "-command" }), index + 1 < arguments.count else {
                throw unrecognised("starts PowerShell without -Command")
            }
            let script = arguments[(index + 1)...].joined(separator: " ")
            let tokens: [ShellToken]
            do { tokens = try PowerShellSyntax.split(script) } catch { throw syntax(error, in: "-Command script") }
            let docker = try dockerWords(inBootstrapScript: tokens)
            let fields = flags(docker, server: "--server", token: "--token", ca: "--ca-checksum")
            guard let server = fields.server, let token = fields.token else { throw unrecognised("has no --server and --token") }
            return RegistrationCommand(
                template: .rke1Windows, server: server, token: token, caChecksum: fields.ca, tokens: docker,
                outerArguments: Array(arguments[..<index]))
        }

        if trimmed.contains("install.ps1") || firstWord.hasPrefix("$env:") || firstWord == "curl.exe" {
            let tokens: [ShellToken]
            do { tokens = try PowerShellSyntax.split(trimmed) } catch { throw syntax(error, in: "PowerShell script") }
            guard let installer = tokens.split(at: [";"]).last(where: isInstaller) else {
                throw unrecognised("has no ./install.ps1 statement")
            }
            let fields = flags(installer, server: "-Server", token: "-Token", ca: "-CaChecksum")
            guard let server = fields.server, let token = fields.token else { throw unrecognised("has no -Server and -Token") }
            return RegistrationCommand(template: .rke2Windows, server: server, token: token, caChecksum: fields.ca, tokens: tokens, outerArguments: [])
        }

        let tokens: [ShellToken]
        do { tokens = try POSIXShell.split(trimmed) } catch { throw syntax(error, in: "shell command") }
        let words = tokens.compactMap(\.value)
        let last = tokens.split(at: ["|"]).last ?? []
        let fields = flags(last, server: "--server", token: "--token", ca: "--ca-checksum")
        guard let server = fields.server, let token = fields.token else { throw unrecognised("has no --server and --token") }
        if words.contains("docker"), words.contains("run") {
            return RegistrationCommand(template: .rke1Linux, server: server, token: token, caChecksum: fields.ca, tokens: tokens, outerArguments: [])
        }
        if words.contains("sh"), words.contains("-s") {
            return RegistrationCommand(template: .rke2Linux, server: server, token: token, caChecksum: fields.ca, tokens: tokens, outerArguments: [])
        }
        throw unrecognised("is neither `docker run` (RKE1) nor `curl … | sh -s -` (RKE2)")
    }

    /// Whether a statement runs `./install.ps1` (with or without the call operator).
    private static func isInstaller(_ statement: [ShellToken]) -> Bool {
        statement.first(where: { $0 != .op("&") })?.value?.lowercased().hasSuffix("install.ps1") == true
            && statement.first?.value?.lowercased().hasPrefix("curl") != true
    }

    /// The `docker run … bootstrap …` words inside `& {docker run … | iex}`.
    private static func dockerWords(inBootstrapScript tokens: [ShellToken]) throws(CodedError) -> [ShellToken] {
        guard tokens.count >= 4, tokens[0] == .op("&"), tokens[1] == .op("{"), tokens.last == .op("}") else {
            throw unrecognised("-Command script is not of the form `& {docker run … | iex}`")
        }
        let pipeline = Array(tokens[2..<(tokens.count - 1)]).split(at: ["|"])
        guard pipeline.count == 2, pipeline[1].compactMap(\.value).map({ $0.lowercased() }) == ["iex"],
            pipeline[0].first?.value == "docker", pipeline[0].dropFirst().first?.value == "run"
        else {
            throw unrecognised("-Command script does not pipe `docker run` into `iex` (Rancher 2.2's experimental template is not supported)")
        }
        return pipeline[0]
    }

    private static func flags(_ tokens: [ShellToken], server: String, token: String, ca: String) -> (server: String?, token: String?, ca: String?) {
        let words = tokens.compactMap(\.value)
        func value(_ flag: String) -> String? {
            guard let i = words.firstIndex(where: { $0.caseInsensitiveCompare(flag) == .orderedSame }), i + 1 < words.count else { return nil }
            return words[i + 1]
        }
        return (value(server), value(token), value(ca))
    }

    /// Removes `flags` (and for `valued` flags their value) from `tokens`, case-insensitively; also `--flag=value`.
    private static func removing(_ flags: Set<String>, valued: Set<String>, from tokens: [ShellToken]) -> [ShellToken] {
        var out: [ShellToken] = []
        var skipNext = false
        for token in tokens {
            if skipNext {
                skipNext = false
                continue
            }
            guard let word = token.value?.lowercased() else {
                out.append(token)
                continue
            }
            let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            if flags.contains(word) { continue }
            if valued.contains(name) {
                skipNext = !word.contains("=")
                continue
            }
            out.append(token)
        }
        return out
    }

    /// The command `node` runs to join: its roles, `--address`, `--internal-address` and `--node-name` added after
    /// any the command already carried are removed; for RKE1 Windows any `--isolation` is dropped, as the seed did.
    public func command(for node: JoinTarget) throws(CodedError) -> String {
        switch template {
        case .rke1Linux, .rke2Linux:
            return POSIXShell.render(try linuxTokens(for: node))
        case .rke1Windows:
            return "PowerShell " + outerArguments.dropFirst().map(WindowsCommandLine.quote).joined(separator: " ")
                + " -Command " + WindowsCommandLine.quote("& {\(try windowsPipeline(for: node))}")
        case .rke2Windows:
            try requireWorkerOnly(node)
            let statements = tokens.split(at: [";"])
            var rendered: [String] = []
            for statement in statements where !statement.isEmpty {
                guard Self.isInstaller(statement) else {
                    rendered.append(PowerShellSyntax.render(statement))
                    continue
                }
                var edited = Self.removing(["-worker"], valued: ["-address", "-internaladdress", "-nodename"], from: statement)
                // `& ./install.ps1` runs the same script as `./install.ps1`; the call operator also makes the
                // statement parse under the tree-sitter PowerShell grammar the tests check every script with.
                if edited.first != .op("&") { edited.insert(.op("&"), at: 0) }
                edited += [
                    .flag("-Worker"), .flag("-Address"), .word(node.address),
                    .flag("-InternalAddress"), .word(node.internalAddress),
                    .flag("-NodeName"), .word(node.nodeName),
                ]
                rendered.append(PowerShellSyntax.render(edited))
            }
            return rendered.joined(separator: "; ")
        }
    }

    /// The Linux command's words with `node`'s roles, addresses and name in place of any it carried.
    private func linuxTokens(for node: JoinTarget) throws(CodedError) -> [ShellToken] {
        guard !node.roles.isEmpty else {
            throw CodedError(code: "NoRoles", message: "node \(node.nodeName) has no role", remediation: "give it etcd, controlplane or worker")
        }
        var edited = Self.removing(
            ["--etcd", "--controlplane", "--worker", "--all-roles", "-a", "-e", "-p", "-w"],
            valued: ["--address", "--internal-address", "--node-name", "-n", "-i"], from: tokens)
        edited += node.roles.sorted().map { .flag("--\($0.rawValue)") }
        edited += [
            .flag("--address"), .word(node.address), .flag("--internal-address"), .word(node.internalAddress),
            .flag("--node-name"), .word(node.nodeName),
        ]
        return edited
    }

    /// For RKE2 Linux: the `curl … | sudo sh -s - …` command as two steps, the install script downloaded to `path`
    /// and then run with the same arguments. Through the pipe a failed download (a certificate the node does not
    /// trust, a 404) hands `sh` an empty script that succeeds, and the node silently never joins; as two steps the
    /// join stops with curl's error. Other templates have no pipe and come back as one step.
    public func steps(for node: JoinTarget, downloadingTo path: String) throws(CodedError) -> [String] {
        guard template == .rke2Linux else { return [try command(for: node)] }
        let parts = try linuxTokens(for: node).split(at: ["|"])
        guard parts.count == 2, let dash = parts[1].firstIndex(where: { $0.value == "-s" }), dash + 1 < parts[1].count,
            parts[1][dash + 1].value == "-"
        else { return [try command(for: node)] }
        var run = parts[1]
        run.replaceSubrange(dash...(dash + 1), with: [.word(path)])
        return [POSIXShell.render(parts[0] + [.flag("-o"), .word(path)]), POSIXShell.render(run)]
    }

    /// For RKE1 Windows: the `docker run … bootstrap … --worker … | iex` pipeline, to run inside a PowerShell script.
    public func windowsPipeline(for node: JoinTarget) throws(CodedError) -> String {
        guard template == .rke1Windows else {
            throw CodedError(code: "WrongTemplate", message: "only Rancher 2.3–2.11 Windows commands pipe into iex")
        }
        try requireWorkerOnly(node)
        var edited = Self.removing(
            ["--etcd", "--controlplane", "--worker"], valued: ["--isolation", "--address", "--internal-address", "--node-name", "-a", "-i", "-r"],
            from: tokens)
        edited += [
            .flag("--worker"), .flag("--address"), .word(node.address), .flag("--internal-address"),
            .word(node.internalAddress), .flag("--node-name"), .word(node.nodeName),
        ]
        return PowerShellSyntax.render(edited) + " | iex"
    }

    private func requireWorkerOnly(_ node: JoinTarget) throws(CodedError) {
        guard node.roles == [.worker] else {
            throw CodedError(
                code: "WindowsRole", message: "Windows node \(node.nodeName) can only be a worker, not \(node.roles.sorted().map(\.rawValue).joined(separator: ", "))",
                remediation: "give Windows pools the worker role only")
        }
    }
}

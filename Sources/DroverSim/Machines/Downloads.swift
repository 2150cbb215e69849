import Foundation

/// `curl` on a machine, and the installer scripts it fetches: `https://get.rke2.io` (RKE2) from the Internet and
/// `<server>/system-agent-install.sh` (Rancher's system agent, kube-and-rancher-wire.md §C.4) from the simulated network.
enum Downloads {
    /// The first line the simulation puts on a script it recognises, so `sh` runs that installer.
    static let marker = "#drover-sim-installer "

    /// Installers a machine can run from a download.
    enum Installer {
        case rke2
        case systemAgent(server: String, header: [String: String])
        case windowsAgent(server: String, header: [String: String])

        init?(script: String) {
            guard script.hasPrefix(Downloads.marker) else { return nil }
            let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
            let words = lines[0].dropFirst(Downloads.marker.count).split(separator: " ").map(String.init)
            switch words.first {
            case "rke2": self = .rke2
            case "system-agent":
                // Rancher prepends NAME="value" lines to the served script (§C.4 step 1).
                var header: [String: String] = [:]
                for line in lines.dropFirst() {
                    let parts = line.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0].allSatisfy({ $0.isUppercase || $0 == "_" || $0.isNumber }) else { continue }
                    header[String(parts[0])] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
                self = .systemAgent(server: words.count > 1 ? words[1] : "", header: header)
            case "wins-agent": self = .windowsAgent(server: words.count > 1 ? words[1] : "", header: [:])
            default: return nil
            }
        }

        func run(arguments: [String], environment: [String: String], context: MachineContext) async -> CommandResult {
            switch self {
            case .rke2: return await Services.installRKE2(environment: environment, context: context)
            case .windowsAgent:
                return .fail(1, "sh: 1: Syntax error: a PowerShell script cannot run in sh")
            case .systemAgent(let server, let header):
                return await RKE2Agent.install(arguments: arguments, environment: header.merging(environment) { _, own in own },
                                               downloadedFrom: server, context: context)
            }
        }
    }

    /// `curl [-sSfL] [--insecure|-k] [-o FILE] [-H H] URL`.
    static func curl(_ args: [String], context: MachineContext) async -> CommandResult {
        var insecure = false
        var failOnError = false
        var outputFile: String?
        var headers: [String: String] = [:]
        var url: String?
        var index = 0
        while index < args.count {
            let arg = args[index]
            switch arg {
            case "--insecure", "-k": insecure = true
            case "-o", "--output": outputFile = args[safe: index + 1]; index += 1
            case "-H", "--header":
                let parts = (args[safe: index + 1] ?? "").split(separator: ":", maxSplits: 1)
                if parts.count == 2 { headers[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
                index += 1
            case "--max-time", "-m", "--retry", "--connect-timeout": index += 1
            default:
                if arg.hasPrefix("http://") || arg.hasPrefix("https://") {
                    url = arg
                } else if arg.hasPrefix("-"), !arg.hasPrefix("--") {
                    if arg.contains("f") { failOnError = true }
                    if arg.contains("k") { insecure = true }
                } else if arg == "--fail" {
                    failOnError = true
                }
            }
            index += 1
        }
        guard let url, let components = URLComponents(string: url), let host = components.host else {
            return .fail(2, "curl: (2) no URL specified")
        }
        // The instance metadata service answers on the link-local address (no public IP is known to the machine).
        if host == "169.254.169.254" { return CommandResult(status: 0) }
        if host == "get.rke2.io" { return await deliver(marker + "rke2\n", to: outputFile, context: context) }
        let answer = await MachineHTTP(network: context.simulator.network).send(url: url, headers: headers,
                                                                                 trust: insecure ? nil : await trustStore(context))
        switch answer {
        case .failure(let failure):
            let (code, message) = failure.curl
            return .fail(code, message)
        case .success(let reply):
            if failOnError, reply.status >= 400 { return .fail(22, "curl: (22) The requested URL returned error: \(reply.status)") }
            var text = String(decoding: reply.body, as: UTF8.self)
            let server = "\(components.scheme ?? "https")://\(host)\(components.port.map { ":\($0)" } ?? "")"
            if components.path.hasSuffix("/system-agent-install.sh") { text = marker + "system-agent \(server)\n" + text }
            if components.path.hasSuffix("/wins-agent-install.ps1") { text = marker + "wins-agent \(server)\n" + text }
            return await deliver(text, to: outputFile, context: context)
        }
    }

    private static func deliver(_ text: String, to file: String?, context: MachineContext) async -> CommandResult {
        guard let file else { return CommandResult(status: 0, output: text) }
        await context.write(file, text)
        return .ok
    }

    /// The machine's trust store: the configured roots plus any `ca_certs` cloud-init added (never Let's Encrypt staging).
    static func trustStore(_ context: MachineContext) async -> [String] {
        let added = await context.record()?.addedRoots ?? []
        return context.simulator.trustedRootsPEM + added
    }
}

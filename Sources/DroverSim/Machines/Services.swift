import Foundation

/// systemd on a Linux machine: the RKE2 install script installs the `rke2-server` / `rke2-agent` units, and
/// `systemctl enable --now` / `start` runs them.
enum Services {
    static let rke2Binary = "/usr/local/bin/rke2"

    /// What `curl -sfL https://get.rke2.io | INSTALL_RKE2_TYPE=server sh -` leaves behind: the binary and the unit.
    static func installRKE2(environment: [String: String], context: MachineContext) async -> CommandResult {
        let type = environment["INSTALL_RKE2_TYPE"] ?? "server"
        guard ["server", "agent"].contains(type) else {
            return .fail(1, "[ERROR]  Invalid INSTALL_RKE2_TYPE \(type): expected server or agent")
        }
        let version = environment["INSTALL_RKE2_VERSION"] ?? "stable"
        await context.write(rke2Binary, "rke2 \(version)\n", permissions: "0755")
        await context.update { $0.services["rke2-\(type)"] = "installed" }
        return CommandResult(status: 0, output: "[INFO]  installing rke2 \(version) (\(type))\n")
    }

    /// `systemctl enable|start|restart [--now] UNIT…`, `daemon-reload`, `is-active`.
    static func systemctl(_ args: [String], context: MachineContext) async -> CommandResult {
        let verb = args.first ?? ""
        let now = args.contains("--now")
        let units = args.dropFirst().filter { !$0.hasPrefix("-") }.map { $0.hasSuffix(".service") ? String($0.dropLast(8)) : $0 }
        switch verb {
        case "daemon-reload": return .ok
        case "enable", "start", "restart":
            for unit in units {
                guard let state = await context.record()?.services[unit] else {
                    let text = verb == "enable" ? "Failed to enable unit: Unit file \(unit).service does not exist."
                        : "Failed to \(verb) \(unit).service: Unit \(unit).service not found."
                    return .fail(verb == "enable" ? 1 : 5, text)
                }
                let starts = verb != "enable" || now
                await context.update { $0.services[unit] = starts ? "running" : "enabled" }
                if starts, state != "running", unit == "rke2-server" {
                    context.simulator.background(context.vmID) { await RKE2Server.start($0) }
                }
            }
            return .ok
        case "is-active":
            let state = await context.record()?.services[units.first ?? ""]
            return CommandResult(status: state == "running" ? 0 : 3, output: (state == "running" ? "active" : "inactive") + "\n")
        default:
            return .fail(1, "Unknown command verb \(verb).")
        }
    }
}

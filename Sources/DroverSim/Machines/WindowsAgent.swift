import Foundation

/// Rancher's Windows installer (`wins-agent-install.ps1`, rancher-api.md §3.3–§3.4: `-Server -Token -CaChecksum
/// -Worker -Address -InternalAddress -NodeName -Label -Taint`): the CA checked against `$CATTLE_SERVER/cacerts`, then the
/// same registration as Linux (kube-and-rancher-wire.md §C.4, Windows: same endpoint and headers). It needs the
/// Windows Containers feature enabled, which takes a restart (peers.md P5).
enum WindowsAgent {
    static func install(arguments: [String], downloadedFrom: String, context: MachineContext) async -> CommandResult {
        let flags: RKE2Agent.JoinFlags
        do { flags = try RKE2Agent.JoinFlags.parse(arguments, windowsStyle: true) } catch { return .fail(1, "install.ps1: \(error)") }
        guard flags.worker, !flags.etcd, !flags.controlPlane else {
            return .fail(1, "install.ps1: Windows nodes can only be workers (-Worker)")
        }
        guard await context.record()?.features["containers"] == "enabled" else {
            let pending = await context.record()?.features["containers"] == "installed-pending-reboot"
            return await RKE2Agent.fail(context, pending
                ? "install.ps1: the Containers feature is installed but needs a restart before containerd can run"
                : "install.ps1: the Windows Containers feature is not enabled (Install-WindowsFeature -Name Containers, then restart)")
        }
        guard let server = flags.server, let token = flags.token else { return .fail(1, "install.ps1: -Server and -Token are required") }
        return await RKE2Agent.register(flags: flags, server: server, token: token, checksum: flags.caChecksum, strict: false, context: context)
    }
}

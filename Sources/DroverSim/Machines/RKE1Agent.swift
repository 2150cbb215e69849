import Foundation

/// The RKE1 node agent (`docker run … rancher/rancher-agent:TAG --server … --token … --ca-checksum … --etcd …`,
/// rancher-api.md §3.3–§3.4): a detached container that checks the CA at `/v3/settings/cacerts` and registers through
/// `/v3/connect/register` (kube-and-rancher-wire.md §C.5 and the issue-9 seams).
enum RKE1Agent {
    static let dockerBinary = "/usr/bin/docker"

    /// `docker run [-d] [options] IMAGE ARGS…`.
    static func docker(_ args: [String], context: MachineContext) async -> CommandResult {
        guard await context.file(dockerBinary) != nil else { return .fail(127, "sh: 1: docker: not found") }
        guard args.first == "run" else { return .ok }
        var index = 1
        let valued: Set<String> = ["-v", "--volume", "-e", "--env", "--net", "--network", "--restart", "--name", "--isolation"]
        while index < args.count, args[index].hasPrefix("-") {
            index += valued.contains(args[index]) ? 2 : 1
        }
        guard index < args.count else { return .fail(125, "\"docker run\" requires at least 1 argument.") }
        let image = args[index]
        guard image.hasPrefix("rancher/rancher-agent:") else {
            return .fail(125, "Unable to find image '\(image)' locally\ndocker: Error response from daemon: pull access denied for \(image).")
        }
        let flags: RKE2Agent.JoinFlags
        do { flags = try RKE2Agent.JoinFlags.parse(Array(args[(index + 1)...])) } catch { return .fail(1, "ERROR: \(error)") }
        guard let server = flags.server, let token = flags.token else { return .fail(1, "ERROR: -s|--server and -t|--token are required") }
        await context.update { $0.state = "joining" }
        // Detached: the container id comes back at once; the agent's work shows only in the node log.
        context.simulator.background(context.vmID) { context in
            await register(server: server, token: token, flags: flags, context: context)
        }
        return CommandResult(status: 0, output: String(SimIDs.hash(context.vmID + image).prefix(64)) + "\n")
    }

    static func register(server: String, token: String, flags: RKE2Agent.JoinFlags, context: MachineContext) async {
        // The 2.3 agent hashes the `value` of /v3/settings/cacerts with a trailing newline (§C.8, rancher-api.md §6.1).
        let trust = await RKE2Agent.verifiedTrust(server: server, checksum: flags.caChecksum, strict: false, context: context,
                                                  cacertsPath: "/v3/settings/cacerts") { data in (try? JSONValue.parse(data))?["value"]?.string }
        guard case .success(let roots) = trust else {
            if case .failure(let failure) = trust { await context.log(failure.description) }
            await context.update { $0.state = "failed" }
            return
        }
        let record = await context.record()
        let nodeName = (flags.nodeName ?? record?.hostName ?? "node").lowercased()
        let params: JSONValue = ["node": [
            "requestedHostname": .string(nodeName),
            "customConfig": ["address": .string(flags.address ?? ""), "internalAddress": .string(flags.internalAddress ?? ""),
                             "roles": .array(flags.roles.map { .string($0) })],
        ]]
        let headers = ["X-API-Tunnel-Token": token, "X-API-Tunnel-Params": params.encoded().base64EncodedString()]
        switch await Registration.retrying(url: server + "/v3/connect/register", headers: headers, trust: roots, context: context) {
        case .failure(let failure):
            await context.log(failure.description)
            await context.update { $0.state = "failed" }
        case .success(let body):
            await context.log("INFO: Registered with \(server)")
            await Kubelet.launch(registration: body, flags: flags, nodeName: nodeName, trust: roots, context: context)
        }
    }
}

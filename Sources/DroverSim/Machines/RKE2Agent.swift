import Crypto
import Foundation

/// Rancher's system-agent install script as a node runs it (kube-and-rancher-wire.md §C.4; flags rancher-api.md §3.4):
/// check the CA against `--ca-checksum`, `/healthz`, then `GET /v3/connect/agent` every 5 s until answered.
enum RKE2Agent {
    /// The join flags of `install.sh` (and of RKE1's `run.sh`, which uses the same long names).
    struct JoinFlags: Sendable {
        var server: String?
        var token: String?
        var caChecksum: String?
        var etcd = false
        var controlPlane = false
        var worker = false
        var nodeName: String?
        var address: String?
        var internalAddress: String?
        var labels: [String] = []
        var taints: [String] = []

        /// Parses the flags; unknown ones are fatal, as in install.sh.
        static func parse(_ args: [String], windowsStyle: Bool = false) throws -> JoinFlags {
            var flags = JoinFlags()
            var index = 0
            func value() throws -> String {
                index += 1
                guard index < args.count else { throw MachineFailure("\(args[index - 1]) requires a value") }
                return args[index]
            }
            while index < args.count {
                switch windowsStyle ? args[index].lowercased() : args[index] {
                case "-s", "--server", "-server": flags.server = try value()
                case "-t", "--token", "-token": flags.token = try value()
                case "-c", "--ca-checksum", "-cachecksum": flags.caChecksum = try value()
                case "-e", "--etcd", "-etcd": flags.etcd = true
                case "-p", "--controlplane", "-controlplane": flags.controlPlane = true
                case "-w", "--worker", "-worker": flags.worker = true
                case "--all-roles": flags.etcd = true; flags.controlPlane = true; flags.worker = true
                case "-n", "--node-name", "-nodename", "-r": flags.nodeName = try value()
                case "-a", "--address", "-address": flags.address = try value()
                case "-i", "--internal-address", "-internaladdress": flags.internalAddress = try value()
                case "-l", "--label", "-label": flags.labels.append(try value())
                case "--taint", "--taints", "-taint": flags.taints.append(try value())
                default: throw MachineFailure("Unknown argument \(args[index])")
                }
                index += 1
            }
            return flags
        }

        var roles: [String] { (etcd ? ["etcd"] : []) + (controlPlane ? ["controlplane"] : []) + (worker ? ["worker"] : []) }
    }

    /// Runs the downloaded install script with its arguments.
    static func install(arguments: [String], environment: [String: String], downloadedFrom: String, context: MachineContext) async -> CommandResult {
        let flags: JoinFlags
        do {
            flags = try JoinFlags.parse(arguments)
        } catch {
            return .fail(1, "[FATAL]  \(error)")
        }
        guard !flags.roles.isEmpty else { return .fail(1, "[FATAL]  You must select at least one role.") }
        guard let server = flags.server ?? environment["CATTLE_SERVER"], let token = flags.token ?? environment["CATTLE_TOKEN"] else {
            return .fail(1, "[FATAL]  --server and --token are required")
        }
        return await register(flags: flags, server: server, token: token, checksum: flags.caChecksum ?? environment["CATTLE_CA_CHECKSUM"],
                              strict: environment["STRICT_VERIFY"] == "true", context: context)
    }

    /// CA check, `/healthz`, registration, kubelet: what both installers do once their flags are read.
    static func register(flags: JoinFlags, server: String, token: String, checksum: String?, strict: Bool, context: MachineContext) async -> CommandResult {
        await context.update { $0.state = "joining" }
        let trust: [String]
        switch await verifiedTrust(server: server, checksum: checksum, strict: strict, context: context) {
        case .failure(let failure): return await fail(context, failure.description)
        case .success(let roots): trust = roots
        }
        let http = MachineHTTP(network: context.simulator.network)
        if case .failure(let failure) = await http.send(url: server + "/healthz", trust: trust) {
            return await fail(context, failure.curl.1)
        }
        let record = await context.record()
        let nodeName = (flags.nodeName ?? record?.hostName ?? "node").lowercased()
        let cattleID = String(SHA256.hash(data: Data(context.vmID.lowercased().utf8)).map { String(format: "%02x", $0) }.joined().prefix(63))
        await context.write("/etc/rancher/agent/cattle-id", cattleID + "\n", permissions: "0600")
        // §C.4 step 5: the registration headers.
        let headers = [
            "Authorization": "Bearer \(token)", "X-Cattle-Id": cattleID,
            "X-Cattle-Role-Etcd": String(flags.etcd), "X-Cattle-Role-Control-Plane": String(flags.controlPlane),
            "X-Cattle-Role-Worker": String(flags.worker), "X-Cattle-Node-Name": nodeName,
            "X-Cattle-Address": flags.address ?? "", "X-Cattle-Internal-Address": flags.internalAddress ?? "",
            "X-Cattle-Labels": flags.labels.joined(separator: ","), "X-Cattle-Taints": flags.taints.joined(separator: ","),
        ]
        let answer = await Registration.retrying(url: server + "/v3/connect/agent", headers: headers, trust: trust, context: context)
        switch answer {
        case .failure(let failure): return await fail(context, failure.description)
        case .success(let body):
            await context.log("[INFO]  Successfully registered with \(server)")
            await Kubelet.launch(registration: body, flags: flags, nodeName: nodeName, trust: trust, context: context)
            return CommandResult(status: 0, output: "[INFO]  rancher-system-agent installed and registered\n")
        }
    }

    /// The roots the agent trusts for `server`: with a checksum, the CA served at `/cacerts` once its sha256 matches
    /// (fetched without verification, §C.4 step 2, §C.8); without, the machine's trust store.
    static func verifiedTrust(server: String, checksum: String?, strict: Bool, context: MachineContext,
                              cacertsPath: String = "/cacerts", extract: @Sendable (Data) -> String? = { String(decoding: $0, as: UTF8.self) })
        async -> Result<[String], MachineFailure> {
        guard let checksum, !checksum.isEmpty else {
            if strict { return .failure(MachineFailure("[FATAL]  STRICT_VERIFY is set but no CA checksum was given")) }
            return .success(await Downloads.trustStore(context))
        }
        let http = MachineHTTP(network: context.simulator.network)
        switch await http.send(url: server + cacertsPath, trust: nil) {
        case .failure(let failure): return .failure(MachineFailure(failure.curl.1))
        case .success(let answer):
            guard let value = extract(answer.body), !value.isEmpty else {
                return .failure(MachineFailure("[ERROR]  Value from \(server)\(cacertsPath) is not a CA certificate"))
            }
            let normalized = value.hasSuffix("\n") ? value : value + "\n"
            let actual = SHA256.hash(data: Data(normalized.utf8)).map { String(format: "%02x", $0) }.joined()
            guard actual == checksum.lowercased() else {
                return .failure(MachineFailure("[ERROR]  Configured cacerts checksum (\(actual)) does not match given --ca-checksum (\(checksum))"))
            }
            return .success([normalized])
        }
    }

    static func fail(_ context: MachineContext, _ message: String) async -> CommandResult {
        await context.update { $0.state = "failed" }
        return .fail(1, message)
    }
}

/// Registration calls retried as the agents do: every 5 s (simulated) on a non-200 answer, until the machine's deadline.
enum Registration {
    static func retrying(url: String, headers: [String: String], trust: [String], context: MachineContext) async -> Result<Data, MachineFailure> {
        let delays = context.simulator.delays
        let deadline = context.timer.deadline(after: delays.joinDeadline)
        let http = MachineHTTP(network: context.simulator.network)
        var attempt = 0
        var waited = 0.0
        while true {
            attempt += 1
            let last: String
            switch await http.send(url: url, headers: headers, trust: trust) {
            case .success(let answer) where answer.status == 200:
                return .success(answer.body)
            case .success(let answer):
                let message = (try? JSONValue.parse(answer.body))?["message"]?.string ?? String(decoding: answer.body.prefix(200), as: UTF8.self)
                last = "HTTP \(answer.status)\(message.isEmpty ? "" : ": \(message)")"
            case .failure(let failure):
                last = failure.curl.1
            }
            await context.log("[ERROR]  \(URLComponents(string: url)?.path ?? url) answered \(last); retrying in \(Int(delays.retryInterval)) seconds (attempt \(attempt))")
            waited += delays.retryInterval
            if waited > delays.joinDeadline || context.timer.now() > deadline {
                return .failure(MachineFailure("[FATAL]  registration with \(URLComponents(string: url)?.host ?? url) did not succeed before the deadline; last answer: \(last)"))
            }
            await context.timer.sleep(delays.retryInterval)
        }
    }
}

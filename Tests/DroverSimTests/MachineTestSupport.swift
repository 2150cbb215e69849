import Crypto
import DroverSim
import Foundation
import Synchronization
import Testing

/// A few routes of a Rancher server, written from kube-and-rancher-wire.md §C.4/§C.5/§C.8 and the issue-9 seams, on
/// 127.0.0.1 under a public host name published on a ``SimulatedNetwork``: enough to see what an agent sends.
final class FakeRancher: Sendable {
    static let host = "rancher-x.eastus2.cloudapp.azure.com"
    static let clusterID = "c-m-abc12345"
    let token: String
    let caPEM: String
    let listener: HTTPSListener
    let seen = Mutex<[SimRequest]>([])
    /// Nodes created through the `/k8s/clusters/{id}` proxy, by name.
    private let nodes = Mutex<[String: JSONValue]>([:])

    /// The sha256 an agent is given (`--ca-checksum`): of the CA PEM with a trailing newline (§C.8).
    var checksum: String { SHA256.hash(data: Data(caPEM.utf8)).map { String(format: "%02x", $0) }.joined() }

    private init(token: String, caPEM: String, listener: HTTPSListener) {
        self.token = token
        self.caPEM = caPEM
        self.listener = listener
    }

    /// `unavailable`: how many registration calls answer 503 first (a Rancher not ready for this node yet).
    static func start(network: SimulatedNetwork, token: String, directory: URL, taints: [String] = [], unavailable: Int = 0) async throws -> FakeRancher {
        let refusals = Mutex(unavailable)
        let authority = try CertificateAuthority.loadOrCreate(in: directory)
        let leaf = try authority.issueServerCertificate(hostnames: [host])
        let box = Mutex<FakeRancher?>(nil)
        let listener = try await HTTPSListener.start(name: "fake-rancher", certificatePEM: leaf.certificatePEM, keyPEM: leaf.keyPEM) { request in
            guard let rancher = box.withLock({ $0 }) else { return SimResponse(status: 503) }
            if request.path.hasPrefix("/v3/connect/"), refusals.withLock({ left in defer { left -= 1 }; return left > 0 }) {
                rancher.seen.withLock { $0.append(request) }
                return .json(503, ["type": "error", "status": 503, "message": "no Ready Linux control-plane node yet"], headers: [("Retry-After", "5")])
            }
            return rancher.answer(request, taints: taints)
        }
        let rancher = FakeRancher(token: token, caPEM: authority.certificatePEM, listener: listener)
        box.withLock { $0 = rancher }
        network.publish(host: host, loopbackPort: listener.port)
        return rancher
    }

    var requests: [SimRequest] { seen.withLock { $0 } }
    func node(_ name: String) -> JSONValue? { nodes.withLock { $0[name] } }
    func paths() -> [String] { requests.map { "\($0.method) \($0.path)" } }

    private func answer(_ request: SimRequest, taints: [String]) -> SimResponse {
        seen.withLock { $0.append(request) }
        let kubeConfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: agent
          cluster:
            server: https://\(Self.host)/k8s/clusters/\(Self.clusterID)
            certificate-authority-data: \(Data(caPEM.utf8).base64EncodedString())
        users:
        - name: agent
          user:
            token: kubeconfig-agent:\(token.prefix(6))
        contexts:
        - name: agent
          context: {cluster: agent, user: agent}
        current-context: agent
        """
        let registered = SimResponse.json(200, ["namespace": "fleet-default", "secretName": "custom-plan", "kubeConfig": .string(kubeConfig),
                                                "taints": .array(taints.map { .string($0) })])
        switch (request.method, request.path) {
        case ("GET", "/cacerts"): return SimResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Data(caPEM.utf8))
        case ("GET", "/v3/settings/cacerts"): return .json(200, ["value": .string(caPEM)])
        case ("GET", "/healthz"): return SimResponse(status: 200, body: Data("ok".utf8))
        case ("GET", "/system-agent-install.sh"):
            return SimResponse(status: 200, body: Data("#!/usr/bin/env sh\nSTRICT_VERIFY=\"false\"\nCATTLE_SERVER=https://\(Self.host)\n# install.sh body\n".utf8))
        case ("GET", "/wins-agent-install.ps1"):
            return SimResponse(status: 200, body: Data("$env:CATTLE_SERVER=\"https://\(Self.host)\"\n# install.ps1 body\n".utf8))
        case ("GET", "/v3/connect/agent"):
            // §C.4: no X-Cattle-Id or an unknown token ⇒ 401.
            guard request.headers["x-cattle-id"] != nil, request.headers["authorization"] == "Bearer \(token)" else {
                return .json(401, ["type": "error", "status": 401, "message": "unauthorized"])
            }
            return registered
        case ("GET", "/v3/connect/register"):
            guard request.headers["x-api-tunnel-token"] == token, request.headers["x-api-tunnel-params"] != nil else {
                return .json(401, ["type": "error", "status": 401, "message": "unauthorized"])
            }
            return registered
        case ("POST", "/k8s/clusters/\(Self.clusterID)/api/v1/nodes"):
            guard let node = try? JSONValue.parse(request.body), let name = node.at("metadata.name")?.string else { return SimResponse(status: 400) }
            nodes.withLock { $0[name] = node }
            return .json(201, node)
        case ("PATCH", let path) where path.hasPrefix("/k8s/clusters/\(Self.clusterID)/api/v1/nodes/") && path.hasSuffix("/status"):
            let name = path.split(separator: "/")[6]
            guard var node = nodes.withLock({ $0[String(name)] }), let patch = try? JSONValue.parse(request.body) else { return SimResponse(status: 404) }
            node.set("status.conditions", patch.at("status.conditions"))
            nodes.withLock { $0[String(name)] = node }
            return .json(200, node)
        default: return .json(404, ["message": "not found"])
        }
    }
}

/// A RancherHost that records what machines ask for.
final class RecordingRancherHost: RancherHost {
    private let asked = Mutex<[RancherInstallation]>([])
    var installations: [RancherInstallation] { asked.withLock { $0 } }
    func install(_ installation: RancherInstallation) async throws -> Int {
        asked.withLock { $0.append(installation) }
        return 4443
    }
}

/// An Azure simulator with machines on a manual clock at time scale 0 (every delay instant), its network and VMs.
struct MachineBed {
    let sim: SimHarness
    let machines: MachineSimulator
    let network: SimulatedNetwork
    let host: RecordingRancherHost
    let directory: URL

    static let quickDelays = MachineDelays(joinDeadline: 10, retryInterval: 5)

    /// With `trustRancherCA`, the machines' trust store holds the CA the fake Rancher will serve with.
    static func run(trustRancherCA: Bool = false, _ body: (MachineBed) async throws -> Void) async throws {
        let network = SimulatedNetwork()
        let host = RecordingRancherHost()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drover-machines-\(UUID().uuidString)")
        let roots = trustRancherCA ? [try CertificateAuthority.loadOrCreate(in: directory).certificatePEM] : []
        let machines = MachineSimulator(network: network, rancherHost: host, trustedRootsPEM: roots, delays: quickDelays)
        let sim = try await SimHarness.start(timeScale: 0, machines: machines)
        let bed = MachineBed(sim: sim, machines: machines, network: network, host: host, directory: directory)
        do {
            try await sim.createNetwork()
            try await body(bed)
        } catch {
            await machines.idle()
            await sim.shutdown()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        await machines.idle()
        await sim.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    func startRancher(token: String, taints: [String] = [], unavailable: Int = 0) async throws -> FakeRancher {
        try await FakeRancher.start(network: network, token: token, directory: directory, taints: taints, unavailable: unavailable)
    }

    /// Creates a Linux VM (and its NIC) with `customData` and lets it boot.
    func linuxVM(_ name: String, address: String, customData: String?) async throws {
        try await sim.put(sim.networkPath("networkInterfaces", "\(name)-nic"), SimHarness.network, sim.nicBody(address: address))
        var body = sim.linuxVMBody(nic: "\(name)-nic", customData: customData.map { Data($0.utf8).base64EncodedString() })
        body.set("properties.osProfile.computerName", .string(name))
        try await sim.put(sim.vmPath(name), SimHarness.compute, body)
        _ = try await sim.arm("GET", sim.vmPath(name), apiVersion: SimHarness.compute)
        await machines.idle()
    }

    /// Creates a Windows VM with `customData` and lets it boot.
    func windowsVM(_ name: String, address: String, sku: String = "2019-datacenter", customData: String?) async throws {
        try await sim.put(sim.networkPath("networkInterfaces", "\(name)-nic"), SimHarness.network, sim.nicBody(address: address))
        var body = sim.windowsVMBody(nic: "\(name)-nic")
        body.set("properties.osProfile.computerName", .string(name))
        body.set("properties.storageProfile.imageReference.sku", .string(sku))
        if let customData { body.set("properties.osProfile.customData", .string(Data(customData.utf8).base64EncodedString())) }
        try await sim.put(sim.vmPath(name), SimHarness.compute, body)
        _ = try await sim.arm("GET", sim.vmPath(name), apiVersion: SimHarness.compute)
        await machines.idle()
    }

    /// Runs `script` through the Linux CustomScript v2 extension (protectedSettings.script) and returns the
    /// extension with its instance view once the machine is done.
    func runLinuxScript(_ vm: String, _ script: String, name: String = "join") async throws -> SimHarness.Reply {
        let body: JSONValue = ["location": "eastus", "properties": [
            "publisher": "Microsoft.Azure.Extensions", "type": "CustomScript", "typeHandlerVersion": "2.1",
            "protectedSettings": ["script": .string(Data(script.utf8).base64EncodedString())],
        ]]
        return try await runExtension(vm, name: name, body: body)
    }

    func runExtension(_ vm: String, name: String, body: JSONValue) async throws -> SimHarness.Reply {
        let path = sim.vmPath(vm) + "/extensions/\(name)"
        let created = try await sim.arm("PUT", path, apiVersion: SimHarness.compute, body: body)
        #expect([200, 201].contains(created.status), "extension PUT: \(created.status) \(String(describing: created.body))")
        #expect(created.body?.at("properties.protectedSettings") == nil)
        await machines.idle()
        return try await sim.arm("GET", path, apiVersion: SimHarness.compute, query: "$expand=instanceView")
    }

    /// The machine's entry in `GET /_sim/machines`.
    func machine(_ name: String) async throws -> JSONValue? {
        let reply = try await sim.send("GET", url: sim.endpoints.armURL + "/_sim/machines")
        return reply.body?["machines"]?.array?.first { $0["hostName"]?.string == name }
    }

    func log(_ name: String) async throws -> [String] {
        try await machine(name)?["logTail"]?.array?.compactMap(\.string) ?? []
    }
}

extension SimHarness.Reply {
    var provisioningState: String? { body?.at("properties.provisioningState")?.string }
    var statusMessage: String? { body?.at("properties.instanceView.statuses")?.array?.first?["message"]?.string }
}

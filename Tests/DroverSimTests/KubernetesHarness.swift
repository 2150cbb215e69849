import DroverSim
import Foundation
import Testing

/// A standalone Kubernetes simulator on a manual clock, a temp folder for kubectl's kubeconfig and caches, and the
/// real kubectl (`DROVER_KUBECTL`, else `kubectl` on PATH).
struct KubeHarness {
    let simulator: KubernetesSimulator
    let endpoint: KubernetesSimulator.Endpoint
    let clock: ManualClock
    let directory: URL

    var cluster: KubernetesCluster { simulator.cluster }

    static func start() async throws -> KubeHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drover-kube-\(UUID().uuidString)")
        // Today, so that ages kubectl computes itself (describe's events) agree with the server's.
        let clock = ManualClock(start: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        let simulator = try KubernetesSimulator(directory: directory, clock: clock)
        let endpoint = try await simulator.start()
        return KubeHarness(simulator: simulator, endpoint: endpoint, clock: clock, directory: directory)
    }

    /// Runs `body` against a fresh simulator and stops it afterwards, whatever happens.
    static func with(_ body: (KubeHarness) async throws -> Void) async throws {
        let harness = try await start()
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    func stop() async {
        await simulator.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    struct Output: CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    /// The kubectl the tests run: `DROVER_KUBECTL` (a path), else `kubectl` found on PATH.
    static var kubectl: [String] {
        if let path = ProcessInfo.processInfo.environment["DROVER_KUBECTL"], !path.isEmpty { return [path] }
        return ["/usr/bin/env", "kubectl"]
    }

    /// Runs kubectl with this simulator's kubeconfig and a cache folder of its own (never ~/.kube).
    func kubectl(_ arguments: [String], stdin: String? = nil) async throws -> Output {
        let command = Self.kubectl + ["--kubeconfig", endpoint.kubeconfigPath, "--cache-dir", directory.appendingPathComponent("cache").path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path
        environment["KUBECONFIG"] = nil
        return try await Self.run(command, environment: environment, stdin: stdin)
    }

    /// Runs kubectl and, once it watches `resource`, `drive` (e.g. the kubelet turning Ready); answers kubectl's output.
    /// If kubectl ends without ever watching, `drive` does not run and its output says why.
    func kubectl(_ arguments: [String], whileWatching resource: String, drive: () async throws -> Void) async throws -> Output {
        let cluster = self.cluster
        let run = Task {
            defer { Task { await cluster.releaseWatchWaiters() } }
            return try await kubectl(arguments)
        }
        if await cluster.waitForWatch(on: resource) { try await drive() }
        return try await run.value
    }

    /// Writes `text` to a file in the test folder and returns its path (for `apply -f`).
    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func run(_ command: [String], environment: [String: String], stdin: String?) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: command[0])
                process.arguments = Array(command.dropFirst())
                process.environment = environment
                let out = Pipe(), err = Pipe(), input = Pipe()
                process.standardOutput = out
                process.standardError = err
                process.standardInput = input
                do { try process.run() } catch { continuation.resume(throwing: error); return }
                if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
                try? input.fileHandleForWriting.close()
                let group = DispatchGroup()
                nonisolated(unsafe) var errData = Data()
                group.enter()
                DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                group.wait()
                process.waitUntilExit()
                continuation.resume(returning: Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                                                      stderr: String(decoding: errData, as: UTF8.self)))
            }
        }
    }

    // MARK: Talking to the API as the kubelet and the tests do

    /// One request straight to the cluster (what the Rancher proxy or a simulated kubelet sends).
    func send(_ method: String, _ path: String, _ body: JSONValue? = nil, contentType: String = "application/json",
              query: [String: String] = [:]) async -> (status: Int, body: JSONValue) {
        let request = SimRequest(method: method, path: path, query: query,
                                 headers: ["content-type": contentType, "user-agent": "kubelet/v1.31.9 (linux/amd64)"],
                                 body: body?.encoded() ?? Data())
        let response = await cluster.handle(request)
        return (response.status, (try? JSONValue.parse(response.body)) ?? .null)
    }

    /// Registers a node as its kubelet does (`POST /api/v1/nodes`), returning the stored object.
    @discardableResult
    func register(_ node: KubeNodeFixture) async throws -> JSONValue {
        let answer = await send("POST", "/api/v1/nodes", node.object)
        try #require(answer.status == 201, "registering \(node.name): \(answer.body)")
        return answer.body
    }

    /// The kubelet's status update turning the node Ready or NotReady (`PATCH …/status`, strategic merge).
    func setReady(_ name: String, _ ready: Bool) async throws {
        let condition: JSONValue = ["type": "Ready", "status": ready ? "True" : "False",
                                    "reason": ready ? "KubeletReady" : "KubeletNotReady",
                                    "message": ready ? "kubelet is posting ready status" : "container runtime network not ready",
                                    "lastHeartbeatTime": .string(Self.timestamp(clock.now())),
                                    "lastTransitionTime": .string(Self.timestamp(clock.now()))]
        let answer = await send("PATCH", "/api/v1/nodes/\(name)/status", ["status": ["conditions": [condition]]],
                                contentType: "application/strategic-merge-patch+json")
        try #require(answer.status == 200, "status of \(name): \(answer.body)")
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// Node objects as the kubelets of kube-and-rancher-wire.md §D register them.
struct KubeNodeFixture {
    let name: String
    let object: JSONValue

    static func linux(_ name: String, roles: [String] = ["control-plane", "etcd", "master", "worker"], ip: String = "10.0.0.4",
                      ready: Bool = true, taints: [JSONValue] = []) -> KubeNodeFixture {
        var labels: [String: JSONValue] = base(name, os: "linux")
        for role in roles { labels["node-role.kubernetes.io/\(role)"] = "true" }
        return make(name, labels: labels, ip: ip, ready: ready, taints: taints, info: [
            "operatingSystem": "linux", "architecture": "amd64", "osImage": "Ubuntu 22.04.4 LTS",
            "kernelVersion": "5.15.0-105-generic", "containerRuntimeVersion": "containerd://1.7.27-k3s1",
            "kubeletVersion": "v1.31.9+rke2r1", "kubeProxyVersion": "", "machineID": .string("m-\(name)"), "systemUUID": .string("u-\(name)"), "bootID": .string("b-\(name)")])
    }

    static func windows(_ name: String, build: String, ip: String, ready: Bool = true) -> KubeNodeFixture {
        var labels: [String: JSONValue] = base(name, os: "windows")
        labels["node.kubernetes.io/windows-build"] = .string(build)
        labels["node-role.kubernetes.io/worker"] = "true"
        let (image, kernel) = build == "10.0.17763" ? ("Windows Server 2019 Datacenter", "10.0.17763.6054") : ("Windows Server 2022 Datacenter", "10.0.20348.2582")
        return make(name, labels: labels, ip: ip, ready: ready, taints: [], info: [
            "operatingSystem": "windows", "architecture": "amd64", "osImage": .string(image), "kernelVersion": .string(kernel),
            "containerRuntimeVersion": "containerd://1.7.27", "kubeletVersion": "v1.31.9", "kubeProxyVersion": "",
            "machineID": .string("m-\(name)"), "systemUUID": .string("u-\(name)"), "bootID": .string("b-\(name)")])
    }

    private static func base(_ name: String, os: String) -> [String: JSONValue] {
        ["kubernetes.io/os": .string(os), "beta.kubernetes.io/os": .string(os), "kubernetes.io/arch": "amd64",
         "beta.kubernetes.io/arch": "amd64", "kubernetes.io/hostname": .string(name), "node.kubernetes.io/instance-type": "rke2",
         "cattle.io/os": .string(os)]
    }

    private static func make(_ name: String, labels: [String: JSONValue], ip: String, ready: Bool, taints: [JSONValue], info: JSONValue) -> KubeNodeFixture {
        let condition: JSONValue = ["type": "Ready", "status": ready ? "True" : "False", "reason": ready ? "KubeletReady" : "KubeletNotReady",
                                    "message": ready ? "kubelet is posting ready status" : "container runtime network not ready",
                                    "lastHeartbeatTime": "2027-01-15T08:00:00Z", "lastTransitionTime": "2027-01-15T08:00:00Z"]
        var spec: JSONValue = ["podCIDR": .string("10.42.\(ip.split(separator: ".").last ?? "0").0/24"), "providerID": .string("rke2://\(name)")]
        if !taints.isEmpty { spec["taints"] = .array(taints) }
        return KubeNodeFixture(name: name, object: [
            "apiVersion": "v1", "kind": "Node", "metadata": ["name": .string(name), "labels": .object(labels)], "spec": spec,
            "status": ["conditions": [condition], "addresses": [["type": "InternalIP", "address": .string(ip)], ["type": "Hostname", "address": .string(name)]],
                       "nodeInfo": info, "capacity": ["cpu": "4", "memory": "16374584Ki", "pods": "110"],
                       "allocatable": ["cpu": "4", "memory": "16272184Ki", "pods": "110"]],
        ])
    }
}

import AsyncHTTPClient
import DroverSim
import Foundation
import NIOCore
import NIOSSL
import Synchronization
import Testing

/// A started Rancher simulator on a manual clock, reached by its public host name over real TLS (the name resolved
/// to 127.0.0.1, as curl's --connect-to does) with a client that trusts only the CA the simulator was given.
struct RancherHarness {
    static let hostname = "rancher-x.eastus2.cloudapp.azure.com"

    let simulator: RancherSimulator
    let endpoints: RancherSimulatorEndpoints
    let client: HTTPClient
    let clock: ManualClock
    let directory: URL
    let clusters: FakeDownstreams

    /// Starts a simulator of `version` in a fresh folder (or `directory`, to restart one).
    static func start(version: String, bootstrapPassword: String? = "bootstrap-password-1",
                      tls: RancherSimulatorConfiguration.TLS = .rancherGenerated, trust: String? = nil,
                      clock: ManualClock = ManualClock(), startupUnavailable: TimeInterval = 0, directory: URL? = nil,
                      clusters: FakeDownstreams = FakeDownstreams()) async throws -> RancherHarness {
        let folder = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("drover-rancher-\(UUID().uuidString)")
        let configuration = RancherSimulatorConfiguration(
            directory: folder, version: try #require(RancherVersion(version)), hostname: hostname, bootstrapPassword: bootstrapPassword,
            tls: tls, clock: clock, timeScale: 1, startupUnavailable: startupUnavailable,
            downstreamFactory: clusters.factory)
        let simulator = try RancherSimulator(configuration: configuration)
        let endpoints = try await simulator.start()
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        let trusted = try #require(trust ?? endpoints.caPEM)
        tlsConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(trusted.utf8)))
        var http = HTTPClient.Configuration(tlsConfiguration: tlsConfiguration)
        http.dnsOverride = [hostname: "127.0.0.1"]
        return RancherHarness(simulator: simulator, endpoints: endpoints,
                              client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: http),
                              clock: clock, directory: folder, clusters: clusters)
    }

    /// Runs `body` against a fresh simulator and always stops it.
    static func run<T>(version: String, bootstrapPassword: String? = "bootstrap-password-1",
                       tls: RancherSimulatorConfiguration.TLS = .rancherGenerated, trust: String? = nil,
                       startupUnavailable: TimeInterval = 0, _ body: (RancherHarness) async throws -> T) async throws -> T {
        let harness = try await start(version: version, bootstrapPassword: bootstrapPassword, tls: tls, trust: trust,
                                      startupUnavailable: startupUnavailable)
        do {
            let result = try await body(harness)
            await harness.shutdown()
            return result
        } catch {
            await harness.shutdown()
            throw error
        }
    }

    /// Stops the client and the simulator; removes the folder unless `keep`.
    func shutdown(keep: Bool = false) async {
        try? await client.shutdown()
        await simulator.stop()
        if !keep { try? FileManager.default.removeItem(at: directory) }
    }

    var base: String { "https://\(Self.hostname):\(endpoints.port)" }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var text: String
        var json: JSONValue? { try? JSONValue.parse(Data(text.utf8)) }
        var code: String? { json?["code"]?.string }
        var message: String { json?["message"]?.string ?? text }
    }

    /// One HTTPS request; `token` goes as a bearer.
    func send(_ method: String, _ path: String, body: JSONValue? = nil, token: String? = nil,
              headers: [String: String] = [:]) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = .RAW(value: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body.encoded()))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let data = Data(buffer: try await response.body.collect(upTo: 8 << 20))
        var names: [String: String] = [:]
        for (name, value) in response.headers { names[name.lowercased()] = value }
        return Reply(status: Int(response.status.code), headers: names, text: String(decoding: data, as: UTF8.self))
    }

    /// Logs in as admin on `/v3-public` and returns the whole token string.
    func login(password: String) async throws -> String {
        let reply = try await send("POST", "/v3-public/localProviders/local?action=login",
                                   body: ["username": "admin", "password": .string(password), "responseType": "json"])
        #expect(reply.status == 201, "login: \(reply.status) \(reply.text)")
        return try #require(reply.json?["token"]?.string)
    }

    /// Sets `server-url` to the public URL (what every client does before reading commands).
    func setServerURL(token: String) async throws {
        let reply = try await send("PUT", "/v3/settings/server-url", body: ["value": .string("https://\(Self.hostname)")], token: token)
        #expect(reply.status == 200)
    }

    /// Creates an RKE2 custom cluster and waits (on the manual clock) for its management id.
    func createRKE2Cluster(_ name: String, cni: String? = "calico", token: String) async throws -> String {
        var spec: JSONValue = ["kubernetesVersion": "v1.31.9+rke2r1", "rkeConfig": ["machineGlobalConfig": [:]]]
        if let cni { spec.set("rkeConfig.machineGlobalConfig.cni", .string(cni)) }
        let created = try await send("POST", "/v1/provisioning.cattle.io.clusters", body: [
            "type": "provisioning.cattle.io.cluster", "metadata": ["name": .string(name), "namespace": "fleet-default"], "spec": spec],
            token: token)
        #expect(created.status == 201, "\(created.text)")
        clock.advance(by: 10)
        let read = try await send("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/\(name)", token: token)
        return try #require(read.json?.at("status.clusterName")?.string)
    }

    /// The registration token of a 2.6+ cluster (made by the controller).
    func registrationToken(_ clusterId: String, token: String) async throws -> JSONValue {
        let reply = try await send("GET", "/v3/clusterregistrationtokens/\(clusterId):default-token", token: token)
        #expect(reply.status == 200, "\(reply.text)")
        return try #require(reply.json)
    }
}

/// A test Kubernetes API standing in for the Kubernetes simulator: it reports the nodes a test sets, records what
/// the proxy forwarded and whether it was torn down.
final class FakeDownstream: DownstreamCluster, Sendable {
    let id: String
    private let state = Mutex<(nodes: [DownstreamNodeSummary], paths: [String], tornDown: Bool)>(([], [], false))

    init(id: String) { self.id = id }

    func handle(_ request: SimRequest) async -> SimResponse {
        state.withLock { $0.paths.append(request.path) }
        let sawAuthorization = request.headers["authorization"] != nil
        return .json(200, ["kind": "NodeList", "apiVersion": "v1", "path": .string(request.path), "authorizationForwarded": .bool(sawAuthorization)])
    }

    func nodeSummaries() async -> [DownstreamNodeSummary] { state.withLock { $0.nodes } }

    func tearDown() async { state.withLock { $0.tornDown = true } }

    func setNodes(_ nodes: [DownstreamNodeSummary]) { state.withLock { $0.nodes = nodes } }
    var paths: [String] { state.withLock { $0.paths } }
    var tornDown: Bool { state.withLock { $0.tornDown } }
}

/// The factory handed to the simulator, keeping every cluster it built by id.
final class FakeDownstreams: Sendable {
    private let built = Mutex<[String: FakeDownstream]>([:])

    var factory: DownstreamClusterFactory {
        { [self] id, _, _ in
            built.withLock { clusters in
                if let existing = clusters[id] { return existing }
                let cluster = FakeDownstream(id: id)
                clusters[id] = cluster
                return cluster
            }
        }
    }

    subscript(id: String) -> FakeDownstream? { built.withLock { $0[id] } }
}

extension DownstreamNodeSummary {
    static func linux(_ name: String, ready: Bool = true) -> DownstreamNodeSummary {
        DownstreamNodeSummary(name: name, os: "linux", roles: ["etcd", "controlplane", "worker"], ready: ready)
    }

    static func windows(_ name: String, ready: Bool = true) -> DownstreamNodeSummary {
        DownstreamNodeSummary(name: name, os: "windows", roles: ["worker"], ready: ready)
    }
}

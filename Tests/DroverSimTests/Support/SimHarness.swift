import AsyncHTTPClient
import DroverSim
import Foundation
import NIOCore
import NIOSSL
import Testing

/// A started simulator on a manual clock plus a real HTTPS client that trusts only the simulator's CA.
struct SimHarness {
    let simulator: AzureSimulator
    let endpoints: AzureSimulatorEndpoints
    let client: HTTPClient
    let clock: ManualClock
    let directory: URL

    /// api-versions of the bundled definitions (openapi/README.md).
    static let resources = "2021-04-01"
    static let network = "2024-03-01"
    static let compute = "2024-07-01"
    static let authorization = "2022-04-01"

    static func start(directory: URL? = nil, clock: ManualClock = ManualClock(), faults: FaultPlan = .none,
                      throttling: ThrottleBudget? = ThrottleBudget(), refuseBasicSku: Bool = true,
                      requestLogFile: URL? = nil, seed: UInt64 = 7, timeScale: Double = 1,
                      machines: MachineSimulator? = nil) async throws -> SimHarness {
        let folder = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("drover-sim-\(UUID().uuidString)")
        let configuration = AzureSimulatorConfiguration(
            directory: folder, timeScale: timeScale, faults: faults, seed: seed, throttling: throttling, clock: clock,
            requestLogFile: requestLogFile, refuseBasicSku: refuseBasicSku, machines: machines)
        let simulator = try AzureSimulator(configuration: configuration)
        let endpoints = try await simulator.start()
        return SimHarness(simulator: simulator, endpoints: endpoints, client: try makeClient(caFile: endpoints.caFile), clock: clock, directory: folder)
    }

    /// An HTTPS client that trusts only the simulator's CA (so a wrong certificate fails the test).
    static func makeClient(caFile: String) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
    }

    /// Stops the simulator and the client; removes the folder unless `keep`.
    func shutdown(keep: Bool = false) async {
        try? await client.shutdown()
        await simulator.stop()
        if !keep { try? FileManager.default.removeItem(at: directory) }
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: JSONValue?

        var errorCode: String? { body?.at("error.code")?.string }
        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// One HTTPS request to a full URL.
    func send(_ method: String, url: String, headers: [String: String] = [:], body: Data? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .RAW(value: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let data = Data(buffer: try await response.body.collect(upTo: 16 << 20))
        var names: [String: String] = [:]
        for (name, value) in response.headers { names[name.lowercased()] = value }
        return Reply(status: Int(response.status.code), headers: names, body: data.isEmpty ? nil : try? JSONValue.parse(data))
    }

    /// A client-credentials token from the simulator's token endpoint (azure-api.md §1.1).
    func token(scope: String = "https://management.azure.com/.default", clientId: String? = nil, secret: String? = nil) async throws -> Reply {
        let form = [("grant_type", "client_credentials"), ("client_id", clientId ?? endpoints.clientId),
                    ("client_secret", secret ?? endpoints.clientSecret), ("scope", scope)]
            .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
        return try await send("POST", url: "\(endpoints.loginURL)/\(endpoints.tenantId)/oauth2/v2.0/token",
                              headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(form.utf8))
    }

    func bearer(scope: String = "https://management.azure.com/.default") async throws -> String {
        let reply = try await token(scope: scope)
        return try #require(reply.body?["access_token"]?.string, "token request failed: \(reply.status) \(String(describing: reply.body))")
    }

    /// An ARM request to `path` (relative to the subscription when it does not start with `/`).
    func arm(_ method: String, _ path: String, apiVersion: String?, body: JSONValue? = nil, token: String? = nil,
             query: String = "") async throws -> Reply {
        let bearer: String = if let token { token } else { try await self.bearer() }
        let full = path.hasPrefix("/") ? path : "/subscriptions/\(endpoints.subscriptionId)/\(path)"
        var parts: [String] = []
        if let apiVersion { parts.append("api-version=\(apiVersion)") }
        if !query.isEmpty { parts.append(query) }
        return try await send(method, url: endpoints.armURL + full + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&")),
                              headers: ["Authorization": "Bearer \(bearer)", "Content-Type": "application/json"],
                              body: body.map { $0.encoded() })
    }

    /// A Microsoft Graph v1.0 request.
    func graph(_ method: String, _ path: String, body: JSONValue? = nil, token: String? = nil) async throws -> Reply {
        let bearer: String = if let token { token } else { try await self.bearer(scope: "https://graph.microsoft.com/.default") }
        return try await send(method, url: "\(endpoints.graphURL)/v1.0\(path)",
                              headers: ["Authorization": "Bearer \(bearer)", "Content-Type": "application/json"],
                              body: body.map { $0.encoded() })
    }

    /// Polls a URL the simulator gave (Azure-AsyncOperation or Location) once.
    func poll(_ url: String, token: String? = nil) async throws -> Reply {
        let bearer: String = if let token { token } else { try await self.bearer() }
        return try await send("GET", url: url, headers: ["Authorization": "Bearer \(bearer)"])
    }

    var group: String { "resourceGroups/rg1" }

    func networkPath(_ type: String, _ name: String, group: String = "rg1") -> String {
        "resourceGroups/\(group)/providers/Microsoft.Network/\(type)/\(name)"
    }

    func id(_ relative: String) -> String { "/subscriptions/\(endpoints.subscriptionId)/\(relative)" }

    /// Creates resource group `name` in eastus.
    @discardableResult
    func createGroup(_ name: String = "rg1", token: String? = nil) async throws -> Reply {
        try await arm("PUT", "resourcegroups/\(name)", apiVersion: Self.resources, body: ["location": "eastus"], token: token)
    }
}

extension SimHarness {
    /// Runs `body` against a fresh simulator and always stops it afterwards.
    static func run<T>(clock: ManualClock = ManualClock(), faults: FaultPlan = .none, throttling: ThrottleBudget? = ThrottleBudget(),
                       refuseBasicSku: Bool = true, requestLogFile: URL? = nil,
                       _ body: (SimHarness) async throws -> T) async throws -> T {
        let sim = try await start(clock: clock, faults: faults, throttling: throttling, refuseBasicSku: refuseBasicSku,
                                  requestLogFile: requestLogFile ?? SimHarness.sharedLogFile)
        do {
            let result = try await body(sim)
            await sim.shutdown()
            return result
        } catch {
            await sim.shutdown()
            throw error
        }
    }

    /// With DROVER_SIM_TEST_LOG set, every test's traffic is appended to that JSON-lines file, for
    /// `scripts/checks/swagger-validate.py` over the whole suite.
    static let sharedLogFile: URL? = ProcessInfo.processInfo.environment["DROVER_SIM_TEST_LOG"].map { URL(fileURLWithPath: $0) }
}

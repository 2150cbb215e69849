import Foundation

/// A simulated Azure (Entra ID token endpoint, ARM, Microsoft Graph) over TLS on 127.0.0.1, built from Microsoft's
/// reference and official definitions; its world lives in a folder and outlives the process.
public final class AzureSimulator: Sendable {
    /// What the simulator was started with.
    public let configuration: AzureSimulatorConfiguration
    /// Every exchange so far (secrets redacted).
    public let requestLog: RequestLog
    let cloud: AzureCloud
    private let state = SimulatorListeners()

    /// Opens (or creates) the world in `configuration.directory`.
    public init(configuration: AzureSimulatorConfiguration) throws {
        self.configuration = configuration
        try FileManager.default.createDirectory(at: configuration.directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        requestLog = try RequestLog(file: configuration.requestLogFile)
        cloud = try AzureCloud(configuration: configuration, library: .bundled, log: requestLog)
        configuration.machines?.attach(host: cloud, clock: configuration.clock, timeScale: configuration.timeScale)
    }

    /// Starts the login, ARM and Graph listeners (separate ports so each keeps Azure's own paths).
    @discardableResult
    public func start() async throws -> AzureSimulatorEndpoints {
        let authority = try CertificateAuthority.loadOrCreate(in: configuration.directory)
        let leaf = try authority.issueServerCertificate(hostnames: configuration.hostnames)
        let cloud = self.cloud
        // A restarted simulator takes its previous ports again when it can, so operation URLs a client holds as
        // resume tokens still reach it.
        let portsFile = configuration.directory.appendingPathComponent("ports.json")
        let previous = (try? Data(contentsOf: portsFile)).flatMap { try? JSONDecoder().decode([String: Int].self, from: $0) } ?? [:]
        func listener(_ name: String, _ port: Int) async throws -> HTTPSListener {
            func start(_ port: Int) async throws -> HTTPSListener {
                try await HTTPSListener.start(name: name, port: port, certificatePEM: leaf.certificatePEM, keyPEM: leaf.keyPEM) { request in
                    await cloud.handle(service: name, request: request)
                }
            }
            if port != 0 { return try await start(port) }
            if let earlier = previous[name], earlier > 0, let listener = try? await start(earlier) { return listener }
            return try await start(0)
        }
        let login = try await listener("login", configuration.ports.login)
        let arm = try await listener("arm", configuration.ports.arm)
        let graph = try await listener("graph", configuration.ports.graph)
        await state.set([login, arm, graph])
        try AtomicFile.write(try JSONEncoder().encode(["login": login.port, "arm": arm.port, "graph": graph.port]), to: portsFile)
        let urls = AzureCloud.ServiceURLs(login: "https://127.0.0.1:\(login.port)", arm: "https://127.0.0.1:\(arm.port)",
                                          graph: "https://127.0.0.1:\(graph.port)")
        await cloud.setURLs(urls)
        let world = await cloud.world
        return AzureSimulatorEndpoints(
            armHost: "127.0.0.1:\(arm.port)", armURL: urls.arm, loginURL: urls.login, graphURL: urls.graph,
            tenantId: world.tenantId, subscriptionId: world.subscriptionId,
            clientId: world.bootstrapClientId, clientSecret: world.bootstrapClientSecret,
            caFile: authority.certificatePath.path, inventoryURL: urls.arm + "/_sim/inventory")
    }

    /// Every object the simulator holds (the same JSON as the inventory endpoint).
    public func inventory() async -> JSONValue {
        await cloud.inventoryNow()
    }

    /// Stops the listeners; the world stays on disk.
    public func stop() async {
        for listener in await state.take() { await listener.stop() }
        await cloud.persist()
    }
}

/// The running listeners of a simulator.
actor SimulatorListeners {
    private var listeners: [HTTPSListener] = []
    func set(_ value: [HTTPSListener]) { listeners = value }
    func take() -> [HTTPSListener] {
        defer { listeners = [] }
        return listeners
    }
}

extension AzureCloud {
    func inventoryNow() -> JSONValue {
        settle()
        return inventory()
    }

    func persist() { try? save() }
}

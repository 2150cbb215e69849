import Foundation

/// The simulated Rancher server: one actor holding the world and answering every request in turn.
actor RancherServer {
    let configuration: RancherSimulatorConfiguration
    var world: RancherWorld
    /// The `cacerts` value the TLS configuration implies (rancher-api.md §6.1).
    let caCertificates: String
    /// The Kubernetes API behind each cluster id (not persisted: rebuilt from the factory on start).
    var downstream: [String: any DownstreamCluster] = [:]
    private let worldFile: URL
    private var startedAt: Date

    /// The admin password a fresh server accepts (rancher-api.md §1.2: `admin`; §1.3: the bootstrap password).
    let initialPassword: String

    init(configuration: RancherSimulatorConfiguration, caCertificates: String) throws {
        self.configuration = configuration
        self.caCertificates = caCertificates
        worldFile = configuration.directory.appendingPathComponent("world.json")
        let start = configuration.clock.now()
        startedAt = start
        var loaded: RancherWorld
        if let data = try? Data(contentsOf: worldFile) {
            do {
                loaded = try JSONDecoder.sim.decode(RancherWorld.self, from: data)
            } catch {
                throw SimulatorError.corruptState(path: worldFile.path, reason: "cannot decode the Rancher world (\(error))")
            }
            initialPassword = configuration.version.usesBootstrapPassword
                ? configuration.bootstrapPassword ?? loaded.generatedBootstrapPassword ?? "" : "admin"
        } else {
            var random = SeededGenerator(seed: configuration.seed)
            let password = Self.initialPassword(configuration, random: &random)
            initialPassword = password
            loaded = Self.freshWorld(configuration, initialPassword: password, random: random, now: start)
        }
        // The world keeps the release it was made with; the CA follows the TLS configuration.
        if loaded.settings["cacerts"] != nil { loaded.settings["cacerts"] = caCertificates }
        world = loaded
        try AtomicFile.write(try JSONEncoder.sim.encode(loaded), to: worldFile)
    }

    /// 2.3: admin/admin; 2.6+: the chart's bootstrap password, or a generated one Rancher prints in its log
    /// (rancher-api.md §1.3).
    private static func initialPassword(_ configuration: RancherSimulatorConfiguration, random: inout SeededGenerator) -> String {
        guard configuration.version.usesBootstrapPassword else { return "admin" }
        return configuration.bootstrapPassword ?? RancherSecrets.draw(&random, RancherSecrets.tokenAlphabet, 54)
    }

    /// A new server: the admin user and Rancher's own `local` cluster.
    private static func freshWorld(_ configuration: RancherSimulatorConfiguration, initialPassword: String,
                                   random: SeededGenerator, now: Date) -> RancherWorld {
        var world = RancherWorld(version: configuration.version, random: random,
                                 settings: RancherSettings.defaults(for: configuration.version))
        let generated = configuration.version.usesBootstrapPassword && configuration.bootstrapPassword == nil
        // A generated password lives in the `bootstrap-secret` Secret, in clear (rancher-api.md §1.3).
        if generated { world.generatedBootstrapPassword = initialPassword }
        let salt = RancherSecrets.draw(&world.random, RancherSecrets.nameAlphabet, 16)
        // role_data.go: "admin", "Default Admin", MustChangePassword true; bootstrap_password.go:
        // must change when the password was generated or is "admin" (rancher-api.md §1.2, §1.3).
        let user = RancherUser(id: "user-" + RancherSecrets.draw(&world.random, RancherSecrets.nameAlphabet, 5),
                               username: "admin", displayName: "Default Admin",
                               passwordHash: RancherSecrets.hash(initialPassword, salt: salt), salt: salt,
                               mustChangePassword: generated || initialPassword == "admin", created: now)
        world.users[user.id] = user
        // Rancher's own cluster, `local`, active from the start (rancher-api.md §1.1, TF waitForRancherLocalActive).
        world.clusters["local"] = ManagementCluster(
            id: "local", name: "local", description: "Rancher's own cluster", distribution: "local",
            body: ["internal": true, "driver": "imported"], created: now, visibleAt: now, firstReadyAt: now,
            agentToken: RancherSecrets.draw(&world.random, RancherSecrets.tokenAlphabet, 64))
        return world
    }

    /// Builds the Kubernetes API of every known cluster.
    func attachDownstream() {
        guard let factory = configuration.downstreamFactory else { return }
        for cluster in world.clusters.values where downstream[cluster.id] == nil {
            downstream[cluster.id] = factory(cluster.id, cluster.name, cluster.distribution == "local" ? "rke2" : cluster.distribution)
        }
    }

    func markStarted() { startedAt = configuration.clock.now() }

    var now: Date { configuration.clock.now() }

    func scaled(_ seconds: TimeInterval) -> TimeInterval { configuration.timeScale.scaled(seconds) }

    func save() throws { try AtomicFile.write(try JSONEncoder.sim.encode(world), to: worldFile) }

    func draw(_ length: Int, _ alphabet: [Character] = RancherSecrets.nameAlphabet) -> String {
        RancherSecrets.draw(&world.random, alphabet, length)
    }

    /// Makes a token and returns it with its secret (shown once, rancher-api.md §1.2 step 4).
    @discardableResult
    func newToken(userId: String, description: String, ttl: Int64, isLogin: Bool = false, name: String? = nil) -> (name: String, secret: String) {
        let tokenName = name ?? "token-" + draw(5)
        let secret = draw(54, RancherSecrets.tokenAlphabet)
        world.tokens[tokenName] = RancherToken(name: tokenName, userId: userId, secretHash: RancherSecrets.hash(secret),
                                               description: description, ttl: ttl, created: now, isLogin: isLogin)
        return (tokenName, secret)
    }

    /// A new cluster's agent (ServiceAccount) bearer token.
    func newAgentToken() -> String { draw(64, RancherSecrets.tokenAlphabet) }

    // MARK: Requests

    /// Answers one request; the world is saved after every change.
    func handle(_ request: SimRequest) async -> SimResponse {
        if now < startedAt.addingTimeInterval(scaled(configuration.startupUnavailable)) { return RancherError.starting() }
        let response = await route(request)
        if request.method != "GET" { try? save() }
        return response
    }

    private func route(_ request: SimRequest) async -> SimResponse {
        let path = request.path
        switch (request.method, path) {
        // rancher-api.md §1.1: /ping answers exactly "pong", /healthz 200, both unauthenticated.
        case ("GET", "/ping"): return RancherError.text(200, "pong")
        case ("GET", "/healthz"): return RancherError.text(200, "ok")
        case ("GET", "/cacerts"), ("GET", "/system-agent-install.sh"), ("GET", "/wins-agent-install.ps1"),
             ("GET", "/v3/connect/agent"), ("GET", "/v3/connect/register"):
            return await agentEndpoint(request)
        case ("POST", "/v1-public/login"): return v1PublicLogin(request)
        case ("POST", "/v3-public/localProviders/local"): return v3PublicLogin(request)
        default: break
        }
        if path.hasPrefix("/k8s/clusters/") { return await proxy(request) }
        if request.method == "GET", let name = path.split(separator: "/").dropFirst(2).first.map(String.init),
           path.hasPrefix("/v3/settings/"), RancherSettings.anonymous.contains(name) {
            return settingsRequest(request, caller: nil)
        }
        guard path.hasPrefix("/v3/") || path == "/v3" || path.hasPrefix("/v1/") else { return RancherError.routeNotFound() }
        let caller: Caller
        switch authenticate(request) {
        case .success(let found): caller = found
        case .failure(let refusal):
            return path.hasPrefix("/v1/") ? RancherError.steve(401, "Unauthorized", refusal.message)
                : RancherError.norman(401, "Unauthorized", refusal.message)
        }
        let segments = path.split(separator: "/").map(String.init)
        switch (segments.first, segments.dropFirst().first) {
        case ("v3", "users"): return usersRequest(request, caller: caller, segments: segments)
        case ("v3", "tokens"): return tokensRequest(request, caller: caller, segments: segments)
        case ("v3", "settings"): return settingsRequest(request, caller: caller)
        case ("v3", "clusters"): return await clustersRequest(request, caller: caller, segments: segments)
        case ("v3", "clusterregistrationtokens"): return registrationTokensRequest(request, segments: segments)
        case ("v3", "nodes"): return await nodesRequest(request)
        case ("v1", "provisioning.cattle.io.clusters") where configuration.version.hasProvisioningV2:
            return await provisioningRequest(request, segments: segments)
        case ("v1", "cluster.x-k8s.io.machines") where configuration.version.hasProvisioningV2:
            return await machinesRequest(request, segments: segments)
        case ("v1", _): return RancherError.steve(404, "NotFound", "schema \(segments.dropFirst().first ?? "") not found")
        default: return RancherError.norman(404, "NotFound", "Not Found")
        }
    }

    /// The base URL links and commands name: `server-url`, or the request's own host (rancher-api.md §7 item 4).
    func baseURL(_ request: SimRequest) -> String {
        if let url = world.settings["server-url"], !url.isEmpty { return url }
        return "https://" + (request.headers["host"] ?? configuration.hostname)
    }
}

/// Who is calling: the user and the token they presented.
struct Caller: Sendable {
    var user: RancherUser
    var token: RancherToken
}

/// Why a request carries no usable credential.
struct AuthRefusal: Error {
    var message: String
}

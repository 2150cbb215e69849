import Foundation

/// How an `AzureSimulator` behaves.
public struct AzureSimulatorConfiguration: Sendable {
    /// The folder holding the world (`world.json`), the CA and, if asked, the request log. Created 0700.
    public var directory: URL
    /// Multiplies every simulated duration (0.01 = a hundred times faster than Azure; 0 = instant).
    public var timeScale: TimeScale
    /// Deliberate failures.
    public var faults: FaultPlan
    /// Seed of the world's identifiers (first start only) and of the fault plan.
    public var seed: UInt64
    /// Durations per operation, in Azure seconds, before `timeScale`.
    public var latency: LatencyModel
    /// Per-subscription request budgets, refilled on the clock (scaled like every duration).
    public var throttling: ThrottleBudget?
    /// The clock; `WallClock` when serving, `ManualClock` in tests.
    public var clock: any SimClock
    /// Extra hostnames the TLS certificate names (besides 127.0.0.1 and localhost).
    public var hostnames: [String]
    /// Append every exchange to this JSON-lines file (secrets redacted).
    public var requestLogFile: URL?
    /// Lifetime of issued access tokens, real seconds (azure-api.md §1.1: `expires_in` 3599).
    public var tokenLifetime: TimeInterval
    /// Refuse Basic-SKU public IPs and load balancers as Azure does since 2025-03-31 (azure-api.md §11.1).
    /// Off only to replay Microsoft's historical examples.
    public var refuseBasicSku: Bool
    /// Fixed ports for (login, arm, graph); 0 = any free port.
    public var ports: (login: Int, arm: Int, graph: Int)
    /// Simulated machines: VMs boot their custom data and run their extensions' scripts; nil = VMs only provision.
    public var machines: MachineSimulator?

    /// Creates a configuration; everything but the folder has a default.
    public init(directory: URL, timeScale: Double = 1, faults: FaultPlan = .none, seed: UInt64 = 1,
                latency: LatencyModel = LatencyModel(), throttling: ThrottleBudget? = ThrottleBudget(),
                clock: any SimClock = WallClock(), hostnames: [String] = [], requestLogFile: URL? = nil,
                tokenLifetime: TimeInterval = 3599, refuseBasicSku: Bool = true, ports: (login: Int, arm: Int, graph: Int) = (0, 0, 0),
                machines: MachineSimulator? = nil) {
        self.directory = directory
        self.timeScale = TimeScale(timeScale)
        self.faults = faults
        self.seed = seed
        self.latency = latency
        self.throttling = throttling
        self.clock = clock
        self.hostnames = hostnames
        self.requestLogFile = requestLogFile
        self.tokenLifetime = tokenLifetime
        self.refuseBasicSku = refuseBasicSku
        self.ports = ports
        self.machines = machines
    }
}

/// Everything a client needs to reach a running simulator.
public struct AzureSimulatorEndpoints: Sendable, Codable, Equatable {
    /// ARM `host:port` (what `ARM_METADATA_HOSTNAME` names); its `/metadata/endpoints` names the rest.
    public var armHost: String
    /// ARM base URL, `https://127.0.0.1:PORT`.
    public var armURL: String
    /// Entra ID login base URL; the token endpoint is `{loginURL}/{tenant}/oauth2/v2.0/token`.
    public var loginURL: String
    /// Microsoft Graph base URL; requests go to `{graphURL}/v1.0/...`.
    public var graphURL: String
    public var tenantId: String
    public var subscriptionId: String
    /// The pre-registered client id (application id) and its secret.
    public var clientId: String
    public var clientSecret: String
    /// The CA certificate (PEM) that signs the listeners' certificates.
    public var caFile: String
    /// `GET` lists every object the simulator holds.
    public var inventoryURL: String
}

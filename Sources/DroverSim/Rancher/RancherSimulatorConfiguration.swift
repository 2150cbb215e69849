import Foundation

/// How a `RancherSimulator` behaves.
public struct RancherSimulatorConfiguration: Sendable {
    /// Where the serving certificate comes from (the chart's `ingress.tls.source`, rancher-api.md §6.1).
    public enum TLS: Sendable {
        /// Rancher's own CA (`ingress.tls.source=rancher`): the simulator's CA issues the certificate and `cacerts`
        /// holds that CA.
        case rancherGenerated
        /// `ingress.tls.source=secret`: the given chain and key; with `privateCA=true` `cacerts` holds `caPEM`,
        /// otherwise it stays empty (a publicly trusted certificate, no checksum).
        case secret(certificatePEM: String, keyPEM: String, caPEM: String?)
        /// Let's Encrypt: a certificate from a CA no simulated agent or test trusts (staging, rancher/rancher#19832);
        /// `cacerts` stays empty.
        case letsEncrypt(environment: String)
    }

    /// The folder holding the world (`world.json`, 0600) and the CA. Created 0700.
    public var directory: URL
    /// Rancher's release; decides which API generation answers.
    public var version: RancherVersion
    /// The chart's `bootstrapPassword` (2.6+); nil = a generated one, as Rancher does (rancher-api.md §1.3).
    public var bootstrapPassword: String?
    /// The public host name (the load balancer FQDN) the certificate names and the network publishes.
    public var hostname: String
    /// The serving certificate.
    public var tls: TLS
    /// The clock; `WallClock` when serving, `ManualClock` in tests.
    public var clock: any SimClock
    /// Multiplies every simulated duration (0 = instant).
    public var timeScale: TimeScale
    /// After start, every request answers 503 for this long (Rancher seconds, scaled), as the ingress does while
    /// Rancher's pods start (peers.md P6 "Rancher is not ready").
    public var startupUnavailable: TimeInterval
    /// Delay before a new RKE2 cluster shows its management cluster name (kube-and-rancher-wire.md §C.2 "within
    /// seconds").
    public var clusterNameDelay: TimeInterval
    /// Delay before the controller makes a cluster's `default-token` (kube-and-rancher-wire.md §C.3 step 1).
    public var registrationTokenDelay: TimeInterval
    /// Builds the Kubernetes API of every cluster (and of `local`); nil = no Kubernetes behind the proxy.
    public var downstreamFactory: DownstreamClusterFactory?
    /// When given, the simulator publishes itself there under `hostname`:443 while running.
    public var network: SimulatedNetwork?
    /// Seed of identifiers and secrets (first start only).
    public var seed: UInt64
    /// Fixed loopback port; 0 = any free port (a restarted simulator tries its previous one first).
    public var port: Int
    /// Append every exchange to this JSON-lines file (secrets redacted).
    public var requestLogFile: URL?

    /// Creates a configuration; everything but the folder, version and host name has a default.
    public init(directory: URL, version: RancherVersion, hostname: String, bootstrapPassword: String? = nil,
                tls: TLS = .rancherGenerated, clock: any SimClock = WallClock(), timeScale: Double = 1,
                startupUnavailable: TimeInterval = 0, clusterNameDelay: TimeInterval = 3, registrationTokenDelay: TimeInterval = 2,
                downstreamFactory: DownstreamClusterFactory? = nil, network: SimulatedNetwork? = nil, seed: UInt64 = 1, port: Int = 0,
                requestLogFile: URL? = nil) {
        self.directory = directory
        self.version = version
        self.hostname = hostname
        self.bootstrapPassword = bootstrapPassword
        self.tls = tls
        self.clock = clock
        self.timeScale = TimeScale(timeScale)
        self.startupUnavailable = startupUnavailable
        self.clusterNameDelay = clusterNameDelay
        self.registrationTokenDelay = registrationTokenDelay
        self.downstreamFactory = downstreamFactory
        self.network = network
        self.seed = seed
        self.port = port
        self.requestLogFile = requestLogFile
    }
}

/// Everything a client needs to reach a running Rancher simulator.
public struct RancherSimulatorEndpoints: Sendable, Codable, Equatable {
    /// `https://<hostname>`: what clients and agents use (through a host override or the simulated network).
    public var url: String
    /// The loopback port answering for the host name.
    public var port: Int
    /// `https://127.0.0.1:<port>`.
    public var loopbackURL: String
    /// curl's `--connect-to` form, `HOST:443:127.0.0.1:PORT`.
    public var connectTo: String
    /// PEM of the CA that signed the serving certificate (nil when the certificate was given without one).
    public var caPEM: String?
    /// The admin password a fresh server accepts (`admin` on 2.3-era, the bootstrap password on 2.6+).
    public var initialPassword: String
}

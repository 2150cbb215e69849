import Foundation

/// The Rancher servers of a simulated world: brings one up per installation host name (the machine simulator's
/// `RancherHost` seam), each in its own folder under `root`, sharing the clock, time scale, Kubernetes factory and
/// network.
public actor RancherFarm: RancherHost {
    private let root: URL
    private let network: SimulatedNetwork
    private let clock: any SimClock
    private let timeScale: Double
    private let downstreamFactory: DownstreamClusterFactory?
    private let startupUnavailable: TimeInterval
    private var running: [String: Task<(RancherSimulator, Int), any Error>] = [:]

    /// Creates a farm; `startupUnavailable` is how long (Rancher seconds, scaled) a new server answers 503.
    public init(root: URL, network: SimulatedNetwork, clock: any SimClock = WallClock(), timeScale: Double = 1,
                downstreamFactory: DownstreamClusterFactory? = nil, startupUnavailable: TimeInterval = 0) {
        self.root = root
        self.network = network
        self.clock = clock
        self.timeScale = timeScale
        self.downstreamFactory = downstreamFactory
        self.startupUnavailable = startupUnavailable
    }

    /// Starts Rancher for `installation` (once per host name) and returns its loopback port.
    public func install(_ installation: RancherInstallation) async throws -> Int {
        let host = installation.hostname.lowercased()
        if let existing = running[host] { return try await existing.value.1 }
        let configuration = try configuration(for: installation)
        let task = Task {
            let simulator = try RancherSimulator(configuration: configuration)
            return (simulator, try await simulator.start().port)
        }
        running[host] = task
        do {
            return try await task.value.1
        } catch {
            running[host] = nil
            throw error
        }
    }

    /// The running simulator for `hostname`, if any.
    public func simulator(hostname: String) async -> RancherSimulator? {
        try? await running[hostname.lowercased()]?.value.0
    }

    /// Stops every server (their worlds stay on disk).
    public func stopAll() async {
        for task in running.values { if let (simulator, _) = try? await task.value { await simulator.stop() } }
        running = [:]
    }

    private func configuration(for installation: RancherInstallation) throws -> RancherSimulatorConfiguration {
        guard let version = RancherVersion(installation.version) else {
            throw SimulatorError.notStarted(reason: "Rancher version '\(installation.version)' is not a release such as 2.13.1")
        }
        let tls: RancherSimulatorConfiguration.TLS
        switch installation.tlsSource {
        case "secret":
            guard let certificate = installation.certificatePEM, let key = installation.keyPEM else {
                throw SimulatorError.notStarted(reason: "ingress.tls.source=secret needs the tls-rancher-ingress certificate and key")
            }
            tls = .secret(certificatePEM: certificate, keyPEM: key, caPEM: installation.privateCAPEM)
        case "letsEncrypt": tls = .letsEncrypt(environment: installation.letsEncryptEnvironment ?? "production")
        case "rancher": tls = .rancherGenerated
        default:
            throw SimulatorError.notStarted(reason: "ingress.tls.source '\(installation.tlsSource)' is not one of rancher, secret, letsEncrypt")
        }
        return RancherSimulatorConfiguration(
            directory: root.appendingPathComponent(installation.hostname.lowercased()), version: version,
            hostname: installation.hostname.lowercased(), bootstrapPassword: installation.bootstrapPassword, tls: tls, clock: clock,
            timeScale: timeScale, startupUnavailable: startupUnavailable, downstreamFactory: downstreamFactory, network: network)
    }
}

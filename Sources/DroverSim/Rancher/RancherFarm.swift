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
    private let ports: [String: Int]
    private var running: [String: Task<(RancherSimulator, Int), any Error>] = [:]

    /// Creates a farm; `startupUnavailable` is how long (Rancher seconds, scaled) a new server answers 503, and
    /// `ports` fixes the loopback port of a host name's server (so a client can be told where it will answer before
    /// it comes up), any free port otherwise.
    public init(root: URL, network: SimulatedNetwork, clock: any SimClock = WallClock(), timeScale: Double = 1,
                downstreamFactory: DownstreamClusterFactory? = nil, startupUnavailable: TimeInterval = 0, ports: [String: Int] = [:]) {
        self.ports = Dictionary(ports.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.root = root
        self.network = network
        self.clock = clock
        self.timeScale = timeScale
        self.downstreamFactory = downstreamFactory
        self.startupUnavailable = startupUnavailable
    }

    /// Starts Rancher for `installation` (once per host name) and returns its loopback port; the installation is kept
    /// in `installations.json` (0600: it holds the bootstrap password and the serving key) so a restarted world
    /// brings the same servers back (``resumeInstalled()``), as machines that keep running would.
    public func install(_ installation: RancherInstallation) async throws -> Int {
        let host = installation.hostname.lowercased()
        if let existing = running[host] { return try await existing.value.1 }
        var installed = Self.installations(in: root)
        if installed[host] != installation {
            installed[host] = installation
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try AtomicFile.write(try JSONEncoder().encode(installed), to: root.appendingPathComponent("installations.json"))
        }
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

    /// Starts again every server an earlier run of this world installed.
    public func resumeInstalled() async throws {
        for installation in Self.installations(in: root).values.sorted(by: { $0.hostname < $1.hostname }) { _ = try await install(installation) }
    }

    private static func installations(in root: URL) -> [String: RancherInstallation] {
        (try? Data(contentsOf: root.appendingPathComponent("installations.json")))
            .flatMap { try? JSONDecoder().decode([String: RancherInstallation].self, from: $0) } ?? [:]
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
            timeScale: timeScale, startupUnavailable: startupUnavailable, downstreamFactory: downstreamFactory, network: network,
            port: ports[installation.hostname.lowercased()] ?? 0)
    }
}

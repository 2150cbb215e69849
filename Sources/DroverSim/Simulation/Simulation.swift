import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Every simulator of a world together, as `drover up --simulate` runs them: Azure (login, ARM, Graph) whose VMs are
/// simulated machines, the Rancher servers those machines bring up, and the Kubernetes API of every cluster, on one
/// simulated network, clock and time scale, with their state in one folder (so a killed run resumes against the same
/// world).
public final class Simulation: Sendable {
    /// What the simulation runs with.
    public struct Configuration: Sendable {
        /// The world's folder (`azure/`, `rancher/`, `kubernetes/`, `ports.json` inside).
        public var directory: URL
        /// Multiplies every simulated duration (0.01 = a hundred times faster than Azure and Rancher).
        public var timeScale: Double
        /// Faults injected into Azure's answers.
        public var faults: FaultPlan
        /// Seed of the fault plan and of new identifiers.
        public var seed: UInt64
        /// Public host names a simulated Rancher will answer on (the load balancer FQDN); each gets its loopback port
        /// now, so clients can be pointed at it before the machines bring Rancher up.
        public var rancherHostnames: [String]
        /// Seconds (Rancher's, scaled) a new Rancher server answers 503 while it starts.
        public var rancherStartup: TimeInterval
        /// How long machines take to do things.
        public var machineDelays: MachineDelays
        /// More names the Azure simulator's certificate covers besides 127.0.0.1 and localhost.
        public var azureHostnames: [String] = []
        /// Where Azure's exchanges are appended as JSON lines (secrets redacted), if anywhere.
        public var requestLogFile: URL?

        /// Creates a configuration.
        public init(
            directory: URL, timeScale: Double = 0.01, faults: FaultPlan = .none, seed: UInt64 = 1, rancherHostnames: [String] = [],
            rancherStartup: TimeInterval = 20, machineDelays: MachineDelays = MachineDelays()
        ) {
            self.directory = directory
            self.timeScale = timeScale
            self.faults = faults
            self.seed = seed
            self.rancherHostnames = rancherHostnames
            self.rancherStartup = rancherStartup
            self.machineDelays = machineDelays
        }
    }

    /// Where a client reaches the simulation.
    public struct Endpoints: Sendable {
        /// The Azure simulator's endpoints, credentials and CA file.
        public var azure: AzureSimulatorEndpoints
        /// `HOST:443:127.0.0.1:PORT` for every Rancher host name (curl's `--connect-to` form).
        public var connectTo: [String]
    }

    /// The configuration.
    public let configuration: Configuration
    /// The simulated Internet's name service.
    public let network: SimulatedNetwork
    /// Simulated Azure.
    public let azure: AzureSimulator
    /// The machines behind Azure's VMs.
    public let machines: MachineSimulator
    /// The Rancher servers the machines bring up.
    public let rancher: RancherFarm
    private let clusters = ClusterList()
    private let ticker = Mutex<Task<Void, Never>?>(nil)
    private let rancherPorts: [String: Int]

    /// Opens (or creates) the world in `configuration.directory`.
    public init(configuration: Configuration) throws {
        self.configuration = configuration
        let directory = configuration.directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        network = SimulatedNetwork()
        let clock = WallClock()
        let clusters = self.clusters
        let kubernetes = KubernetesCluster.factory(clock: clock, directory: directory.appendingPathComponent("kubernetes"))
        let factory: DownstreamClusterFactory = { id, name, distribution in
            let cluster = kubernetes(id, name, distribution)
            if let cluster = cluster as? KubernetesCluster { clusters.add(cluster) }
            return cluster
        }
        rancherPorts = try Self.rancherPorts(configuration.rancherHostnames, file: directory.appendingPathComponent("ports.json"))
        rancher = RancherFarm(
            root: directory.appendingPathComponent("rancher"), network: network, clock: clock, timeScale: configuration.timeScale,
            downstreamFactory: factory, startupUnavailable: configuration.rancherStartup, ports: rancherPorts)
        machines = MachineSimulator(network: network, rancherHost: rancher, delays: configuration.machineDelays)
        azure = try AzureSimulator(configuration: AzureSimulatorConfiguration(
            directory: directory.appendingPathComponent("azure"), timeScale: configuration.timeScale, faults: configuration.faults,
            seed: configuration.seed, clock: clock, hostnames: configuration.azureHostnames, requestLogFile: configuration.requestLogFile,
            machines: machines))
    }

    /// Starts Azure and the clock that drives the Kubernetes clusters; Rancher comes up when the machines ask.
    public func start() async throws -> Endpoints {
        let endpoints = try await azure.start()
        // Machines keep running between runs: the Rancher servers they brought up answer again.
        try await rancher.resumeInstalled()
        let clusters = self.clusters
        // Kubelets' back-off, jobs and watch timeouts move with time (KubernetesCluster.tick); a fifth of a second
        // of real time is fine-grained enough at any time scale a person watches.
        ticker.withLock {
            $0 = Task {
                while !Task.isCancelled {
                    for cluster in clusters.all { await cluster.tick() }
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
        }
        return Endpoints(azure: endpoints, connectTo: rancherPorts.sorted { $0.key < $1.key }.map { "\($0.key):443:127.0.0.1:\($0.value)" })
    }

    /// Stops every simulator; the world stays in its folder.
    public func stop() async {
        ticker.withLock { $0?.cancel() }
        await machines.idle()
        await rancher.stopAll()
        await azure.stop()
        for cluster in clusters.all { await cluster.persist() }
    }

    /// The loopback port of each Rancher host name: the one an earlier run of this world used, else a free one.
    private static func rancherPorts(_ hostnames: [String], file: URL) throws -> [String: Int] {
        var ports = (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode([String: Int].self, from: $0) } ?? [:]
        for host in hostnames.map({ $0.lowercased() }) where ports[host] == nil { ports[host] = try freePort() }
        try AtomicFile.write(try JSONEncoder().encode(ports), to: file)
        return ports.filter { hostnames.map { $0.lowercased() }.contains($0.key) }
    }

    /// A port nothing listens on now (bound to port 0 and released).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SimulatorError.notStarted(reason: "cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, withUnsafeMutablePointer(to: &address, {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }) == 0 else { throw SimulatorError.notStarted(reason: "cannot find a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The Kubernetes clusters the Rancher servers of a simulation created, for the ticker.
private final class ClusterList: Sendable {
    private let list = Mutex<[KubernetesCluster]>([])
    func add(_ cluster: KubernetesCluster) { list.withLock { $0.append(cluster) } }
    var all: [KubernetesCluster] { list.withLock { $0 } }
}

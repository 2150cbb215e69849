import Crypto
import Foundation

/// A standalone simulated Kubernetes API server: a ``KubernetesCluster`` behind its own TLS listener on 127.0.0.1,
/// with a kubeconfig (CA data and a bearer token, kube-and-rancher-wire.md §A.1) that the real `kubectl` uses as is.
/// Its CA, token and kubeconfig (all 0600) and, when asked, its objects live in `directory`.
public final class KubernetesSimulator: Sendable {
    /// The cluster this simulator serves.
    public let cluster: KubernetesCluster
    /// Where the CA, token, kubeconfig and objects are kept.
    public let directory: URL
    private let clock: any SimClock
    private let listeners = SimulatorListeners()
    private let ticker = KubeTicker()

    /// Opens (or creates) the simulator's folder; `persistObjects` keeps the objects in `objects.json` there.
    public init(directory: URL, clock: any SimClock = WallClock(), distribution: String = "rke2", persistObjects: Bool = false) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        self.directory = directory
        self.clock = clock
        cluster = try KubernetesCluster(id: "standalone", distribution: distribution, clock: clock,
                                        directory: persistObjects ? directory : nil)
    }

    /// What a client needs to reach the started simulator.
    public struct Endpoint: Sendable {
        /// `https://127.0.0.1:<port>`.
        public let url: String
        /// The kubeconfig file (mode 0600).
        public let kubeconfigPath: String
        /// The CA certificate file clients trust.
        public let caPath: String
    }

    /// Starts the listener, writes `kubeconfig`, and (on a wall clock, `tickEvery` > 0) runs ``KubernetesCluster/tick()``
    /// every `tickEvery` seconds.
    @discardableResult
    public func start(tickEvery: TimeInterval = 0) async throws -> Endpoint {
        let authority = try CertificateAuthority.loadOrCreate(in: directory)
        let leaf = try authority.issueServerCertificate(hostnames: [])
        let token = try loadOrCreateToken()
        let cluster = self.cluster
        let listener = try await HTTPSListener.start(name: "kubernetes", certificatePEM: leaf.certificatePEM, keyPEM: leaf.keyPEM) { request in
            // §A.1: kubectl sends `Authorization: Bearer <token>` on every request.
            guard Self.bearerMatches(request.headers["authorization"], token) else { return KubeStatusError.unauthorized.response }
            return await cluster.handle(request)
        }
        await listeners.set([listener])
        let url = "https://127.0.0.1:\(listener.port)"
        let kubeconfig = directory.appendingPathComponent("kubeconfig")
        try AtomicFile.write(Data(Self.kubeconfig(server: url, caPEM: authority.certificatePEM, token: token).utf8), to: kubeconfig)
        if tickEvery > 0 { await ticker.run(every: tickEvery, cluster: cluster) }
        return Endpoint(url: url, kubeconfigPath: kubeconfig.path, caPath: authority.certificatePath.path)
    }

    /// Stops the listener and the ticker; the folder stays.
    public func stop() async {
        await ticker.stop()
        await cluster.closeWatches()
        for listener in await listeners.take() { await listener.stop() }
        await cluster.persist()
    }

    /// A kubeconfig with one cluster, user and context named `drover-sim`.
    static func kubeconfig(server: String, caPEM: String, token: String) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: drover-sim
          cluster:
            server: \(server)
            certificate-authority-data: \(Data(caPEM.utf8).base64EncodedString())
        users:
        - name: drover-sim
          user:
            token: \(token)
        contexts:
        - name: drover-sim
          context:
            cluster: drover-sim
            user: drover-sim
            namespace: default
        current-context: drover-sim

        """
    }

    private func loadOrCreateToken() throws -> String {
        let file = directory.appendingPathComponent("token")
        if let saved = try? String(contentsOf: file, encoding: .utf8), !saved.isEmpty { return saved }
        let token = "drover-sim-" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
        try AtomicFile.write(Data(token.utf8), to: file)
        return token
    }

    /// Compares the presented bearer token with the expected one in constant time.
    static func bearerMatches(_ header: String?, _ token: String) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let presented = Array(header.dropFirst("Bearer ".count).utf8), expected = Array(token.utf8)
        guard presented.count == expected.count else { return false }
        return zip(presented, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// The background loop of a standalone simulator on the wall clock.
actor KubeTicker {
    private var task: Task<Void, Never>?

    func run(every seconds: TimeInterval, cluster: KubernetesCluster) {
        task?.cancel()
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(seconds))
                await cluster.tick()
            }
        }
    }

    func stop() {
        task?.cancel()
        task = nil
    }
}

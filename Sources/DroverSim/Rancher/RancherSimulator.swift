import Foundation

/// A simulated Rancher server over TLS on 127.0.0.1, built from the Rancher reference (rancher-api.md,
/// kube-and-rancher-wire.md §C) and Rancher's CRD schema; its world lives in a folder and outlives the process.
public final class RancherSimulator: Sendable {
    /// What the simulator was started with.
    public let configuration: RancherSimulatorConfiguration
    /// Every exchange so far (secrets redacted).
    public let requestLog: RequestLog
    private let server: RancherServer
    private let certificatePEM: String
    private let keyPEM: String
    private let caPEM: String?
    private let state = SimulatorListeners()

    /// Opens (or creates) the world in `configuration.directory` and prepares the serving certificate.
    public init(configuration: RancherSimulatorConfiguration) throws {
        self.configuration = configuration
        try FileManager.default.createDirectory(at: configuration.directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let caCertificates: String
        switch configuration.tls {
        case .rancherGenerated:
            // rancher-api.md §6.1: Rancher's own CA signs the certificate and is the `cacerts` setting.
            let authority = try CertificateAuthority.loadOrCreate(in: configuration.directory)
            (certificatePEM, keyPEM) = try authority.issueServerCertificate(hostnames: [configuration.hostname])
            caPEM = authority.certificatePEM
            caCertificates = authority.certificatePEM
        case .secret(let certificate, let key, let ca):
            // ingress.tls.source=secret; `privateCA=true` puts the `tls-ca` secret into `cacerts`.
            (certificatePEM, keyPEM) = (certificate, key)
            caPEM = ca
            caCertificates = ca ?? ""
        case .letsEncrypt:
            // A CA kept to itself: nobody the simulation runs trusts it, as nobody trusts Let's Encrypt staging.
            let untrusted = try CertificateAuthority.loadOrCreate(in: configuration.directory.appendingPathComponent("acme"))
            (certificatePEM, keyPEM) = try untrusted.issueServerCertificate(hostnames: [configuration.hostname])
            caPEM = nil
            caCertificates = ""
        }
        requestLog = try RequestLog(file: configuration.requestLogFile)
        server = try RancherServer(configuration: configuration, caCertificates: caCertificates)
    }

    /// Starts the listener (the previous port again when it is free) and publishes the host name on the network.
    @discardableResult
    public func start() async throws -> RancherSimulatorEndpoints {
        let portsFile = configuration.directory.appendingPathComponent("port.json")
        let previous = (try? Data(contentsOf: portsFile)).flatMap { try? JSONDecoder().decode(Int.self, from: $0) } ?? 0
        await server.attachDownstream()
        await server.markStarted()
        let server = self.server
        let log = requestLog
        func listen(_ port: Int) async throws -> HTTPSListener {
            try await HTTPSListener.start(name: "rancher", port: port, certificatePEM: certificatePEM, keyPEM: keyPEM) { request in
                let response = await server.handle(request)
                RancherRequestLog.record(log, request: request, response: response)
                return response
            }
        }
        let listener: HTTPSListener
        if configuration.port != 0 {
            listener = try await listen(configuration.port)
        } else if previous > 0, let again = try? await listen(previous) {
            listener = again
        } else {
            listener = try await listen(0)
        }
        await state.set([listener])
        try AtomicFile.write(try JSONEncoder().encode(listener.port), to: portsFile)
        configuration.network?.publish(host: configuration.hostname, loopbackPort: listener.port)
        return RancherSimulatorEndpoints(
            url: "https://\(configuration.hostname)", port: listener.port, loopbackURL: "https://127.0.0.1:\(listener.port)",
            connectTo: "\(configuration.hostname):443:127.0.0.1:\(listener.port)", caPEM: caPEM,
            initialPassword: server.initialPassword)
    }

    /// Everything the simulator holds, without secrets.
    public func inventory() async -> JSONValue { await server.inventory() }

    /// Stops the listener and withdraws the host name; the world stays on disk.
    public func stop() async {
        configuration.network?.withdraw(host: configuration.hostname)
        for listener in await state.take() { await listener.stop() }
        try? await server.save()
    }
}

extension RancherServer {
    /// The inventory: identifiers, names and states only (no password hash, token or CRT secret).
    func inventory() async -> JSONValue {
        var clusters: [JSONValue] = []
        for cluster in world.clusters.values.sorted(by: { $0.id < $1.id }) {
            let readiness = await readiness(of: cluster.id)
            clusters.append(["id": .string(cluster.id), "name": .string(cluster.name), "distribution": .string(cluster.distribution),
                             "state": .string(world.clusters[cluster.id]?.firstReadyAt != nil ? "active" : "provisioning"),
                             "nodes": .int(Int64(readiness.nodes.count))])
        }
        return [
            "version": .string(configuration.version.description), "hostname": .string(configuration.hostname),
            "users": .array(world.users.values.sorted { $0.id < $1.id }.map {
                ["id": .string($0.id), "username": .string($0.username), "mustChangePassword": .bool($0.mustChangePassword)]
            }),
            "tokens": .array(world.tokens.values.sorted { $0.name < $1.name }.map {
                ["id": .string($0.name), "userId": .string($0.userId), "description": .string($0.description),
                 "login": .bool($0.isLogin), "expired": .bool($0.isExpired(at: now))]
            }),
            "settings": .object(world.settings.mapValues { .string($0.count > 80 ? "(\($0.count) characters)" : $0) }),
            "clusters": .array(clusters),
            "provisioningClusters": .array(world.provisioning.keys.sorted().map { .string($0) }),
            "registrationTokens": .array(world.registrationTokens.keys.sorted().map { .string($0) }),
            "machines": .array(world.machines.values.sorted { $0.name < $1.name }.map {
                ["name": .string($0.name), "clusterId": .string($0.clusterId), "nodeName": .string($0.nodeName), "os": .string($0.os),
                 "roles": .array($0.roles.sorted().map { .string($0) })]
            }),
        ]
    }
}

import Foundation
import Synchronization

/// The simulated Internet's name service: which loopback port answers for a public host name and port (the load
/// balancer FQDN of a simulated Rancher, say), so simulated machines reach simulated servers over real TLS with the
/// real host name for SNI and the certificate check, as clients do with curl's `--connect-to`.
public final class SimulatedNetwork: Sendable {
    private let table = Mutex<[String: Int]>([:])

    /// Creates an empty network.
    public init() {}

    /// Makes `host:port` reach `127.0.0.1:loopbackPort`.
    public func publish(host: String, port: Int = 443, loopbackPort: Int) {
        table.withLock { $0["\(host.lowercased()):\(port)"] = loopbackPort }
    }

    /// Stops `host:port` answering (its server went away).
    public func withdraw(host: String, port: Int = 443) {
        table.withLock { _ = $0.removeValue(forKey: "\(host.lowercased()):\(port)") }
    }

    /// The loopback port answering for `host:port`, or nil when nothing does (a connection would be refused).
    public func loopbackPort(host: String, port: Int = 443) -> Int? {
        table.withLock { $0["\(host.lowercased()):\(port)"] }
    }

    /// Every published name, as `HOST:PORT:127.0.0.1:LOOPBACKPORT` lines (curl's `--connect-to` form).
    public func connectToLines() -> [String] {
        table.withLock { $0.sorted { $0.key < $1.key }.map { "\($0.key):127.0.0.1:\($0.value)" } }
    }
}

/// The Rancher server a simulated machine brings up once its Kubernetes and Rancher's charts run (the seam between the
/// machine simulator and the Rancher simulator).
public struct RancherInstallation: Sendable, Equatable, Codable {
    /// The chart's `hostname` value (the load balancer FQDN).
    public var hostname: String
    /// Rancher's version (the chart version, such as `2.13.1`).
    public var version: String
    /// The chart's `bootstrapPassword` (from `valuesSecrets` or values); nil on 2.3 (admin/admin).
    public var bootstrapPassword: String?
    /// `rancher` (Rancher's own CA), `secret` (ingress.tls.source=secret: the given certificate), `letsEncrypt`.
    public var tlsSource: String
    /// With `secret`: the `tls-rancher-ingress` certificate chain and key (PEM).
    public var certificatePEM: String?
    /// With `secret`: the private key (PEM).
    public var keyPEM: String?
    /// With `privateCA=true`: the `tls-ca` secret's `cacerts.pem`.
    public var privateCAPEM: String?
    /// With `letsEncrypt`: `production` or `staging` (agents trust neither in the simulation unless production).
    public var letsEncryptEnvironment: String?

    /// Creates an installation.
    public init(
        hostname: String, version: String, bootstrapPassword: String?, tlsSource: String, certificatePEM: String? = nil,
        keyPEM: String? = nil, privateCAPEM: String? = nil, letsEncryptEnvironment: String? = nil
    ) {
        self.hostname = hostname
        self.version = version
        self.bootstrapPassword = bootstrapPassword
        self.tlsSource = tlsSource
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.privateCAPEM = privateCAPEM
        self.letsEncryptEnvironment = letsEncryptEnvironment
    }
}

/// Starts (or finds already running) the simulated Rancher server of an installation, publishes it on the
/// ``SimulatedNetwork`` under its hostname, and returns the loopback port.
public protocol RancherHost: Sendable {
    /// Brings Rancher up for `installation`; idempotent for the same hostname.
    func install(_ installation: RancherInstallation) async throws -> Int
}

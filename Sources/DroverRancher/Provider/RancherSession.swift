import DroverEngine
import DroverHTTP
import Foundation

/// The transports of the Rancher handlers, one per trust setting, built on first use so `drover plan` contacts
/// nothing.
public actor RancherSession {
    /// The environment the transports are built from.
    public nonisolated let environment: RancherEnvironment
    private let retry: RetryPolicy
    private let connectTimeout: Double
    private var transports: [String: HTTPTransport] = [:]

    /// Creates a session; tests pass a retry policy with fixed jitter and a short connect timeout.
    public init(environment: RancherEnvironment, retry: RetryPolicy = RetryPolicy(), connectTimeout: Double = 10) {
        self.environment = environment
        self.retry = retry
        self.connectTimeout = connectTimeout
    }

    /// The transport trusting exactly `caCertificate` when given, else the system store plus `DROVER_CA_FILE`.
    public func transport(caCertificate: String?) throws -> HTTPTransport {
        if let problem = environment.problem { throw problem }
        let key = caCertificate ?? ""
        if let existing = transports[key] { return existing }
        let configuration = TransportConfiguration(
            extraCAFile: caCertificate == nil ? environment.extraCAFile : nil, pinnedCAPEM: caCertificate,
            hostOverrides: environment.hostOverrides, connectTimeout: connectTimeout, retry: retry, logger: environment.logger)
        let transport = try HTTPTransport(configuration: configuration)
        transports[key] = transport
        return transport
    }

    /// A client for `endpoint`, authenticated with `token` when given.
    public func client(_ endpoint: RancherEndpoint, token: String? = nil) throws -> RancherClient {
        RancherClient(
            baseURL: try endpoint.baseURL(), token: token, transport: try transport(caCertificate: endpoint.caCertificate),
            pinned: endpoint.caCertificate != nil)
    }

    /// Closes every connection.
    public func shutdown() async throws {
        for transport in transports.values { try await transport.shutdown() }
        transports = [:]
    }
}

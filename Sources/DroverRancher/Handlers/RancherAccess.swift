import DroverEngine

/// How every rancher.* resource after `rancher.bootstrap` reaches the server: its URL, Drover's API token and the
/// pinned CA, all from the bootstrap's outputs and the spec.
public protocol RancherAccessInputs: Codable, Sendable {
    /// The server URL.
    var url: String { get }
    /// Drover's API token (sensitive).
    var rancherToken: String { get }
    /// The private CA to pin, PEM.
    var caCertificate: String? { get }
}

extension RancherSession {
    /// An authenticated client for a resource's inputs.
    public func client(for inputs: some RancherAccessInputs) throws -> RancherClient {
        try client(RancherEndpoint(url: inputs.url, caCertificate: inputs.caCertificate), token: inputs.rancherToken)
    }
}

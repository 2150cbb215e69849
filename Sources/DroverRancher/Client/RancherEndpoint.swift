import DroverEngine
import Foundation

/// Where a Rancher server answers and which CA to pin for it.
public struct RancherEndpoint: Codable, Sendable, Equatable {
    /// The server URL, `https://<load balancer FQDN>`.
    public var url: String
    /// The PEM of the private CA that issued Rancher's certificate; pinned exactly when present.
    public var caCertificate: String?

    /// Creates an endpoint.
    public init(url: String, caCertificate: String? = nil) {
        self.url = url
        self.caCertificate = caCertificate
    }

    /// The URL without a trailing slash.
    /// - Throws: `CodedError` `InvalidRancherURL` unless it is an absolute `https://` URL with a host.
    public func baseURL() throws -> URL {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard let parsed = URL(string: trimmed), parsed.scheme == "https", parsed.host?.isEmpty == false else {
            throw CodedError(
                code: "InvalidRancherURL", message: "the Rancher URL \"\(url)\" is not an https:// URL with a host name",
                remediation: "use https://<load balancer FQDN>", nothingApplied: true)
        }
        return parsed
    }
}

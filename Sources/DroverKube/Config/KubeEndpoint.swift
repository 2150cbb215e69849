import DroverEngine
import DroverHTTP
import Foundation

/// One context of a kubeconfig resolved to what a client needs: the server, its trust, the credential, the namespace.
public struct KubeEndpoint: Sendable {
    /// The context's name.
    public var context: String
    /// The API server's base URL.
    public var server: URL
    /// The namespace for calls that name none.
    public var namespace: String
    /// The cluster entry.
    public var cluster: Kubeconfig.Cluster
    /// The user entry.
    public var user: Kubeconfig.User

    /// The transport settings for this endpoint on top of `base` (timeouts, logging, host overrides).
    /// - Throws: `CodedError` `InsecureKubeconfig` when the cluster skips verification and `allowInsecure` is false.
    public func transportConfiguration(base: TransportConfiguration, allowInsecure: Bool) throws -> TransportConfiguration {
        var configuration = base
        configuration.extraCAPEM = cluster.certificateAuthorityPEM
        if let certificate = user.clientCertificatePEM, let key = user.clientKeyPEM {
            configuration.clientIdentity = ClientIdentity(certificatePEM: certificate, keyPEM: key)
        }
        if cluster.insecureSkipTLSVerify {
            guard allowInsecure else {
                throw CodedError(
                    code: "InsecureKubeconfig",
                    message: "\(cluster.origin): cluster \(cluster.name) sets insecure-skip-tls-verify, so its certificate would not be checked",
                    remediation: "add certificate-authority-data for the cluster's CA, or pass --insecure-skip-tls-verify to accept an unverified server knowingly",
                    nothingApplied: true)
            }
            configuration.skipsTLSVerification = true
        }
        if let name = cluster.tlsServerName, let host = server.host, name.lowercased() != host.lowercased() {
            // The certificate is checked against `tls-server-name` (kube-and-rancher-wire.md §A.1): the request goes to
            // that name, which is resolved to the URL's host, so SNI and the check use it.
            configuration.hostOverrides.append(HostOverride(host: name, port: server.port ?? 443, address: host, targetPort: server.port ?? 443))
        }
        return configuration
    }

    /// The URL requests go to: the server's, with the host replaced by `tls-server-name` when one is set (see
    /// ``transportConfiguration(base:allowInsecure:)``).
    public var requestBase: URL {
        guard let name = cluster.tlsServerName, var parts = URLComponents(url: server, resolvingAgainstBaseURL: false) else { return server }
        parts.host = name
        return parts.url ?? server
    }
}

extension Kubeconfig {
    /// The endpoint of context `name`, or of `current-context` when nil.
    /// - Throws: `CodedError` `KubeconfigContext` naming what is missing and the contexts there are.
    public func endpoint(context name: String? = nil) throws -> KubeEndpoint {
        let known = contexts.map(\.name).joined(separator: ", ")
        guard let wanted = name ?? currentContext else {
            throw CodedError(
                code: "KubeconfigContext", message: "\(files.joined(separator: ", ")) sets no current-context",
                remediation: contexts.isEmpty ? "the kubeconfig has no contexts; add one" : "pass --context with one of: \(known)", nothingApplied: true)
        }
        guard let context = contexts.first(where: { $0.name == wanted }) else {
            throw CodedError(
                code: "KubeconfigContext", message: "context \(wanted) is not in \(files.joined(separator: ", "))",
                remediation: contexts.isEmpty ? "the kubeconfig has no contexts; add one" : "use one of: \(known)", nothingApplied: true)
        }
        guard let cluster = clusters.first(where: { $0.name == context.cluster }) else {
            throw CodedError(
                code: "KubeconfigContext", message: "\(context.origin): context \(wanted) names cluster \(context.cluster), which no clusters entry defines",
                remediation: "use one of: \(clusters.map(\.name).joined(separator: ", "))", nothingApplied: true)
        }
        guard let user = users.first(where: { $0.name == context.user }) else {
            throw CodedError(
                code: "KubeconfigContext", message: "\(context.origin): context \(wanted) names user \(context.user), which no users entry defines",
                remediation: "use one of: \(users.map(\.name).joined(separator: ", "))", nothingApplied: true)
        }
        // Validated by the parser as an https URL.
        let server = URL(string: cluster.server)!
        return KubeEndpoint(context: wanted, server: server, namespace: context.namespace ?? "default", cluster: cluster, user: user)
    }
}

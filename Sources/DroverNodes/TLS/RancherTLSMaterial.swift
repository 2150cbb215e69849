/// Rancher's serving certificate, its key and the CA that issued it, as the Secrets Rancher's chart reads with
/// `ingress.tls.source=secret` and `privateCA=true`.
public struct RancherTLSMaterial: Sendable, Equatable, Codable {
    /// The serving certificate chain, leaf first, PEM.
    public var certificate: String
    /// The serving certificate's private key, PEM (secret).
    public var privateKey: String
    /// The CA certificate, PEM.
    public var caCertificate: String

    /// Creates the material.
    public init(certificate: String, privateKey: String, caCertificate: String) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.caCertificate = caCertificate
    }

    /// The namespace Rancher runs in, where its chart looks for both Secrets.
    public static let namespace = "cattle-system"
    /// The Secret holding the serving certificate (type `kubernetes.io/tls`).
    public static let servingSecretName = "tls-rancher-ingress"
    /// The Secret holding the CA under key `cacerts.pem`, which Rancher serves on `/cacerts`.
    public static let caSecretName = "tls-ca"

    /// The `cattle-system` Namespace and both Secrets, one YAML stream for RKE2's manifests folder.
    ///
    /// The Namespace comes first so the Secrets have somewhere to go before the Rancher HelmChart (which would
    /// create it) has run; applying it again once the chart made it changes nothing.
    public var secretsManifest: String {
        let metadata: (String) -> YAMLValue = { name in ["name": .string(name), "namespace": .string(Self.namespace)] }
        let documents: [YAMLValue] = [
            ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(Self.namespace)]],
            [
                "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls", "metadata": metadata(Self.servingSecretName),
                "stringData": ["tls.crt": .string(certificate), "tls.key": .string(privateKey)],
            ],
            [
                "apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": metadata(Self.caSecretName),
                "stringData": ["cacerts.pem": .string(caCertificate)],
            ],
        ]
        return documents.map { "---\n" + $0.yaml }.joined()
    }
}

/// A TLS client certificate and its private key, both PEM, presented to servers that ask for one (a kubeconfig's
/// `client-certificate-data` / `client-key-data`, kube-and-rancher-wire.md §A.1).
public struct ClientIdentity: Sendable {
    /// The certificate chain as PEM, leaf first.
    public var certificatePEM: String
    /// The private key as PEM (PKCS#1, SEC 1 or PKCS#8); never logged.
    public var keyPEM: String

    /// Creates an identity.
    public init(certificatePEM: String, keyPEM: String) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }
}

import Foundation
import NIOSSL

/// A serving certificate chain and its private key, as PEM; the key is never printed or logged.
public struct ServingIdentity: Sendable {
    /// The leaf certificate first, then any intermediates.
    public var certificateChainPEM: String
    /// The private key.
    public var privateKeyPEM: String

    /// Creates an identity from PEM text.
    public init(certificateChainPEM: String, privateKeyPEM: String) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// Reads the certificate and key files given to `drover webhook serve`.
    public init(certificateFile: String, keyFile: String) throws {
        self.init(certificateChainPEM: try String(contentsOfFile: certificateFile, encoding: .utf8),
                  privateKeyPEM: try String(contentsOfFile: keyFile, encoding: .utf8))
    }

    /// A TLS 1.2+ server configuration presenting this identity.
    public func serverConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}

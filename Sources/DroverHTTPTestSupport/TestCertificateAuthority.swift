import Crypto
import Foundation
import X509

/// A throwaway certificate authority for tests: issues server certificates for given host names.
public struct TestCertificateAuthority: Sendable {
    /// The CA certificate as PEM, to trust as an extra CA.
    public let certificatePEM: String
    private let keyPEM: String
    private let name: DistinguishedName

    /// Creates a CA valid from an hour ago for a day.
    public init(commonName: String = "Drover Test CA") throws {
        let key = P256.Signing.PrivateKey()
        keyPEM = key.pemRepresentation
        name = try DistinguishedName { CommonName(commonName) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: Date() - 3600, notValidAfter: Date() + 86_400, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(key))
        certificatePEM = try certificate.serializeAsPEM().pemString
    }

    /// A server certificate and key (PEM) for `hostnames`, signed by this CA.
    public func issue(hostnames: [String]) throws -> (certificatePEM: String, keyPEM: String) {
        let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        let leafKey = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(hostnames.first ?? "localhost") }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: Date() - 3600, notValidAfter: Date() + 86_400, issuer: name, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(hostnames.map { .dnsName($0) })
            },
            issuerPrivateKey: .init(key))
        return (try certificate.serializeAsPEM().pemString, leafKey.pemRepresentation)
    }

    /// A client certificate and key (PEM) for `commonName` (the user a Kubernetes API server sees), signed by this CA.
    public func issueClient(commonName: String) throws -> (certificatePEM: String, keyPEM: String) {
        let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        let leafKey = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: Date() - 3600, notValidAfter: Date() + 86_400, issuer: name,
            subject: try DistinguishedName { CommonName(commonName) }, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
            },
            issuerPrivateKey: .init(key))
        return (try certificate.serializeAsPEM().pemString, leafKey.pemRepresentation)
    }

    /// Writes the CA certificate to a new file in the temporary directory and returns its path.
    public func writeCertificateFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("drover-test-ca-\(UUID().uuidString).pem").path
        try certificatePEM.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

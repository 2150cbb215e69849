import Crypto
import Foundation
import SwiftASN1
import X509

/// The simulator's own certificate authority: kept in the simulator's folder (key 0600) so a restarted
/// simulator is still trusted by clients that were given `ca.pem`, and used to issue the listeners' leaf.
public struct CertificateAuthority: Sendable {
    /// The CA certificate as PEM, the file clients add to their trust store.
    public let certificatePEM: String
    /// Where the CA certificate is written.
    public let certificatePath: URL
    private let keyPEM: String
    private let certificate: Certificate

    /// Loads the CA from `directory`, or creates one there (ca.pem 0600, ca-key.pem 0600).
    public static func loadOrCreate(in directory: URL) throws -> CertificateAuthority {
        let certURL = directory.appendingPathComponent("ca.pem")
        let keyURL = directory.appendingPathComponent("ca-key.pem")
        if let certPEM = try? String(contentsOf: certURL, encoding: .utf8),
           let keyPEM = try? String(contentsOf: keyURL, encoding: .utf8) {
            do {
                let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
                let certificate = try Certificate(pemEncoded: certPEM)
                return CertificateAuthority(certificatePEM: certPEM, certificatePath: certURL, keyPEM: key.pemRepresentation, certificate: certificate)
            } catch {
                throw SimulatorError.corruptState(path: certURL.path, reason: "unreadable CA (\(error))")
            }
        }
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("Drover")
            CommonName("Drover simulator CA \(UUID().uuidString.prefix(8))")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        let certPEM = try certificate.serializeAsPEM().pemString + "\n"
        try AtomicFile.write(Data(key.pemRepresentation.utf8), to: keyURL)
        try AtomicFile.write(Data(certPEM.utf8), to: certURL)
        return CertificateAuthority(certificatePEM: certPEM, certificatePath: certURL, keyPEM: key.pemRepresentation, certificate: certificate)
    }

    /// A server certificate and key (PEM) for 127.0.0.1, localhost and `hostnames`, signed by this CA.
    public func issueServerCertificate(hostnames: [String]) throws -> (certificatePEM: String, keyPEM: String) {
        let key = try P256.Signing.PrivateKey(pemRepresentation: keyPEM)
        let leafKey = P256.Signing.PrivateKey()
        var names: [GeneralName] = [.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))]
        for host in hostnames where host != "localhost" && host != "127.0.0.1" { names.append(.dnsName(host)) }
        let now = Date()
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: .init(leafKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86400),
            issuer: certificate.subject,
            subject: try DistinguishedName { CommonName("localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(key))
        return (try leaf.serializeAsPEM().pemString + "\n", leafKey.pemRepresentation)
    }
}

import Crypto
import DroverEngine
import Foundation
import SwiftASN1
import X509

/// Drover's private CA for Rancher (`rancher.tls.source: private`): an ECDSA P-256 CA valid ten years, which issues
/// Rancher's serving certificate for the load balancer's FQDN, valid one year.
///
/// Agents check the CA by checksum (`--ca-checksum`, rancher-api.md §6.1) and Drover pins it, so no public CA and
/// no Let's Encrypt rate limit is involved.
public struct RancherCertificateAuthority {
    /// The CA certificate, PEM, ending in a newline.
    public let certificatePEM: String
    /// The CA's private key, PEM (secret: it stays in the state file).
    public let privateKeyPEM: String
    private let certificate: Certificate
    private let key: P256.Signing.PrivateKey

    /// How long the CA is valid.
    public static let caLifetimeDays = 3650
    /// How long a serving certificate is valid.
    public static let servingLifetimeDays = 365
    /// Validity starts this many seconds before issue, so a server whose clock runs slightly behind accepts it.
    static let backdateSeconds: TimeInterval = 300

    /// A new CA named `Drover Rancher CA (HOSTNAME)`, valid from `now`.
    public static func issue(for hostname: String, now: Date) throws(CodedError) -> RancherCertificateAuthority {
        let key = P256.Signing.PrivateKey()
        return try failing("issue the CA") {
            let name = try DistinguishedName {
                OrganizationName("Drover")
                CommonName("Drover Rancher CA (\(hostname.prefix(40)))")
            }
            let publicKey = Certificate.PublicKey(key.publicKey)
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: now - backdateSeconds, notValidAfter: now + days(caLifetimeDays), issuer: name, subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: publicKey)
                },
                issuerPrivateKey: .init(key))
            return RancherCertificateAuthority(certificate: certificate, key: key, pem: try pem(certificate))
        }
    }

    /// The CA recorded in state.
    /// - Throws: `CodedError` `InvalidRancherCA` when the PEM does not parse or the key does not match.
    public init(certificatePEM: String, privateKeyPEM: String) throws(CodedError) {
        let parsed: (Certificate, P256.Signing.PrivateKey)
        do {
            parsed = (try Certificate(pemEncoded: certificatePEM), try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM))
        } catch {
            throw Self.invalid("the recorded CA certificate or key does not parse (\(type(of: error)))")
        }
        guard parsed.0.publicKey == Certificate.PublicKey(parsed.1.publicKey) else {
            throw Self.invalid("the recorded CA key does not belong to the recorded CA certificate")
        }
        self.init(certificate: parsed.0, key: parsed.1, pem: certificatePEM)
    }

    private init(certificate: Certificate, key: P256.Signing.PrivateKey, pem: String) {
        self.certificate = certificate
        self.key = key
        self.certificatePEM = pem
        self.privateKeyPEM = key.pemRepresentation
    }

    /// When the CA expires.
    public var notAfter: Date { certificate.notValidAfter }

    /// The checksum Rancher's registration commands carry: lowercase hex SHA-256 of the CA PEM with a trailing
    /// newline ensured (rancher-api.md §6.1 and kube-and-rancher-wire.md §C.8, `CAChecksum()`).
    public var checksum: String { Self.checksum(of: certificatePEM) }

    /// The `CAChecksum()` of any PEM text.
    public static func checksum(of pem: String) -> String {
        let text = pem.hasSuffix("\n") ? pem : pem + "\n"
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A serving certificate for `hostname` (and `ipAddresses`, dotted IPv4) issued from `now`, with its new key; the
    /// chain is the leaf followed by this CA.
    public func issueServing(hostname: String, ipAddresses: [String] = [], now: Date) throws(CodedError) -> ServingCertificate {
        let leafKey = P256.Signing.PrivateKey()
        var names = [GeneralName.dnsName(hostname)]
        for address in ipAddresses {
            let octets = address.split(separator: ".").compactMap { UInt8($0) }
            guard octets.count == 4 else { throw Self.invalid("\(address) is not an IPv4 address for the certificate") }
            names.append(.ipAddress(ASN1OctetString(contentBytes: octets[...])))
        }
        let notAfter = min(now + Self.days(Self.servingLifetimeDays), certificate.notValidAfter)
        return try Self.failing("issue Rancher's serving certificate") {
            let leaf = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
                notValidBefore: now - Self.backdateSeconds, notValidAfter: notAfter, issuer: certificate.subject,
                subject: try DistinguishedName { CommonName(hostname) }, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(names)
                    AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                },
                issuerPrivateKey: .init(key))
            return ServingCertificate(chainPEM: try Self.pem(leaf) + certificatePEM, privateKeyPEM: leafKey.pemRepresentation, notAfter: notAfter)
        }
    }

    /// A serving certificate and its key.
    public struct ServingCertificate: Sendable {
        /// Leaf then CA, PEM.
        public var chainPEM: String
        /// The leaf's private key, PEM (secret).
        public var privateKeyPEM: String
        /// When the leaf expires.
        public var notAfter: Date
    }

    /// The first certificate (the leaf) of a PEM chain.
    public static func leaf(ofChain pem: String) throws(CodedError) -> Certificate {
        do {
            guard let first = try PEMDocument.parseMultiple(pemString: pem).first else { throw invalid("the serving certificate chain is empty") }
            return try Certificate(pemDocument: first)
        } catch let error as CodedError {
            throw error
        } catch {
            throw invalid("the recorded serving certificate does not parse (\(type(of: error)))")
        }
    }

    static func days(_ count: Int) -> TimeInterval { TimeInterval(count) * 86_400 }

    private static func pem(_ certificate: Certificate) throws -> String {
        try certificate.serializeAsPEM().pemString + "\n"
    }

    private static func invalid(_ message: String) -> CodedError {
        CodedError(
            code: "InvalidRancherCA", message: message,
            remediation: "the CA in the state file is damaged: restore the state from its backup (docs/state.md)",
            nothingApplied: true)
    }

    private static func failing<T>(_ what: String, _ body: () throws -> T) throws(CodedError) -> T {
        do { return try body() } catch {
            throw CodedError(code: "CertificateIssueFailed", message: "could not \(what): \(type(of: error))", nothingApplied: true)
        }
    }
}

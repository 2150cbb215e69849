import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway CA and a serving certificate it signed, for running the webhook in development or tests: the CA's
/// PEM goes into the webhook configuration's caBundle, the serving identity into `drover webhook serve`.
public struct DevelopmentCertificates: Sendable {
    /// The CA certificate (PEM), the trust anchor clients pin.
    public var caPEM: String
    /// The serving certificate and key signed by the CA.
    public var serving: ServingIdentity

    /// Issues a P-256 CA and a serving certificate for `dnsNames` and `ipAddresses`, valid for `days` from `now`.
    public init(dnsNames: [String], ipAddresses: [[UInt8]] = [[127, 0, 0, 1]], days: Int = 30, now: Date = Date()) throws {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("drover placement development CA") }
        let notBefore = now.addingTimeInterval(-300)
        let notAfter = now.addingTimeInterval(TimeInterval(days) * 86_400)
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let leafKey = P256.Signing.PrivateKey()
        let names = dnsNames.map { GeneralName.dnsName($0) } + ipAddresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0[...])) }
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName,
            subject: try DistinguishedName { CommonName(dnsNames.first ?? "drover-placement") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(caKey))
        caPEM = try ca.serializeAsPEM().pemString
        serving = ServingIdentity(certificateChainPEM: try leaf.serializeAsPEM().pemString, privateKeyPEM: leafKey.pemRepresentation)
    }

    /// The DNS names the in-cluster Service answers to (`name.namespace.svc` and its variants).
    public static func serviceNames(name: String, namespace: String) -> [String] {
        [name, "\(name).\(namespace)", "\(name).\(namespace).svc", "\(name).\(namespace).svc.cluster.local", "localhost"]
    }
}

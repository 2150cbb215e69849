import DroverEngine
import Foundation

/// `local.rancher_tls`: Drover's private CA and Rancher's serving certificate (`rancher.tls.source: private`).
///
/// Everything lives in the state file: a rerun keeps CA, certificate and keys. `read` reports the serving
/// certificate as due for renewal once it expires within `renewWithinDays`, through the observed input
/// `servingCertificate`, so the next plan shows the update and `drover apply` issues a new serving certificate from
/// the same CA (CA and checksum unchanged, so agents keep working). The CA's PEM is written to `caFile` (mode 0644)
/// for browsers and tools to trust; the CA's private key never leaves the state.
public struct RancherTLSHandler: ResourceHandler {
    /// What the certificates are for.
    public struct Inputs: Codable, Sendable, Equatable {
        /// The load balancer's FQDN, the serving certificate's DNS name.
        public var hostname: String
        /// IPv4 addresses added to the serving certificate's names, when known at plan time.
        public var ipAddresses: [String]
        /// How many days before expiry the serving certificate is renewed.
        public var renewWithinDays: Int
        /// `valid` as desired; `read` observes `renewal due (...)` when the certificate must be renewed.
        public var servingCertificate: String

        /// Creates inputs.
        public init(hostname: String, ipAddresses: [String] = [], renewWithinDays: Int = 30, servingCertificate: String = Inputs.valid) {
            self.hostname = hostname
            self.ipAddresses = ipAddresses
            self.renewWithinDays = renewWithinDays
            self.servingCertificate = servingCertificate
        }

        /// The desired state of the serving certificate.
        public static let valid = "valid"
    }

    /// The CA and the serving certificate.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The CA certificate, PEM (not secret: what clients pin and browsers trust).
        public var caCertificate: String
        /// Hex SHA-256 of `caCertificate` with a trailing newline: the agents' `--ca-checksum`.
        public var caChecksum: String
        /// The CA's private key, PEM (secret; referenced by nothing, it never leaves the state).
        public var caPrivateKey: String
        /// The serving certificate chain (leaf, CA), PEM.
        public var certificate: String
        /// The serving certificate's private key, PEM (secret).
        public var privateKey: String
        /// When the serving certificate expires, ISO 8601.
        public var notAfter: String
        /// When the CA expires, ISO 8601.
        public var caNotAfter: String
    }

    public let type = "local.rancher_tls"
    public var sensitiveOutputs: Set<String> { ["caPrivateKey", "privateKey"] }

    /// The CA file's name in Drover's working folder (`.drover/` beside the state).
    public static let caFileName = "rancher-ca.pem"

    /// Where the CA's PEM is written for the user (nil: nowhere).
    public let caFile: URL?
    /// The wall clock certificates are dated by (injected by tests).
    public let now: @Sendable () -> Date

    /// Creates the handler writing the CA to `caFile`, dating certificates by `now`.
    public init(caFile: URL?, now: @escaping @Sendable () -> Date = { Date() }) {
        self.caFile = caFile
        self.now = now
    }

    /// CA fields stay as they are on an update; the serving certificate, its key and expiry are new.
    public func plannedOutputs(old: Value?, new: Value, prior: Value?) -> Value? {
        guard old != nil, case .object(var fields)? = prior else { return nil }
        for field in ["certificate", "privateKey", "notAfter"] { fields[field] = .unknown }
        return .object(fields)
    }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let date = now()
        let ca = try RancherCertificateAuthority.issue(for: inputs.hostname, now: date)
        context.report("issued a private CA (checksum \(ca.checksum.prefix(12))…) valid until \(Self.day(ca.notAfter))")
        let outputs = try serving(inputs, ca: ca, now: date, context: context)
        try writeCAFile(outputs.caCertificate, context: context)
        return outputs
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        guard let prior else { return nil }
        let expiry = try RancherCertificateAuthority.leaf(ofChain: prior.certificate).notValidAfter
        guard Self.renewalDue(expiry: expiry, now: now(), withinDays: inputs.renewWithinDays) else { return Observed(prior) }
        var observed = inputs
        observed.servingCertificate = "renewal due (expires \(Self.day(expiry)))"
        return Observed(prior, inputs: observed)
    }

    /// Issues a new serving certificate from the recorded CA (renewal, or a new hostname); the CA stays.
    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        let ca = try RancherCertificateAuthority(certificatePEM: prior.caCertificate, privateKeyPEM: prior.caPrivateKey)
        let outputs = try serving(new, ca: ca, now: now(), context: context)
        try writeCAFile(outputs.caCertificate, context: context)
        return outputs
    }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        guard let caFile, (try? String(contentsOf: caFile, encoding: .utf8)) == prior.caCertificate else { return }
        try? FileManager.default.removeItem(at: caFile)
    }

    /// Whether a certificate expiring at `expiry` is renewed at `now`.
    public static func renewalDue(expiry: Date, now: Date, withinDays days: Int) -> Bool {
        expiry.timeIntervalSince(now) <= RancherCertificateAuthority.days(days)
    }

    private func serving(_ inputs: Inputs, ca: RancherCertificateAuthority, now: Date, context: OperationContext) throws(CodedError) -> Outputs {
        let serving = try ca.issueServing(hostname: inputs.hostname, ipAddresses: inputs.ipAddresses, now: now)
        context.report("issued Rancher's serving certificate for \(inputs.hostname), valid until \(Self.day(serving.notAfter))")
        return Outputs(
            caCertificate: ca.certificatePEM, caChecksum: ca.checksum, caPrivateKey: ca.privateKeyPEM, certificate: serving.chainPEM,
            privateKey: serving.privateKeyPEM, notAfter: Self.timestamp(serving.notAfter), caNotAfter: Self.timestamp(ca.notAfter))
    }

    /// Writes the CA's PEM (public) with mode 0644, so a browser or `curl --cacert` can be pointed at it.
    private func writeCAFile(_ pem: String, context: OperationContext) throws(CodedError) {
        guard let caFile else { return }
        do {
            try FileManager.default.createDirectory(at: caFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(pem.utf8).write(to: caFile, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: caFile.path)
        } catch {
            throw CodedError(
                code: "CannotWriteCA", message: "could not write Rancher's CA to \(caFile.path): \(error.localizedDescription)",
                remediation: "make \(caFile.deletingLastPathComponent().path) writable; the CA stays in the state either way")
        }
        context.report("wrote Rancher's CA to \(caFile.path)")
    }

    private static func timestamp(_ date: Date) -> String { date.formatted(.iso8601) }
    private static func day(_ date: Date) -> String { date.formatted(.iso8601.year().month().day()) }
}

import DroverEngine
import DroverNodes
import Foundation
import Testing
import X509

/// `local.rancher_tls`: Drover's private CA and Rancher's serving certificate, checked with swift-certificates'
/// verifier, through the engine on an injected wall clock.
@Suite struct RancherTLSTests {
    static let fqdn = "cattle-drive-rancher.eastus2.cloudapp.azure.com"
    static let start = Date(timeIntervalSince1970: 1_795_000_000)
    static let address = ResourceAddress(type: "local.rancher_tls", name: "rancher")

    /// A wall clock the test moves by hand.
    final class WallClock: @unchecked Sendable {
        private let lock = NSLock()
        private var date: Date
        init(_ start: Date) { date = start }
        var now: Date { lock.withLock { date } }
        func advance(days: Double) { lock.withLock { date += days * 86_400 } }
    }

    struct Harness {
        let clock = WallClock(RancherTLSTests.start)
        let folder: URL
        let engine: Engine
        var caFile: URL { folder.appendingPathComponent("rancher-ca.pem") }

        init() throws {
            folder = try LocalTools.temporaryFolder()
            var registry = ProviderRegistry()
            registry.register(RancherTLSHandler(caFile: folder.appendingPathComponent("rancher-ca.pem"), now: { [clock] in clock.now }))
            engine = Engine(registry: registry, store: InMemoryStateStore())
        }

        static let configuration = Configuration([
            DesiredResource(RancherTLSTests.address, inputs: [
                "hostname": .string(RancherTLSTests.fqdn), "ipAddresses": [], "renewWithinDays": 30, "servingCertificate": "valid",
            ]),
        ])

        func apply() async throws -> RancherTLSHandler.Outputs {
            let result = try await engine.apply(try await engine.plan(Self.configuration))
            #expect(result.succeeded)
            return try #require(try await outputs())
        }

        func outputs() async throws -> RancherTLSHandler.Outputs? {
            try await engine.store.load().resources[RancherTLSTests.address]?.outputs.decode(RancherTLSHandler.Outputs.self)
        }
    }

    /// Validates `chain`'s leaf for `hostname` against `caPEM` alone, at `time`.
    static func verify(_ chain: String, hostname: String, caPEM: String, at time: Date) async throws -> Bool {
        let leaf = try RancherCertificateAuthority.leaf(ofChain: chain)
        var verifier = Verifier(rootCertificates: CertificateStore([try Certificate(pemEncoded: caPEM)])) {
            RFC5280Policy(validationTime: time)
            ServerIdentityPolicy(serverHostname: hostname, serverIP: nil)
        }
        if case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore()) { return true }
        return false
    }

    @Test func issuesACAAndAServingCertificateForTheFQDNThatChainsToIt() async throws {
        let harness = try Harness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let outputs = try await harness.apply()
        let ca = try Certificate(pemEncoded: outputs.caCertificate)
        let leaf = try RancherCertificateAuthority.leaf(ofChain: outputs.certificate)
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(try leaf.extensions.subjectAlternativeNames.map(Array.init) == [.dnsName(Self.fqdn)])
        #expect(ca.notValidAfter.timeIntervalSince(Self.start) / 86_400 > 3649)
        #expect((364...366).contains(Int(leaf.notValidAfter.timeIntervalSince(Self.start) / 86_400)))
        #expect(outputs.certificate.hasSuffix(outputs.caCertificate), "the chain is the leaf followed by the CA")
        #expect(try await Self.verify(outputs.certificate, hostname: Self.fqdn, caPEM: outputs.caCertificate, at: Self.start))
        // The verifier does refuse: another name, another CA, a date after expiry.
        #expect(try await !Self.verify(outputs.certificate, hostname: "other.eastus2.cloudapp.azure.com", caPEM: outputs.caCertificate, at: Self.start))
        let stranger = try RancherCertificateAuthority.issue(for: Self.fqdn, now: Self.start)
        #expect(try await !Self.verify(outputs.certificate, hostname: Self.fqdn, caPEM: stranger.certificatePEM, at: Self.start))
        #expect(try await !Self.verify(outputs.certificate, hostname: Self.fqdn, caPEM: outputs.caCertificate, at: Self.start + 400 * 86_400))
    }

    /// rancher-api.md §6.1: lowercase hex SHA-256 of the CA PEM with a trailing newline, as `sha256sum` prints it.
    @Test func checksumIsSha256OfThePEMWithATrailingNewline() async throws {
        let harness = try Harness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let outputs = try await harness.apply()
        let file = harness.folder.appendingPathComponent("ca-for-sum.pem")
        try (outputs.caCertificate.hasSuffix("\n") ? outputs.caCertificate : outputs.caCertificate + "\n").write(to: file, atomically: true, encoding: .utf8)
        let sum = try await LocalTools.run("/usr/bin/sha256sum", [file.path])
        #expect(sum.output.split(separator: " ").first.map(String.init) == outputs.caChecksum)
        let trimmed = String(outputs.caCertificate.dropLast())
        #expect(RancherCertificateAuthority.checksum(of: trimmed) == outputs.caChecksum, "a missing newline is added before hashing")
        #expect(outputs.caChecksum.count == 64 && outputs.caChecksum == outputs.caChecksum.lowercased())
    }

    @Test func aRerunKeepsEverythingAndTheCAFileIsPublicOnly() async throws {
        let harness = try Harness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let first = try await harness.apply()
        harness.clock.advance(days: 300)
        _ = try await harness.engine.refresh()
        let plan = try await harness.engine.plan(Harness.configuration)
        #expect(!plan.hasChanges, "65 days before expiry nothing is renewed")
        #expect(try await harness.apply() == first)
        let written = try String(contentsOf: harness.caFile, encoding: .utf8)
        #expect(written == first.caCertificate)
        #expect(!written.contains("PRIVATE KEY"))
        let mode = try FileManager.default.attributesOfItem(atPath: harness.caFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test func renewalWithinThirtyDaysKeepsTheCA() async throws {
        let harness = try Harness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let first = try await harness.apply()
        harness.clock.advance(days: 340)
        let (_, drift) = try await harness.engine.refresh(only: [Self.address])
        #expect(drift[Self.address] == ["inputs.servingCertificate"])
        let plan = try await harness.engine.plan(Harness.configuration)
        let change = try #require(plan.changes.first { $0.address == Self.address })
        #expect(change.action == .update)
        #expect(change.before?["servingCertificate"]?.stringValue?.hasPrefix("renewal due (expires ") == true)
        let renewed = try await harness.apply()
        #expect(renewed.certificate != first.certificate && renewed.privateKey != first.privateKey)
        #expect(renewed.caCertificate == first.caCertificate && renewed.caChecksum == first.caChecksum && renewed.caPrivateKey == first.caPrivateKey)
        #expect(renewed.notAfter > first.notAfter)
        #expect(try await Self.verify(renewed.certificate, hostname: Self.fqdn, caPEM: first.caCertificate, at: harness.clock.now + 300 * 86_400))
        _ = try await harness.engine.refresh()
        #expect(!(try await harness.engine.plan(Harness.configuration)).hasChanges, "renewed once, then settled")
    }

    /// A renewal is planned with the serving certificate unknown, so what embeds it (the secrets script) is updated.
    @Test func plannedOutputsOfAnUpdateKeepTheCAOnly() throws {
        let prior: Value = ["caCertificate": "CA", "caChecksum": "sum", "caPrivateKey": "k", "certificate": "C", "privateKey": "p", "notAfter": "t", "caNotAfter": "u"]
        let planned = try #require(RancherTLSHandler(caFile: nil).plannedOutputs(old: [:], new: [:], prior: prior))
        #expect(planned["caCertificate"] == "CA" && planned["caChecksum"] == "sum")
        #expect(planned["certificate"] == .unknown && planned["privateKey"] == .unknown && planned["notAfter"] == .unknown)
        #expect(RancherTLSHandler(caFile: nil).plannedOutputs(old: nil, new: [:], prior: nil) == nil)
    }

    @Test func theSecretsManifestHoldsBothSecretsRancherReads() throws {
        let material = RancherTLSMaterial(certificate: "CERT\n", privateKey: "KEY\n", caCertificate: "CA\n")
        let documents = material.secretsManifest.components(separatedBy: "---\n").filter { !$0.isEmpty }
        #expect(documents.count == 3)
        #expect(documents[0].contains("kind: Namespace") && documents[0].contains("name: cattle-system"))
        #expect(documents[1].contains("type: kubernetes.io/tls") && documents[1].contains("name: tls-rancher-ingress") && documents[1].contains("tls.key"))
        #expect(documents[2].contains("name: tls-ca") && documents[2].contains("cacerts.pem"))
    }
}

@testable import DroverPlacement
import DroverPlacementNet
import Foundation
import Testing
import Yams

/// `drover webhook manifest`: golden, valid for kubernetes-validate, caBundle filled, exclusions and fail-open.
@Suite struct WebhookManifestTests {
    /// A fixed public CA certificate so the golden file is stable (no key is stored).
    static func fixedCA() throws -> String {
        try String(contentsOf: TestFiles.golden.appendingPathComponent("webhook/ca.pem"), encoding: .utf8)
    }

    static func render(rke1: Bool) throws -> String {
        try WebhookManifest(image: "registry.example.com/drover:0.1.0", caPEM: fixedCA(),
                            options: PlacementOptions(defaultOS: .linux, rke1WindowsPreferred: rke1)).rendered()
    }

    @Test func matchesGoldenAndPassesKubernetesValidate() async throws {
        let manifest = try Self.render(rke1: true)
        try TestFiles.expectGolden(manifest, "webhook/manifest-rke1.yaml")
        let folder = try TestFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("webhook.yaml")
        try manifest.write(to: file, atomically: true, encoding: .utf8)
        let result = try await TestFiles.run(TestFiles.kubernetesValidate, ["--strict", file.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("mutatingwebhookconfiguration/drover-placement"))
    }

    @Test func fillsCABundleExcludesSystemNamespacesAndFailsOpen() throws {
        let documents = try Yams.load_all(yaml: Self.render(rke1: false)).compactMap { $0 as? [String: Any] }
        #expect(documents.map { $0["kind"] as? String } == ["MutatingWebhookConfiguration", "Service", "Deployment"])
        let webhook = try #require((documents[0]["webhooks"] as? [[String: Any]])?.first)
        #expect(webhook["failurePolicy"] as? String == "Ignore")
        let caBundle = try #require((webhook["clientConfig"] as? [String: Any])?["caBundle"] as? String)
        #expect(Data(base64Encoded: caBundle).map { String(decoding: $0, as: UTF8.self) } == (try Self.fixedCA()))
        let excluded = ((webhook["namespaceSelector"] as? [String: Any])?["matchExpressions"] as? [[String: Any]])?.first?["values"] as? [String] ?? []
        #expect(excluded.contains("kube-system") && excluded.contains("cattle-system") && excluded.contains("drover-system"))
        #expect((webhook["matchConditions"] as? [[String: Any]])?.first?["expression"] as? String == "!request.namespace.startsWith('cattle-')")
        let podSpec = try #require(((documents[2]["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        #expect((podSpec["os"] as? [String: String]) == ["name": "linux"])
        #expect(podSpec["tolerations"] == nil)
        let args = (podSpec["containers"] as? [[String: Any]])?.first?["args"] as? [String] ?? []
        #expect(args.contains("--default-os") && !args.contains("--rke1-windows-preferred"))
    }

    @Test(arguments: [("Bad_Name", "drover-system"), ("ok", "-bad")])
    func refusesNamesThatAreNotDNSLabels(_ name: String, _ namespace: String) throws {
        #expect(throws: PlacementError.self) {
            try WebhookManifest(name: name, namespace: namespace, image: "x", caPEM: Self.fixedCA(), options: PlacementOptions())
        }
    }

    /// The development CA signs a serving certificate that names the Service.
    @Test func developmentCertificatesNameTheService() throws {
        let issued = try DevelopmentCertificates(dnsNames: DevelopmentCertificates.serviceNames(name: "drover-placement", namespace: "drover-system"))
        #expect(issued.caPEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
        #expect(issued.serving.privateKeyPEM.contains("PRIVATE KEY"))
        #expect(try WebhookManifest(image: "x", caPEM: issued.caPEM, options: PlacementOptions()).rendered().contains("caBundle: "))
    }
}

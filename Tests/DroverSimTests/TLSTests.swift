import AsyncHTTPClient
import DroverSim
import Foundation
import NIOSSL
import Testing
import X509

/// The listeners' certificate: signed by the simulator's CA, naming 127.0.0.1, localhost and the hostnames asked for.
@Suite struct TLSTests {
    /// The leaf names exactly 127.0.0.1, localhost and the requested hostnames, and the CA's key signed it.
    @Test func leafNamesTheRequestedHostsAndIsSignedByTheCA() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-sim-ca-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let authority = try CertificateAuthority.loadOrCreate(in: folder)
        let issued = try authority.issueServerCertificate(hostnames: ["rancher.eastus2.cloudapp.azure.com"])
        let leaf = try Certificate(pemEncoded: issued.certificatePEM)
        let ca = try Certificate(pemEncoded: authority.certificatePEM)
        #expect(ca.publicKey.isValidSignature(leaf.signature, for: leaf))
        #expect(leaf.issuer == ca.subject)
        let names = try #require(try leaf.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("rancher.eastus2.cloudapp.azure.com")))
        #expect(names.contains(.dnsName("localhost")))
        #expect(names.count == 3)
        // The same CA comes back from the folder.
        #expect(try CertificateAuthority.loadOrCreate(in: folder).certificatePEM == authority.certificatePEM)
    }

    @Test func clientsTrustingTheCAConnectByNameAndOthersAreRefused() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-sim-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let simulator = try AzureSimulator(configuration: .init(directory: folder, clock: ManualClock(), hostnames: ["rancher.eastus2.cloudapp.azure.com"]))
        let endpoints = try await simulator.start()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(endpoints.caFile))
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        // Like curl --resolve: the name is sent (SNI) and verified, the connection goes to loopback.
        configuration.dnsOverride = ["rancher.eastus2.cloudapp.azure.com": "127.0.0.1", "localhost": "127.0.0.1"]
        let port = endpoints.armHost.split(separator: ":")[1]
        // A client per name: a pooled connection verified for one name would otherwise serve the next.
        func status(_ host: String) async -> Int? {
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            defer { Task { try? await client.shutdown() } }
            let request = HTTPClientRequest(url: "https://\(host):\(port)/metadata/endpoints?api-version=2022-09-01")
            return try? Int(await client.execute(request, timeout: .seconds(20)).status.code)
        }
        #expect(await status("rancher.eastus2.cloudapp.azure.com") == 200)
        #expect(await status("localhost") == 200)
        #expect(await status("127.0.0.1") == 200)

        // A client that does not trust the simulator's CA is refused.
        let stranger = HTTPClient(eventLoopGroupProvider: .singleton)
        let refused = try? await stranger.execute(HTTPClientRequest(url: endpoints.armURL + "/metadata/endpoints"), timeout: .seconds(20))
        #expect(refused == nil)
        try await stranger.shutdown()
        await simulator.stop()
    }
}

import AsyncHTTPClient
@testable import DroverPlacement
import DroverPlacementNet
import Foundation
import Logging
import NIOCore
import NIOSSL
import Testing

/// The webhook over real TLS on 127.0.0.1, driven by AsyncHTTPClient pinned to the development CA.
@Suite struct WebhookServerTests {
    /// Runs a webhook with a fresh development CA for the length of `body`, passing its base URL and CA.
    static func withServer(maxBodyBytes: Int = 16 * 1024, _ body: (String, DevelopmentCertificates) async throws -> Void) async throws {
        let certificates = try DevelopmentCertificates(dnsNames: ["localhost"])
        let reviewer = AdmissionReviewer(placer: WorkloadPlacer(options: PlacementOptions(defaultOS: .linux)), maxBodyBytes: maxBodyBytes)
        let server = WebhookServer(reviewer: reviewer, identity: certificates.serving, host: "127.0.0.1", port: 0)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        // Quiet: cancelling the server at the end of a test logs the closing of open connections as errors.
        var logger = Logger(label: "drover.webhook.test")
        logger.logLevel = .critical
        let task = Task { try await server.run(logger: logger) { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        do {
            try await body("https://127.0.0.1:\(port)", certificates)
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
        task.cancel()
        _ = await task.result
    }

    /// A client that trusts only `caPEM`.
    static func client(trusting caPEM: String?) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caPEM { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8))) }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        // Generous: the whole suite keeps both cores busy (simulated clusters, kubectl), and a loaded machine once took
        // longer than 10 s to answer; the answers, not their speed, are under test (speed: docs/benchmarks.md).
        configuration.timeout = .init(connect: .seconds(15), read: .seconds(45))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// POSTs `body` to `/mutate` and returns the decoded review's response.
    static func post(_ client: HTTPClient, _ base: String, _ body: Data) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: "\(base)/mutate")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(45))
        #expect(response.status == .ok)
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        return try AdmissionReviewerTests.response(data)
    }

    @Test func answersAllowedPatchedMalformedAndOversizedReviews() async throws {
        try await Self.withServer { base, certificates in
            let client = try Self.client(trusting: certificates.caPEM)
            do {
                let configMap = try await Self.post(client, base, AdmissionReviewerTests.review(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"]], uid: "a1"))
                #expect(configMap["uid"] as? String == "a1" && configMap["allowed"] as? Bool == true && configMap["patch"] == nil)

                let pod: [String: Any] = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "iis"],
                                          "spec": ["containers": [["name": "iis", "image": "mcr.microsoft.com/windows/servercore:ltsc2022"]]]]
                let patched = try await Self.post(client, base, AdmissionReviewerTests.review(pod, uid: "a2"))
                #expect(patched["uid"] as? String == "a2" && patched["allowed"] as? Bool == true && patched["patchType"] as? String == "JSONPatch")
                let patch = try AdmissionReviewerTests.decodePatch(try #require(patched["patch"] as? String))
                let result = try #require(try JSONPatchApplier.apply(patch, to: pod) as? [String: Any])
                let spec = try #require(result["spec"] as? [String: Any])
                #expect((spec["os"] as? [String: String]) == ["name": "windows"])
                #expect((spec["nodeSelector"] as? [String: String]) == ["kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348"])

                let malformed = try await Self.post(client, base, Data("{\"kind\":".utf8))
                #expect(malformed["allowed"] as? Bool == false && (malformed["status"] as? [String: Any])?["code"] as? Int == 400)

                let oversized = try await Self.post(client, base, Data(repeating: 0x20, count: 64 * 1024))
                #expect(oversized["allowed"] as? Bool == false && (oversized["status"] as? [String: Any])?["code"] as? Int == 413)

                var health = HTTPClientRequest(url: "\(base)/healthz")
                health.method = .GET
                #expect(try await client.execute(health, timeout: .seconds(5)).status == .ok)
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    /// A client that does not trust the development CA is refused: TLS is verified, not merely present.
    @Test func untrustedClientsFailTheHandshake() async throws {
        try await Self.withServer { base, _ in
            let client = try Self.client(trusting: nil)
            await #expect(throws: (any Error).self) {
                _ = try await Self.post(client, base, Data("{}".utf8))
            }
            try await client.shutdown()
        }
    }
}

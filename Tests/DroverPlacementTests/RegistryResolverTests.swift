import AsyncHTTPClient
@testable import DroverPlacement
import DroverPlacementNet
import Foundation
import Testing

/// `--resolve` against a real registry (Debian's docker-registry on 127.0.0.1) holding OCI image indexes with
/// linux/amd64 and windows/amd64 10.0.17763 / 10.0.20348 entries, anonymous and behind basic auth.
@Suite(.serialized) struct RegistryResolverTests {
    /// Fills `registry` with the images the tests resolve.
    static func fill(_ registry: LocalRegistry, client: HTTPClient) async throws {
        try await registry.pushIndex("tools/multi", tag: "1.0", platforms: [("linux", nil), ("windows", "10.0.17763.5458"), ("windows", "10.0.20348.2227")], client: client)
        try await registry.pushIndex("tools/win", tag: "any", platforms: [("windows", "10.0.17763.5458"), ("windows", "10.0.20348.2227")], client: client)
        try await registry.pushIndex("tools/win2022", tag: "1.0", platforms: [("windows", "10.0.20348.2227")], client: client)
        _ = try await registry.pushImage("tools/single", tag: "1.0", os: "windows", osVersion: "10.0.17763.1", client: client)
        try await registry.pushIndex("tools/lin", tag: "1.0", platforms: [("linux", nil)], client: client)
    }

    static func resolver(_ registry: LocalRegistry, credential: RegistryCredential? = nil, cacheFile: URL? = nil) -> RegistryResolver {
        RegistryResolver(transport: HTTPRegistryTransport(), credentials: credential.map { [registry.host: $0] } ?? [:],
                         plainHTTPHosts: [registry.host], cacheFile: cacheFile)
    }

    static func expectVerdicts(_ verdicts: [String: ImageVerdict], _ host: String, sourceLocation: SourceLocation = #_sourceLocation) {
        func requirement(_ image: String) -> (OperatingSystem, Int?)? {
            guard case let .requires(os, build, _)? = verdicts["\(host)/\(image)"] else { return nil }
            return (os, build?.number)
        }
        guard case .multiOS? = verdicts["\(host)/tools/multi:1.0"] else { Issue.record("multi-OS index decided", sourceLocation: sourceLocation); return }
        #expect(requirement("tools/win:any").map { "\($0.0) \($0.1.map(String.init) ?? "-")" } == "windows -", sourceLocation: sourceLocation)
        #expect(requirement("tools/win2022:1.0").map { "\($0.0) \($0.1.map(String.init) ?? "-")" } == "windows 20348", sourceLocation: sourceLocation)
        #expect(requirement("tools/single:1.0").map { "\($0.0) \($0.1.map(String.init) ?? "-")" } == "windows 17763", sourceLocation: sourceLocation)
        #expect(requirement("tools/lin:1.0").map { "\($0.0)" } == "linux", sourceLocation: sourceLocation)
    }

    static let images = ["tools/multi:1.0", "tools/win:any", "tools/win2022:1.0", "tools/single:1.0", "tools/lin:1.0"]

    @Test func resolvesAnonymously() async throws {
        let registry = try await LocalRegistry()
        defer { registry.stop() }
        try await Self.fill(registry, client: .shared)
        let cache = try TestFiles.temporaryFolder().appendingPathComponent("cache.json")
        let (verdicts, failures) = await Self.resolver(registry, cacheFile: cache).verdicts(for: Self.images.map { "\(registry.host)/\($0)" })
        #expect(failures.isEmpty, "\(failures)")
        Self.expectVerdicts(verdicts, registry.host)

        // The cache answers once the registry is gone.
        registry.stop()
        let cached = await Self.resolver(registry, cacheFile: cache).verdicts(for: Self.images.map { "\(registry.host)/\($0)" })
        #expect(cached.failures.isEmpty)
        Self.expectVerdicts(cached.verdicts, registry.host)
        #expect(try FileManager.default.attributesOfItem(atPath: cache.path)[.posixPermissions] as? Int == 0o600)
    }

    @Test func resolvesWithBasicAuthAndRefusesWithout() async throws {
        let registry = try await LocalRegistry(auth: .basic(user: "puller", password: "s3cret-pass"))
        defer { registry.stop() }
        try await Self.fill(registry, client: .shared)
        let images = Self.images.map { "\(registry.host)/\($0)" }
        let anonymous = await Self.resolver(registry).verdicts(for: images)
        #expect(anonymous.verdicts.isEmpty)
        #expect(anonymous.failures.values.allSatisfy { $0.code == "RegistryUnauthorized" && !$0.message.contains("s3cret") })
        let wrong = await Self.resolver(registry, credential: RegistryCredential(username: "puller", password: "nope")).verdicts(for: images)
        #expect(wrong.failures.count == images.count)
        let authed = await Self.resolver(registry, credential: RegistryCredential(username: "puller", password: "s3cret-pass")).verdicts(for: images)
        #expect(authed.failures.isEmpty, "\(authed.failures)")
        Self.expectVerdicts(authed.verdicts, registry.host)
    }

    @Test func resolvesWithABearerTokenFromTheRealm() async throws {
        let tokens = try LocalTokenServer(user: "puller", password: "t0ken-pass")
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = Task { try await tokens.run { continuation.yield($0) } }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let tokenPort = try #require(await iterator.next())
        let repositories = ["tools/multi", "tools/win", "tools/win2022", "tools/single", "tools/lin"]
        let registry = try await LocalRegistry(auth: .token(realm: "http://127.0.0.1:\(tokenPort)/token", rootPEM: tokens.rootPEM(),
                                                            pushToken: tokens.token(repositories: repositories, actions: ["pull", "push"])))
        defer { registry.stop() }
        try await Self.fill(registry, client: .shared)
        let images = Self.images.map { "\(registry.host)/\($0)" }
        let anonymous = await Self.resolver(registry).verdicts(for: images)
        #expect(anonymous.verdicts.isEmpty)
        #expect(anonymous.failures.values.allSatisfy { $0.code == "RegistryUnauthorized" })
        let authed = await Self.resolver(registry, credential: RegistryCredential(username: "puller", password: "t0ken-pass")).verdicts(for: images)
        #expect(authed.failures.isEmpty, "\(authed.failures)")
        Self.expectVerdicts(authed.verdicts, registry.host)
    }

    @Test func resolvedPlatformsDrivePlacement() async throws {
        let registry = try await LocalRegistry()
        defer { registry.stop() }
        try await Self.fill(registry, client: .shared)
        let text = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: resolved
        spec:
          containers:
            - name: app
              image: \(registry.host)/tools/win2022:1.0
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: multi
        spec:
          containers:
            - name: app
              image: \(registry.host)/tools/multi:1.0

        """
        let images = try PlaceRun.images(in: text, file: "pods.yaml")
        let (verdicts, _) = await Self.resolver(registry).verdicts(for: images)
        let run = try PlaceRun(text: text, file: "pods.yaml", placer: WorkloadPlacer(analyzer: PodAnalyzer(resolved: verdicts)))
        #expect(run.placements.map(\.outcome) == [.placed(.windows, build: WindowsBuild(20348), decidedBy: .evidence), .undecided])
        #expect(run.output.contains("node.kubernetes.io/windows-build: 10.0.20348"))
        #expect(run.placements[1].evidence.first?.reason.contains("multi-OS image: registry lists linux/amd64, windows/amd64 10.0.17763.5458") == true)
    }
}

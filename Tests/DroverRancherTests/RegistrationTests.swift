@testable import DroverRancher
import DroverEngine
import Foundation
import Testing

/// rancher.registration_token and rancher.windows_registration (rancher-api.md §3, kube-and-rancher-wire.md §C.3,
/// peers.md §2.2).
@Suite struct RegistrationTests {
    static func apiToken(_ rancher: FakeRancher) -> String {
        rancher.with { $0.tokens["token-api"] = .init(secret: "s") }
        return "token-api:s"
    }

    /// 2.6+: default-token exists; Drover polls until token and nodeCommand are non-empty and creates nothing.
    @Test func pollsUntilTheTokenIsFilledIn() async throws {
        let rancher = FakeRancher { $0.tokenAfter = 3 }
        try await withRancher(rancher: rancher) { fx in
            let inputs = RegistrationTokenHandler.Inputs(
                url: RancherFixture.url, rancherToken: Self.apiToken(rancher), caCertificate: fx.ca.certificatePEM, clusterId: "c-m-abcd1234",
                api: "provisioning.cattle.io/v1")
            let out = try await RegistrationTokenHandler(session: fx.session).create(inputs, context: fx.context())
            #expect(out.token == FakeRancher.registrationToken)
            #expect(out.linuxCommand.contains("system-agent-install.sh"))
            #expect(out.id == "c-m-abcd1234:default-token")
            #expect(rancher.with { $0.tokenPolls } == 4)
            #expect(rancher.with { $0.crtCreated } == 0)
            #expect(fx.clock.sleeps == [3, 3, 3])
        }
    }

    /// The 2.3 API has no default-token for a new cluster: Drover creates it once.
    @Test func createsTheTokenOnTheV3API() async throws {
        let rancher = FakeRancher { $0.minor = 3 }
        try await withRancher(rancher: rancher) { fx in
            let inputs = RegistrationTokenHandler.Inputs(
                url: RancherFixture.url, rancherToken: Self.apiToken(rancher), caCertificate: fx.ca.certificatePEM, clusterId: "c-abcde", api: "v3")
            let out = try await RegistrationTokenHandler(session: fx.session).create(inputs, context: fx.context())
            #expect(out.token == FakeRancher.registrationToken)
            #expect(rancher.with { $0.crtCreated } == 1)
            let create = try #require(fx.server.requests.first { $0.method == "POST" })
            #expect(create.json?["type"] as? String == "clusterRegistrationToken")
            #expect(create.json?["clusterId"] as? String == "c-abcde")
            #expect(create.json?["name"] as? String == "default-token")
        }
    }

    /// The Windows command is held back, saying so, until Ready Linux etcd, control-plane and worker nodes exist; a
    /// Windows node or a NotReady Linux node does not count.
    @Test func windowsCommandWaitsForLinuxRoles() async throws {
        let rancher = FakeRancher { s in
            s.nodes = [
                .init(name: "k8s-lin-0", os: "linux", roles: ["etcd", "control-plane"], ready: true),
                .init(name: "k8s-win-0", os: "windows", roles: ["worker"], ready: true),
                .init(name: "k8s-lin-1", os: "linux", roles: ["worker"], ready: false),
            ]
        }
        try await withRancher(rancher: rancher) { fx in
            let inputs = WindowsRegistrationHandler.Inputs(
                url: RancherFixture.url, rancherToken: Self.apiToken(rancher), caCertificate: fx.ca.certificatePEM, clusterId: "c-m-abcd1234",
                timeoutSeconds: 60)
            let handler = WindowsRegistrationHandler(session: fx.session)
            let error = await #expect(throws: CodedError.self) { try await handler.create(inputs, context: fx.context()) }
            #expect(error?.code == "Timeout")
            #expect(error?.message.contains("no Ready Linux node with role worker") == true)
            #expect(fx.progress.messages.contains { $0.contains("Windows command held back") && $0.contains("still missing: worker") })
            #expect(!fx.server.requests.contains { $0.path == "/v3/clusterregistrationtokens" })

            rancher.with { $0.nodes[2].ready = true }
            let out = try await handler.create(inputs, context: fx.context())
            #expect(out.windowsCommand.contains("wins-agent-install.ps1"))
            #expect(out.windowsCommand.contains("-Worker"))
        }
    }
}

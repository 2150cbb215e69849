import DroverBlueprint
import DroverCLI
import DroverEngine
import DroverNodes
import DroverTestSupport
import Foundation
import Testing

/// What a user sees of a secret that travelled through references: `plan`, `state show` and `output` in every form.
@Suite struct SecretDisplayTests {
    typealias S = SecretRelayScenario

    @Test func relayedSecretIsHiddenInPlanStateShowAndOutput() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let statePath = dir.appendingPathComponent("drover.state.json").path
        let cloud = RecordingCloud()
        await cloud.fail("create", S.consumer, .quotingInputs)
        let engine = Engine(registry: S.registry(cloud), store: FileStateStore(path: statePath), clock: ManualClock())
        let firstPlan = PlanRenderer().render(try await engine.plan(S.configuration()))
        _ = try await engine.apply(try await engine.plan(S.configuration()))
        let secondPlan = PlanRenderer().render(try await engine.plan(S.configuration()))
        #expect(!firstPlan.contains(S.secret) && !secondPlan.contains(S.secret))
        #expect(secondPlan.contains("settings = (sensitive)"))

        let drover = try DroverBinary(directory: dir)
        for arguments in [
            ["state", "show", S.relay.description], ["state", "show", S.vault.description], ["output"], ["output", "-o", "json"],
        ] {
            let run = try await drover.run(arguments + ["--state", statePath])
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            #expect(!run.stdout.contains(S.secret) && !run.stderr.contains(S.secret), "\(arguments) printed the secret")
        }
        for form in [["output", "relayed"], ["output", "relayed", "-o", "json"]] {
            let refused = try await drover.run(form + ["--state", statePath])
            #expect(refused.status != 0 && !refused.stdout.contains(S.secret), "\(form) printed the secret")
            let shown = try await drover.run(form + ["--state", statePath, "--show-sensitive"])
            #expect(shown.status == 0 && shown.stdout.contains(S.secret), "\(form) --show-sensitive: \(shown.stderr)")
        }
    }

    /// Rancher's TLS keys (serving and CA) appear in no plan and no event, even while a new hostname re-issues the
    /// certificate and the secrets script embedding it changes.
    @Test func rancherTLSKeysStayOutOfPlansAndEvents() async throws {
        var registry = fakeRegistry()
        registry.register(RancherTLSHandler(caFile: nil))
        let events = Lines()
        let engine = Engine(registry: registry, store: InMemoryStateStore(), sink: { events.append($0.message ?? "") })
        let script = ResourceAddress(type: NodeArtifactHandler.secretType, name: "rancher/rke2-secrets")
        let tls = ResourceAddress(type: Blueprint.tlsType, name: "rancher")
        let first = try await engine.plan(Blueprint(spec: .defaults(for: .current)).configuration(), targets: [script])
        #expect(first.changes.contains { $0.address == tls && $0.action == .create })
        #expect(try await engine.apply(first).succeeded)
        let outputs = try #require(try await engine.store.load().resources[tls]?.outputs)
        // A PEM key's base64 body line: it sits indented inside the script's manifest, so the whole PEM would not match.
        func body(_ pem: String) -> String { String(pem.split(separator: "\n")[1]) }
        let keys = try ["privateKey", "caPrivateKey"].map { body(try #require(outputs[$0]?.stringValue)) }
        let text = try #require(try await engine.store.load().resources[script]?.outputs["text"]?.stringValue)
        #expect(text.contains(keys[0]) && !text.contains(keys[1]), "the script carries the serving key, never the CA's")

        var moved = ClusterSpec.defaults(for: .current)
        moved.rancher.dnsLabel = "other-rancher"
        let plan = try await engine.plan(Blueprint(spec: moved).configuration(), targets: [script])
        #expect(plan.changes.first { $0.address == tls }?.action == .update)
        let rendered = PlanRenderer().render(plan)
        // The script's certificate and key change (planned unknown), shown only as sensitive.
        #expect(rendered.contains("~ tls.privateKey") && rendered.contains("(sensitive) -> (sensitive)"))
        _ = try await engine.apply(plan)
        let renewedKey = body(try #require(try await engine.store.load().resources[tls]?.outputs["privateKey"]?.stringValue))
        for secret in keys + [renewedKey] {
            #expect(!rendered.contains(secret) && !events.all.joined().contains(secret))
        }
        #expect(!rendered.contains("PRIVATE KEY") && !events.all.joined().contains("PRIVATE KEY"))
    }
}

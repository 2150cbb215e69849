import DroverCLI
import DroverEngine
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
}

import DroverBlueprint
import DroverCLI
import DroverEngine
import DroverNodes
import DroverTestSupport
import Foundation
import Testing

/// Compares `actual` with the golden file `Snapshots/NAME`; `DROVER_RECORD_SNAPSHOTS=1` rewrites it and fails the
/// test, so a recording run can never pass as a checking one.
func assertSnapshot(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = folder.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["DROVER_RECORD_SNAPSHOTS"] != nil {
        try actual.write(to: file, atomically: true, encoding: .utf8)
        Issue.record("recorded snapshot \(name); review the diff and run again without DROVER_RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
        return
    }
    let expected = try #require(try? String(contentsOf: file, encoding: .utf8), "missing snapshot \(name); record with DROVER_RECORD_SNAPSHOTS=1", sourceLocation: sourceLocation)
    #expect(actual == expected, sourceLocation: sourceLocation)
}

/// The engine as `drover` builds it, with every cloud type served by the recording fake; secrets come out as
/// `/fake/NAME` values, so a test can check none leaks.
func fakeRegistry() -> ProviderRegistry {
    let cloud = RecordingCloud(extraOutputs: ["value", "name", "subnetId", "backendPoolId", "token", "linuxCommand", "windowsCommand", "appId", "secret"])
    var registry = CompositionRoot.registry(.forState(at: FileManager.default.temporaryDirectory.appendingPathComponent("unused").path))
    registry.register(RecordingHandler(cloud: cloud, type: "drover.secret", replaceTriggers: [], sensitiveOutputs: ["value"]))
    return registry
}

@Suite struct RenderingTests {
    @Test func defaultPlanMatchesGolden() async throws {
        let configuration = Blueprint(spec: .defaults(for: .current)).configuration()
        let plan = try await Engine(registry: fakeRegistry(), store: InMemoryStateStore()).plan(configuration)
        try assertSnapshot(PlanRenderer().render(plan), named: "plan-current.txt")
    }

    @Test func changedSpecPlansDeletesAndHidesSecrets() async throws {
        let store = InMemoryStateStore()
        let engine = Engine(registry: fakeRegistry(), store: store)
        // Create only the secrets; everything else stays planned.
        let base = Blueprint(spec: .defaults(for: .current)).configuration()
        let secrets = Set(base.resources.keys.filter { $0.type == "drover.secret" })
        _ = try await engine.apply(try await engine.plan(base, targets: secrets))
        var spec = ClusterSpec.defaults(for: .current)
        spec.rancher.version = "v2.14.1"
        spec.admin.windowsPassword = "Correct-Horse-42"
        let text = PlanRenderer().render(try await engine.plan(Blueprint(spec: spec).configuration()))
        #expect(!text.contains("/fake/"))
        #expect(!text.contains("Correct-Horse-42"))
        #expect(text.contains("adminPassword"))
        #expect(text.contains("(sensitive)"))
        #expect(text.contains("Plan: 45 to add, 0 to change, 1 to destroy."))
    }

    /// Every action at once: update (nested and sensitive fields), replace with the forcing field, delete, create.
    @Test func changesPlanMatchesGolden() async throws {
        var registry = ProviderRegistry()
        registry.register(RecordingHandler(cloud: RecordingCloud(), type: "test.vm", replaceTriggers: ["location"], sensitiveInputs: ["password"]))
        let engine = Engine(registry: registry, store: InMemoryStateStore())
        func vm(_ name: String, _ inputs: [String: Value]) -> DesiredResource {
            DesiredResource(ResourceAddress(type: "test.vm", name: name), inputs: inputs)
        }
        let before = Configuration([
            vm("web", ["size": "Standard_D2s_v3", "location": "eastus", "tags": ["env": "dev", "team": "ops"], "password": "old-Secret-1"]),
            vm("db", ["size": "Standard_D2s_v3", "location": "eastus"]),
            vm("old", ["size": "Standard_B1s", "location": "eastus"]),
            vm("disk", ["attachedTo": .reference(OutputReference("test.vm/db", "id"))]),
        ])
        _ = try await engine.apply(try await engine.plan(before))
        let after = Configuration([
            vm("web", ["size": "Standard_D4s_v3", "location": "eastus", "tags": ["env": "prod", "team": "ops"], "password": "new-Secret-2"]),
            vm("db", ["size": "Standard_D2s_v3", "location": "westus2"]),
            vm("disk", ["attachedTo": .reference(OutputReference("test.vm/db", "id"))]),
            vm("new", ["size": "Standard_B2s", "location": "eastus"]),
        ])
        let text = PlanRenderer().render(try await engine.plan(after))
        #expect(!text.contains("Secret-"))
        try assertSnapshot(text, named: "plan-changes.txt")
        let destroy = PlanRenderer().render(try await engine.plan(after, mode: .destroy))
        try assertSnapshot(destroy, named: "plan-destroy.txt")
    }

    /// Every file `drover render` writes for the default spec of each profile, secrets as placeholders.
    @Test(arguments: Profile.allCases) func renderedArtifactsMatchGolden(_ profile: Profile) throws {
        let artifacts = try NodeArtifacts(spec: .defaults(for: profile)).render(.placeholders)
        let text = artifacts.map { "=== \($0.path) (\($0.delivery.rawValue)\($0.sensitive ? ", sensitive" : ""))\n\($0.content)" }
            .joined(separator: "\n")
        try assertSnapshot(text, named: "render-\(profile.rawValue).txt")
    }

    @Test func noChangesSaysSo() async throws {
        let engine = Engine(registry: fakeRegistry(), store: InMemoryStateStore())
        let config = Configuration([DesiredResource("drover.secret/a", inputs: ["length": 16])])
        _ = try await engine.apply(try await engine.plan(config))
        #expect(PlanRenderer().render(try await engine.plan(config)) == "No changes. The infrastructure matches the configuration.\n")
    }

    @Test func progressMatchesGolden() throws {
        let lines = Lines()
        let view = ProgressView(write: { lines.append($0) })
        let vm: ResourceAddress = "azure.virtual_machine/k8s/win-0-vm"
        let nic: ResourceAddress = "azure.network_interface/k8s/win-0-vm"
        view.sink(EngineEvent(.started, address: nic, operation: "create"))
        view.sink(EngineEvent(.started, address: vm, operation: "create"))
        view.sink(EngineEvent(.succeeded, address: nic, operation: "create", elapsedSeconds: 3))
        view.sink(EngineEvent(.stillRunning, address: vm, operation: "create", elapsedSeconds: 80))
        view.sink(EngineEvent(.progress, address: vm, message: "provisioningState Creating"))
        view.sink(EngineEvent(
            .progress, address: "rancher.cluster_ready/windowshybrid", message: "3 of 4 nodes Ready",
            table: ProgressTable(columns: ["node", "os", "state", "since"], rows: [
                ["k8s-lin-0", "linux", "Ready", "2m10s"], ["k8s-win-0", "windows", "NotReady", "12m04s"],
            ])))
        view.sink(EngineEvent(.stillRunning, address: vm, operation: "create", elapsedSeconds: 3725))
        view.sink(EngineEvent(.failed, address: vm, operation: "create", message: "SkuNotAvailable", elapsedSeconds: 3725))
        view.sink(EngineEvent(.skipped, address: "azure.vm_extension/k8s/win-0-vm/join"))
        view.sink(EngineEvent(.finished, counts: ["create": 1, "failed": 1, "skipped": 1]))
        try assertSnapshot(lines.all.joined(separator: "\n") + "\n", named: "progress.txt")
    }

    @Test func jsonEventsAreOneObjectPerLine() throws {
        let lines = Lines()
        JSONEventView(write: { lines.append($0) }).sink(EngineEvent(.started, address: "azure.resource_group/k8s", operation: "create"))
        #expect(lines.all == [#"{"address":"azure.resource_group/k8s","kind":"started","operation":"create","type":"event"}"#])
    }

    @Test func destroyEndsWithDestroyComplete() throws {
        let lines = Lines()
        let view = ProgressView(write: { lines.append($0) })
        view.sink(EngineEvent(.planned, message: PlanMode.destroy.rawValue, counts: ["delete": 2]))
        view.sink(EngineEvent(.finished, counts: ["delete": 2]))
        #expect(lines.all == ["\nDestroy complete! Resources: 0 added, 0 changed, 2 destroyed."])
    }
}

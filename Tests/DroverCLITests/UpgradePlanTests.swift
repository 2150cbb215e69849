import DroverBlueprint
import DroverCLI
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// Plans of spec changes against a built cluster, with the replace triggers and sensitivity of the handlers
/// `drover` really registers, behind the recording fake.
@Suite struct UpgradePlanTests {
    /// Every type of `drover`'s registry, answered by the recording fake but keeping the real handler's facts.
    static func engine() -> Engine {
        let real = CompositionRoot.registry(.forState(at: FileManager.default.temporaryDirectory.appendingPathComponent("unused").path))
        let cloud = RecordingCloud(extraOutputs: [
            "value", "name", "subnetId", "backendPoolId", "token", "linuxCommand", "windowsCommand", "appId", "secret", "ipAddress",
            "fqdn", "principalId", "kubeconfigPath", "caChecksum",
        ])
        var registry = ProviderRegistry()
        for type in real.types {
            let facts = real.handler(for: type)!
            registry.register(
                RecordingHandler(
                    cloud: cloud, type: type, kind: facts.kind, replaceTriggers: facts.replaceTriggers,
                    createBeforeDestroy: facts.createBeforeDestroy, sensitiveInputs: facts.sensitiveInputs,
                    sensitiveOutputs: facts.sensitiveOutputs))
        }
        return Engine(registry: registry, store: InMemoryStateStore(), clock: ManualClock())
    }

    @Test func kubernetesUpgradeUpdatesTheClusterInPlaceAndReplacesNothing() async throws {
        let engine = Self.engine()
        var spec = ClusterSpec.defaults(for: .current)
        let built = try await engine.apply(try await engine.plan(Blueprint(spec: spec).configuration()))
        #expect(built.succeeded)
        spec.cluster.kubernetesVersion = "v1.34.3+rke2r1"
        let plan = try await engine.plan(Blueprint(spec: spec).configuration())
        let changed = plan.changes.filter { $0.action != .noop }
        #expect(changed.map(\.address) == ["rancher.cluster/windowshybrid"])
        #expect(changed.first?.action == .update)
        #expect(!plan.changes.contains { $0.action == .replace || $0.action == .delete })
    }
}

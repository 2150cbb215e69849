import DroverBlueprint
import DroverCLI
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// Plans of spec changes against a built cluster, with the replace triggers and sensitivity of the handlers
/// `drover` really registers, behind the recording fake.
@Suite struct UpgradePlanTests {
    @Test func kubernetesUpgradeUpdatesTheClusterInPlaceAndReplacesNothing() async throws {
        let engine = fakeCloudEngine()
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

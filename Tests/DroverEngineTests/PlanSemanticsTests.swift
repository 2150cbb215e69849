import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// Plans that mean what they say: updates keep outputs known, replacements order their dependents, data sources
/// are only read, drift is corrected.
@Suite struct PlanSemanticsTests {
    /// pip ← nic ← vm, each referencing the one before by id.
    static func chain(tags: Value = ["env": "dev"], nicZone: String = "1") -> Configuration {
        Configuration([
            thing("pip", ["tags": tags]),
            thing("nic", ["pip": ref("pip"), "zone": .string(nicZone)]),
            thing("vm", ["nic": ref("nic")]),
        ])
    }

    @Test func tagOnlyChangeUpstreamPlansExactlyOneUpdate() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(Self.chain()))
        let plan = try await engine.plan(Self.chain(tags: ["env": "prod"]))
        #expect(plan.changes.filter { $0.action != .noop }.map(\.address) == [address("pip")])
        #expect(plan.change(for: address("pip"))?.action == .update)
        await cloud.resetCalls()
        _ = try await engine.apply(plan)
        #expect(await cloud.calls.map(\.description) == ["update fake.thing/pip"])
    }

    /// A NIC that cannot change in place takes the VM that refers to it along: VM deleted first, NIC deleted,
    /// NIC created, VM created; the VM never points at a deleted NIC.
    @Test func destroyFirstReplacementReplacesItsDependentsInOrder() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(Self.chain()))
        let plan = try await engine.plan(Self.chain(nicZone: "2"))
        #expect(plan.change(for: address("nic"))?.action == .replace)
        #expect(plan.change(for: address("vm"))?.action == .replace)
        #expect(plan.change(for: address("vm"))?.reason?.contains("fake.thing/nic") == true)
        await cloud.resetCalls()
        let result = try await engine.apply(plan)
        #expect(result.succeeded)
        #expect(await cloud.calls.map(\.description) == [
            "delete fake.thing/vm", "delete fake.thing/nic", "create fake.thing/nic", "create fake.thing/vm",
        ])
        #expect(result.state.resources[address("vm")]?.inputs["nic"] == "/fake/nic~2")
    }

    /// With create-before-destroy the new NIC exists first, the VM is updated to it, and only then the old NIC goes.
    @Test func createBeforeDestroyUpdatesDependentsBeforeDeletingTheOldObject() async throws {
        let cloud = RecordingCloud()
        var registry = ProviderRegistry()
        registry.register(RecordingHandler(cloud: cloud, createBeforeDestroy: true))
        let store = InMemoryStateStore()
        let engine = Engine(registry: registry, store: store, parallelism: 4, clock: ManualClock())
        _ = try await engine.apply(try await engine.plan(Self.chain()))
        let plan = try await engine.plan(Self.chain(nicZone: "2"))
        #expect(plan.change(for: address("nic"))?.createBeforeDestroy == true)
        #expect(plan.change(for: address("vm"))?.action == .update)
        await cloud.resetCalls()
        let result = try await engine.apply(plan)
        #expect(result.succeeded)
        #expect(await cloud.calls.map(\.description) == ["create fake.thing/nic", "update fake.thing/vm", "delete fake.thing/nic"])
        #expect(result.state.deposed.isEmpty)
        #expect(await cloud.objects.keys.sorted() == ["/fake/nic~2", "/fake/pip", "/fake/vm"])
    }

    /// A create-before-destroy whose old object could not be deleted leaves it "deposed"; the next plan deletes it.
    @Test func deposedObjectLeftByAFailedDeletionIsDeletedNextTime() async throws {
        let cloud = RecordingCloud()
        var registry = ProviderRegistry()
        registry.register(RecordingHandler(cloud: cloud, createBeforeDestroy: true))
        let engine = Engine(registry: registry, store: InMemoryStateStore(), clock: ManualClock())
        _ = try await engine.apply(try await engine.plan(Self.chain()))
        await cloud.fail("delete", address("nic"), .refused)
        let failed = try await engine.apply(try await engine.plan(Self.chain(nicZone: "2")))
        #expect(failed.state.deposed[address("nic")]?.outputs["id"] == "/fake/nic")
        await cloud.heal()
        let plan = try await engine.plan(Self.chain(nicZone: "2"))
        #expect(plan.hasChanges && plan.deposedDeletions == [address("nic")])
        await cloud.resetCalls()
        let result = try await engine.apply(plan)
        #expect(await cloud.calls.map(\.description) == ["delete fake.thing/nic"])
        #expect(result.state.deposed.isEmpty)
    }

    @Test func dataSourcesAreReadNeverWrittenOrDeleted() async throws {
        let cloud = RecordingCloud()
        var registry = ProviderRegistry()
        registry.register(RecordingHandler(cloud: cloud))
        registry.register(RecordingHandler(cloud: cloud, type: "fake.existing", kind: .dataSource))
        let engine = Engine(registry: registry, store: InMemoryStateStore(), clock: ManualClock())
        let existing: ResourceAddress = "fake.existing/group"
        // Someone else made the group.
        _ = try await RecordingHandler(cloud: cloud, type: "fake.existing").create(["name": "group"], context: OperationContext(address: existing))
        let configuration = Configuration([
            DesiredResource(existing, inputs: ["name": "group"]),
            thing("vnet", ["group": .reference(OutputReference(existing, "id"))]),
        ])
        await cloud.resetCalls()
        let plan = try await engine.plan(configuration)
        #expect(plan.change(for: existing)?.action == .read)
        let result = try await engine.apply(plan)
        #expect(result.succeeded)
        #expect(result.state.resources[address("vnet")]?.inputs["group"] == "/fake/group")
        #expect(!(try await engine.plan(configuration)).hasChanges)
        _ = try await engine.apply(try await engine.plan(configuration, mode: .destroy))
        #expect(await cloud.operations("delete") == [address("vnet")])
        #expect(await cloud.resources[existing] != nil)
    }

    @Test func driftIsRecordedByRefreshAndCorrectedByTheNextApply() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(Self.chain()))
        await cloud.drift(address("pip"), "tags", to: ["env": "hacked"])
        let (_, drift) = try await engine.refresh()
        #expect(drift[address("pip")]?.contains("inputs.tags.env") == true)
        let plan = try await engine.plan(Self.chain())
        let change = try #require(plan.change(for: address("pip")))
        #expect(change.action == .update && change.changedPaths == ["tags.env"])
        await cloud.resetCalls()
        _ = try await engine.apply(plan)
        #expect(await cloud.calls.map(\.description) == ["update fake.thing/pip"])
        #expect(!(try await engine.plan(Self.chain())).hasChanges)
    }
}

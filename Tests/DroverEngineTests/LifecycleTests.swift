import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// A small network: group ← vnet ← nic-0, nic-1 ← vm-0 (nic-0); vm-0 also carries a secret.
func network(vmSize: String = "small", zone: String = "1", withVM: Bool = true) -> Configuration {
    var resources = [
        thing("group"),
        thing("vnet", ["group": ref("group")]),
        thing("nic-0", ["vnet": ref("vnet")]),
        thing("nic-1", ["vnet": ref("vnet")]),
    ]
    if withVM {
        resources.append(thing("vm-0", ["nic": ref("nic-0"), "size": .string(vmSize), "zone": .string(zone), "secret": "hunter2"]))
    }
    return Configuration(resources, outputs: ["vm_id": OutputDeclaration(withVM ? ref("vm-0") : "none"), "secret": OutputDeclaration(withVM ? ref("vm-0", "echo") : "x", sensitive: true)])
}

@Suite struct LifecycleTests {
    @Test func firstApplyCreatesInDependencyOrder() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        let plan = try await engine.plan(network())
        #expect(plan.counts[.create] == 5)
        #expect(plan.change(for: address("nic-0"))?.after?["vnet"] == .unknown)
        let result = try await engine.apply(plan)
        #expect(result.succeeded)
        let creates = await cloud.operations("create")
        #expect(creates.count == 5)
        #expect(creates.firstIndex(of: address("group"))! < creates.firstIndex(of: address("vnet"))!)
        #expect(creates.firstIndex(of: address("vnet"))! < creates.firstIndex(of: address("nic-0"))!)
        #expect(creates.firstIndex(of: address("nic-0"))! < creates.firstIndex(of: address("vm-0"))!)
        #expect(result.state.resources[address("vnet")]?.inputs["group"] == "/fake/group")
        #expect(result.state.outputs["vm_id"]?.value == "/fake/vm-0")
        #expect(result.state.resources[address("vm-0")]?.sensitivePaths == ["inputs.secret"])
        #expect(result.state.pendingOperations.isEmpty)
    }

    @Test func reapplyIsANoOpWithZeroCalls() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(network()))
        await cloud.resetCalls()
        let plan = try await engine.plan(network())
        #expect(!plan.hasChanges)
        let result = try await engine.apply(plan)
        #expect(result.succeeded)
        #expect(await cloud.calls.isEmpty)
    }

    @Test func inputChangeUpdatesInPlace() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(network()))
        await cloud.resetCalls()
        let plan = try await engine.plan(network(vmSize: "large"))
        let change = try #require(plan.change(for: address("vm-0")))
        #expect(change.action == .update)
        #expect(change.changedPaths == ["size"])
        #expect(plan.changes.filter { $0.action != .noop }.count == 1)
        _ = try await engine.apply(plan)
        #expect(await cloud.calls.map(\.description) == ["update fake.thing/vm-0"])
    }

    @Test func replaceTriggerDeletesThenCreates() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(network()))
        await cloud.resetCalls()
        let plan = try await engine.plan(network(zone: "2"))
        let change = try #require(plan.change(for: address("vm-0")))
        #expect(change.action == .replace)
        #expect(change.replacePaths == ["zone"])
        _ = try await engine.apply(plan)
        #expect(await cloud.calls.map(\.description) == ["delete fake.thing/vm-0", "create fake.thing/vm-0"])
    }

    @Test func removedResourceIsDeleted() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(network()))
        await cloud.resetCalls()
        let plan = try await engine.plan(network(withVM: false))
        #expect(plan.change(for: address("vm-0"))?.action == .delete)
        let result = try await engine.apply(plan)
        #expect(await cloud.calls.map(\.description) == ["delete fake.thing/vm-0"])
        #expect(result.state.resources[address("vm-0")] == nil)
    }

    @Test func partialFailureFinishesSiblingsAndSkipsDependents() async throws {
        let cloud = RecordingCloud()
        await cloud.failCreates([address("nic-0")])
        let events = EventRecorder()
        let engine = makeEngine(cloud, store: InMemoryStateStore(), events: events)
        let result = try await engine.apply(try await engine.plan(network()))
        #expect(result.failures.map(\.address) == [address("nic-0")])
        #expect(result.failures.first?.code == "Conflict")
        #expect(result.skipped == [address("vm-0")])
        #expect(Set(result.state.resources.keys) == [address("group"), address("vnet"), address("nic-1")])
        #expect(result.state.pendingOperations.isEmpty)
        #expect(!(await cloud.operations("create")).contains(address("vm-0")))
        #expect(events.events.contains { $0.kind == .skipped && $0.address == address("vm-0") })
        #expect(events.events.contains { $0.kind == .failed && $0.remediation == "pick another name" })
    }

    @Test func destroyDeletesDependentsFirst() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(network()))
        await cloud.resetCalls()
        let plan = try await engine.plan(network(), mode: .destroy)
        #expect(plan.changes.allSatisfy { $0.action == .delete })
        let result = try await engine.apply(plan)
        let deletes = await cloud.operations("delete")
        #expect(deletes.count == 5)
        #expect(deletes.firstIndex(of: address("vm-0"))! < deletes.firstIndex(of: address("nic-0"))!)
        #expect(deletes.firstIndex(of: address("nic-0"))! < deletes.firstIndex(of: address("vnet"))!)
        #expect(deletes.firstIndex(of: address("nic-1"))! < deletes.firstIndex(of: address("vnet"))!)
        #expect(deletes.last == address("group"))
        #expect(result.state.resources.isEmpty)
        #expect(await cloud.resources.isEmpty)
    }

    @Test func targetLimitsApplyToDependenciesAndDestroyToDependents() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        let plan = try await engine.plan(network(), targets: [address("nic-0")])
        #expect(Set(plan.changes.map(\.address)) == [address("group"), address("vnet"), address("nic-0")])
        _ = try await engine.apply(plan)
        _ = try await engine.apply(try await engine.plan(network()))
        let destroy = try await engine.plan(network(), mode: .destroy, targets: [address("vnet")])
        #expect(Set(destroy.changes.map(\.address)) == [address("vnet"), address("nic-0"), address("nic-1"), address("vm-0")])
    }

    @Test func cycleIsReportedWithItsAddresses() async throws {
        let engine = makeEngine(RecordingCloud(), store: InMemoryStateStore())
        let config = Configuration([thing("a", ["x": ref("c")]), thing("b", ["x": ref("a")]), thing("c", ["x": ref("b")])])
        await #expect {
            _ = try await engine.plan(config)
        } throws: { error in
            let error = try #require(error as? CodedError)
            return error.code == "DependencyCycle" && error.message.contains("fake.thing/a -> fake.thing/c -> fake.thing/b -> fake.thing/a")
        }
    }

    @Test func unknownReferenceIsRefused() async throws {
        let engine = makeEngine(RecordingCloud(), store: InMemoryStateStore())
        await #expect(throws: CodedError.self) { _ = try await engine.plan(Configuration([thing("a", ["x": ref("ghost")])])) }
    }

    @Test func refreshReportsDriftAndDeletion() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(network()))
        await cloud.drift(address("nic-1"), "name", to: "changed")
        await cloud.remove(address("vm-0"))
        let (state, drift) = try await engine.refresh()
        #expect(drift[address("nic-1")] == ["inputs.name", "outputs.echo", "outputs.generation"])
        #expect(drift[address("vm-0")] == ["(deleted)"])
        #expect(state.resources[address("vm-0")] == nil)
        let plan = try await engine.plan(network())
        #expect(plan.change(for: address("vm-0"))?.action == .create)
    }

    /// `refresh(only:)` reads just the named resources; drift elsewhere stays unrecorded until a full refresh.
    @Test func refreshOnlyReadsTheNamedResources() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(network()))
        await cloud.drift(address("nic-1"), "name", to: "changed")
        await cloud.remove(address("vm-0"))
        await cloud.resetCalls()
        let (state, drift) = try await engine.refresh(only: [address("nic-1")])
        #expect(await cloud.operations("read") == [address("nic-1")])
        #expect(drift.keys.sorted() == [address("nic-1")])
        #expect(state.resources[address("vm-0")] != nil, "vm-0 was not read, so its deletion is not recorded yet")
    }

    /// A create that takes long is reported as still running at every interval of the injected clock.
    @Test func longOperationsAreReportedStillRunning() async throws {
        let cloud = RecordingCloud()
        let gate = Gate()
        await cloud.setOnCreate { address in if address.name == "slow" { await gate.wait() } }
        let clock = ManualClock()
        let events = EventRecorder()
        let engine = makeEngine(cloud, store: InMemoryStateStore(), events: events, clock: clock)
        let plan = try await engine.plan(Configuration([thing("slow"), thing("quick")]))
        let run = Task { try await engine.apply(plan) }

        await gate.waitUntilWaiting()
        for _ in 0..<2 {
            await clock.waitForSleepers(1)
            clock.advance(10)
        }
        await clock.waitForSleepers(1)
        await gate.open()
        let result = try await run.value

        #expect(result.succeeded)
        let still = events.events.filter { $0.kind == .stillRunning }
        #expect(still.map(\.address) == [address("slow"), address("slow")])
        #expect(still.map(\.elapsedSeconds) == [10, 20])
        #expect(still.allSatisfy { $0.operation == "create" })
    }
}

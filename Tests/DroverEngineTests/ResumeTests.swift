import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// A failure after the remote side acted keeps the pending operation, so the rerun finishes it instead of
/// repeating it; waiting handlers run on the engine's clock and give up or stop cleanly.
@Suite struct ResumeTests {
    static let configuration = Configuration([thing("app", ["size": "small"])])

    @Test func createLostAfterEffectIsPolledNotRepeated() async throws {
        let cloud = RecordingCloud()
        await cloud.fail("create", address("app"), .lostAfterEffect)
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        let failed = try await engine.apply(try await engine.plan(Self.configuration))
        #expect(failed.failures.first?.code == "ConnectionLost")
        #expect(failed.state.pendingOperations[address("app")]?.kind == .create)
        await cloud.heal()
        await cloud.resetCalls()
        let rerun = try await engine.apply(try await engine.plan(Self.configuration))
        #expect(rerun.succeeded)
        #expect(await cloud.calls.map(\.description) == ["poll fake.thing/app"])
        #expect(await cloud.calls.first?.resumeToken == "op-app")
        #expect(await cloud.objects.count == 1)
    }

    @Test func updateLostAfterEffectIsSentAgainNeverCreated() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(Self.configuration))
        await cloud.fail("update", address("app"), .lostAfterEffect)
        let bigger = Configuration([thing("app", ["size": "large"])])
        let failed = try await engine.apply(try await engine.plan(bigger))
        #expect(failed.state.pendingOperations[address("app")]?.kind == .update)
        await cloud.heal()
        await cloud.resetCalls()
        let plan = try await engine.plan(bigger)
        #expect(plan.change(for: address("app"))?.action == .update && plan.change(for: address("app"))?.resuming == true)
        let rerun = try await engine.apply(plan)
        #expect(rerun.succeeded)
        #expect(await cloud.operations("create").isEmpty)
        #expect(rerun.state.resources[address("app")]?.inputs["size"] == "large")
    }

    @Test func deleteLostAfterEffectIsConfirmedByReadingNotRepeated() async throws {
        let cloud = RecordingCloud()
        let engine = makeEngine(cloud, store: InMemoryStateStore())
        _ = try await engine.apply(try await engine.plan(Self.configuration))
        await cloud.fail("delete", address("app"), .lostAfterEffect)
        let failed = try await engine.apply(try await engine.plan(Self.configuration, mode: .destroy))
        #expect(failed.state.pendingOperations[address("app")]?.kind == .delete)
        await cloud.heal()
        await cloud.resetCalls()
        let rerun = try await engine.apply(try await engine.plan(Self.configuration, mode: .destroy))
        #expect(rerun.succeeded && rerun.state.resources.isEmpty && rerun.state.pendingOperations.isEmpty)
        #expect(await cloud.calls.map(\.description) == ["read fake.thing/app"])
    }

    @Test func refusedOperationClearsItsPendingRecord() async throws {
        let cloud = RecordingCloud()
        await cloud.fail("create", address("app"), .refused)
        let failed = try await makeEngine(cloud, store: InMemoryStateStore()).apply(
            try await makeEngine(cloud, store: InMemoryStateStore()).plan(Self.configuration))
        #expect(failed.failures.first?.code == "Conflict")
        #expect(failed.state.pendingOperations.isEmpty)
    }

    /// A crash left a pending create without a token; the object exists but is still provisioning: the engine polls
    /// it on its clock until it settles, then adopts it, never creating a second one.
    @Test func resumedCreatePollsUntilTheObjectSettles() async throws {
        let cloud = RecordingCloud()
        _ = try await RecordingHandler(cloud: cloud).create(["name": "app", "size": "small"], context: OperationContext(address: address("app")))
        await cloud.keepProvisioning(address("app"), reads: 3)
        var crashed = StateSnapshot()
        crashed.apply(.pending(PendingOperation(address: address("app"), kind: .create, startedAt: Date(), inputs: ["name": "app", "size": "small"])))
        let clock = ManualClock()
        let engine = makeEngine(cloud, store: InMemoryStateStore(crashed), clock: clock)
        let plan = try await engine.plan(Self.configuration)
        await cloud.resetCalls()
        let run = Task { try await engine.apply(plan) }
        for _ in 0..<2 {
            // One sleeper is the still-running heartbeat, the other the settle poll.
            await clock.waitForSleepers(2)
            clock.advance(5)
        }
        let result = try await run.value
        #expect(result.succeeded)
        // Three reads find it provisioning (the first, then one before each of two sleeps); the fourth adopts it.
        #expect(await cloud.calls.map(\.description) == Array(repeating: "read fake.thing/app", count: 4))
        #expect(result.state.resources[address("app")]?.outputs["id"] == "/fake/app")
    }

    @Test func waiterTimesOutOnTheEngineClockWithItsDiagnosis() async throws {
        let clock = ManualClock()
        let context = OperationContext(address: "fake.node/win-0", clock: clock)
        let wait = Task {
            try await context.wait(for: "node win-0 to be Ready", every: 30, timeout: 1200, diagnosis: { "kubelet has not posted status" }) {
                nil as Bool?
            }
        }
        for _ in 0..<40 {
            await clock.waitForSleepers(1)
            clock.advance(30)
        }
        await #expect {
            _ = try await wait.value
        } throws: { error in
            let error = try #require(error as? CodedError)
            return error.code == "Timeout" && error.message == "gave up waiting for node win-0 to be Ready after 1200s: kubelet has not posted status"
        }
    }

    @Test func theEngineDeadlineCutsAHandlersLongerTimeoutShort() async throws {
        let clock = ManualClock()
        let context = OperationContext(address: "fake.node/win-0", clock: clock, deadline: 90)
        let wait = Task { try await context.wait(for: "node win-0", every: 30, timeout: 1200) { nil as Bool? } }
        for _ in 0..<3 {
            await clock.waitForSleepers(1)
            clock.advance(30)
        }
        await #expect {
            _ = try await wait.value
        } throws: { error in (error as? CodedError)?.message == "gave up waiting for node win-0 after 90s" }
    }

    /// The manual clock never moves: only the stop signal can end this hour-long wait, and the run records it as
    /// interrupted with its pending operation kept for the next run.
    @Test func stopRaisedMidWaitEndsTheRunAndKeepsThePendingOperation() async throws {
        let cloud = RecordingCloud()
        var registry = ProviderRegistry()
        registry.register(RecordingHandler(cloud: cloud, createSeconds: 3600))
        let clock = ManualClock()
        let engine = Engine(registry: registry, store: InMemoryStateStore(), clock: clock)
        let stop = StopSignal()
        let run = Task { try await engine.apply(try await engine.plan(Self.configuration), stop: stop) }
        await clock.waitForSleepers(2)
        stop.raise()
        let result = try await run.value
        #expect(result.failures.isEmpty)
        #expect(result.notStarted == [address("app")])
        #expect(result.state.pendingOperations[address("app")]?.resumeToken == "op-app")
        #expect(clock.now() == 0)
    }
}

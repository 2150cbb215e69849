import DroverEngine
import DroverTestSupport
import Foundation
import Synchronization
import Testing

/// A handler's waits on the engine clock leave `waited` events, so a timeline can tell waiting from working.
@Suite struct WaitEventTests {
    @Test func aHandlerWaitingForTheRemoteSideReportsHowLongItWaited() async throws {
        let cloud = RecordingCloud()
        let clock = ManualClock()
        let events = EventRecorder()
        let engine = makeEngine(cloud, store: InMemoryStateStore(), events: events, clock: clock)
        let plan = try await engine.plan(Configuration([thing("app", ["seconds": 30])]))
        let run = Task { try await engine.apply(plan) }
        // One sleeper is the still-running heartbeat, the other the handler waiting for the object to be ready.
        await clock.waitForSleepers(2)
        clock.advance(30)
        #expect(try await run.value.succeeded)
        let waits = events.events.filter { $0.kind == .waited }
        #expect(waits.count == 1)
        #expect(waits.first?.address == address("app"))
        #expect(waits.first?.elapsedSeconds == 30)
    }

    @Test func aWaitCutShortByStopIsStillReported() async throws {
        let clock = ManualClock()
        let stop = StopSignal()
        let waited = Mutex<[Double]>([])
        let context = OperationContext(address: address("app"), clock: clock, stop: stop, reportWait: { seconds in waited.withLock { $0.append(seconds) } })
        let sleeper = Task { try await context.sleep(seconds: 60) }
        await clock.waitForSleepers(1)
        clock.advance(12)
        stop.raise()
        await #expect(throws: CodedError.self) { try await sleeper.value }
        #expect(waited.withLock { $0 } == [12])
    }
}

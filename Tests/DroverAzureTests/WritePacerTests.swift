@testable import DroverAzure
import DroverEngine
import DroverHTTP
import DroverTestSupport
import Testing

/// The write pacer mirrors ARM's write bucket: it spends what is left, then waits exactly for each refill, on the
/// service's time.
@Suite struct WritePacerTests {
    static func answer(remaining: Int) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("x-ms-ratelimit-remaining-subscription-writes", "\(remaining)")])
    }

    @Test func writesGoUnpacedOnceAReadingShowsTheBudgetIsAmple() async throws {
        let pacer = WritePacer()
        let clock = SkippingClock()
        try await pacer.beforeWrite(clock: clock, sleep: { try await clock.sleep(seconds: $0) })
        await pacer.observe(Self.answer(remaining: 1199), at: clock.now())
        for _ in 0..<50 { try await pacer.beforeWrite(clock: clock, sleep: { try await clock.sleep(seconds: $0) }) }
        #expect(clock.sleeps.isEmpty)
    }

    @Test(arguments: [1.0, 0.01])
    func aLowBudgetIsSpentThenEachWriteWaitsForItsRefill(scale: Double) async throws {
        let pacer = WritePacer(writesPerHour: 1200, serviceTimeScale: scale, reserve: 1)
        let clock = SkippingClock()
        let sleep: HTTPTransport.Sleeper = { try await clock.sleep(seconds: $0) }
        try await pacer.beforeWrite(clock: clock, sleep: sleep)
        await pacer.observe(Self.answer(remaining: 3), at: clock.now())
        // Three left, one kept in reserve: two go at once.
        try await pacer.beforeWrite(clock: clock, sleep: sleep)
        try await pacer.beforeWrite(clock: clock, sleep: sleep)
        #expect(clock.sleeps.isEmpty)
        // The third waits for one refill: 3 s of Azure time (1200 an hour), scaled to the service's pace.
        try await pacer.beforeWrite(clock: clock, sleep: sleep)
        #expect(clock.sleeps.count == 1)
        #expect(abs(clock.now() - 3 * scale) < 1e-9)
    }

    @Test func writesInFlightWhenAReadingArrivesAreCountedAsUnspent() async throws {
        let pacer = WritePacer(writesPerHour: 3600, serviceTimeScale: 1, reserve: 0)
        let clock = SkippingClock()
        let sleep: HTTPTransport.Sleeper = { try await clock.sleep(seconds: $0) }
        try await pacer.beforeWrite(clock: clock, sleep: sleep)
        await pacer.observe(Self.answer(remaining: 10), at: clock.now())
        for _ in 0..<3 { try await pacer.beforeWrite(clock: clock, sleep: sleep) }
        // The first of three answers says two are left; the other two writes may not be counted yet.
        await pacer.observe(Self.answer(remaining: 2), at: clock.now())
        #expect(await pacer.available(at: clock.now()) == 0)
        try await pacer.beforeWrite(clock: clock, sleep: sleep)
        #expect(clock.sleeps == [1])
    }

    @Test func aFailedWriteFreesItsPlaceInFlight() async throws {
        let pacer = WritePacer(writesPerHour: 3600, serviceTimeScale: 1, reserve: 0)
        let clock = SkippingClock()
        let sleep: HTTPTransport.Sleeper = { try await clock.sleep(seconds: $0) }
        try await pacer.beforeWrite(clock: clock, sleep: sleep)
        await pacer.observe(Self.answer(remaining: 10), at: clock.now())
        try await pacer.beforeWrite(clock: clock, sleep: sleep)
        try await pacer.beforeWrite(clock: clock, sleep: sleep)
        await pacer.observe(nil, at: clock.now())
        await pacer.observe(Self.answer(remaining: 5), at: clock.now())
        #expect(await pacer.available(at: clock.now()) == 5)
    }
}

extension WritePacerTests {
    @Test func untilTheFirstReadingOneWriteProbesTheBudgetForTheOthers() async throws {
        let pacer = WritePacer(writesPerHour: 3600, serviceTimeScale: 1, reserve: 0)
        let clock = SkippingClock()
        let sleep: HTTPTransport.Sleeper = { try await clock.sleep(seconds: $0) }
        try await pacer.beforeWrite(clock: clock, sleep: sleep)
        let second = Task { try await pacer.beforeWrite(clock: clock, sleep: sleep) }
        // The second write is held until the probe's answer says the budget is spent; then it waits one refill.
        while await pacer.waitingForFirstReading == 0 { await Task.yield() }
        await pacer.observe(Self.answer(remaining: 0), at: clock.now())
        try await second.value
        #expect(clock.sleeps == [1])
    }
}

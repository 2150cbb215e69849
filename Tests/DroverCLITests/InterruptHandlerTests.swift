@testable import DroverCLI
import DroverEngine
import Foundation
import Testing

/// Ctrl-C during apply: the first SIGINT asks the engine to stop gracefully instead of killing the process.
@Suite(.serialized) struct InterruptHandlerTests {
    @Test func firstInterruptRaisesTheStopSignal() async throws {
        let stop = StopSignal()
        let handler = InterruptHandler.install { stop.raise() }
        defer { handler.cancel() }
        #expect(!stop.isRaised)
        kill(getpid(), SIGINT)
        // The watcher thread raises the signal; wait for it without sleeping, and never forever.
        for _ in 0..<1_000_000 where !stop.isRaised { await Task.yield() }
        #expect(stop.isRaised)
    }
}

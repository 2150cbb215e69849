import DroverEngine
import DroverNodes
import Foundation
import Testing

@Suite struct ProcessRunnerTests {
    @Test func collectsOutputAndStatus() async throws {
        let out = try await ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "echo a; echo b >&2; exit 4"])
        #expect(out.status == 4)
        #expect(out.stdout == "a\n")
        #expect(out.stderr == "b\n")
    }

    @Test func processPastItsTimeoutIsKilledAndReported() async throws {
        let out = try await ProcessRunner.run(URL(fileURLWithPath: "/bin/sleep"), ["30"], timeout: .milliseconds(300))
        #expect(out.timedOut)
        #expect(out.status == 128 + SIGKILL)
    }

    @Test func linesStreamAsTheyArrive() async throws {
        let lines = Counter()
        _ = try await ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "echo 1; echo 2 >&2; printf 3"], onLine: { lines.add(Int($0)!) })
        #expect(lines.values.sorted() == [1, 2, 3])
    }
}

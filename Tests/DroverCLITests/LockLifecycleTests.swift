import DroverEngine
import Foundation
import Testing

/// Every way a run ends releases the state lock; the built binary is run the way a user runs it.
@Suite struct LockLifecycleTests {
    private func workspace() throws -> (DroverBinary, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try DroverBinary(directory: dir), dir)
    }

    /// 301 workload nodes: plan and apply print several hundred kilobytes, more than a pipe holds.
    private func writeLargeSpec(in dir: URL) throws {
        try """
            cluster:
              network: {vnet: 10.0.0.0/16, subnet: 10.0.0.0/20}
              nodePools:
                - {name: etcd, roles: [etcd, controlplane, worker], count: 1}
                - {name: worker, roles: [worker], count: 300}

            """.write(to: dir.appendingPathComponent("drover.yaml"), atomically: true, encoding: .utf8)
    }

    private func exists(_ dir: URL, _ name: String) -> Bool {
        FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path)
    }

    @Test func ctrlCAtTheConfirmationPromptReleasesTheLock() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try await drover("init").status == 0)
        let terminal = try PseudoTerminal()
        let run = try DroverProcess(drover, ["apply"], stdin: terminal.follower)
        run.waitForStdout("Enter a value:")
        #expect(exists(dir, "drover.state.json.lock"))
        run.send(SIGINT)
        #expect(run.wait() == 130)
        #expect(run.stderr.contains("nothing was changed"))
        #expect(!exists(dir, "drover.state.json.lock"))
        #expect(!exists(dir, "drover.state.json"))
    }

    @Test func secondCtrlCDuringApplyReleasesTheLock() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeLargeSpec(in: dir)
        let run = try DroverProcess(drover, ["apply", "--auto-approve"])
        // Once apply has started, its progress lines fill the unread pipe and the run blocks mid-apply.
        run.stopReadingStdout(after: "Creating...")
        run.send(SIGINT)
        run.waitForStderr("Press Ctrl-C again to quit at once")
        #expect(exists(dir, "drover.state.json.lock"))
        run.send(SIGINT)
        #expect(run.wait() == 130)
        #expect(!exists(dir, "drover.state.json.lock"))
        // The next run is not blocked.
        #expect(try await drover("plan").status == 0)
    }

    @Test func closedOutputPipeEndsThePlanCleanly() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeLargeSpec(in: dir)
        let shell = try await DroverBinary(executable: URL(fileURLWithPath: "/bin/bash"), directory: dir)(
            "-c", "\"$0\" plan | head -1; exit ${PIPESTATUS[0]}", drover.executable.path)
        #expect(shell.status == 0, "\(shell.stderr)")
        #expect(shell.stdout == "Drover will perform the following actions:\n")
        #expect(!exists(dir, "drover.state.json.lock"))
    }

    @Test func runsStartedTogetherSeeACompleteLockNamingTheHolder() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try await drover("init").status == 0)
        let runs = try await withThrowingTaskGroup(of: DroverBinary.Run.self) { group in
            for _ in 0..<10 { group.addTask { try await drover("plan") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(runs.contains { $0.status == 0 })
        for run in runs where run.status != 0 {
            #expect(run.status == 1)
            #expect(run.stderr.contains("the state is locked by `plan` (pid "), "\(run.stderr)")
            #expect(!run.stderr.contains("damaged") && !run.stderr.contains("delete"), "\(run.stderr)")
        }
        #expect(!exists(dir, "drover.state.json.lock"))
    }

    @Test func lockOfADeadProcessOnThisHostIsTakenOverWithANote() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try await drover("init").status == 0)
        let deadPID = try await writeLockOfDeadProcess(in: dir)

        let plan = try await drover("plan")
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stderr.contains("Note: took over the state lock of `apply` (pid \(deadPID)"))
        #expect(plan.stderr.split(separator: "\n").count == 1)
        #expect(!exists(dir, "drover.state.json.lock"))
    }

    /// This test process holds the lock, as a running `drover apply` on this host would.
    @Test func forceUnlockRefusesAHolderRunningOnThisHostUnlessForced() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try await drover("init").status == 0)
        let store = FileStateStore(path: dir.appendingPathComponent("drover.state.json").path)
        let held = try await store.lock(operation: "apply")

        let blocked = try await drover("plan")
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("pid \(ProcessInfo.processInfo.processIdentifier) on \(LockInfo.localHost)"))
        #expect(!blocked.stderr.contains("delete"))

        let wrong = try await drover("force-unlock", "not-the-id")
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains(held.id))
        let refused = try await drover("force-unlock", held.id)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("still running on this host"))
        #expect(refused.stderr.contains("--force"))
        #expect(exists(dir, "drover.state.json.lock"))
        let forced = try await drover("force-unlock", held.id, "--force")
        #expect(forced.status == 0)
        #expect(!exists(dir, "drover.state.json.lock"))
        #expect(try await drover("plan").status == 0)
        #expect(try await drover("force-unlock", held.id).stderr.contains("not locked"))
        try await store.unlock(held)
    }
}

import DroverEngine
import DroverTestSupport
import Foundation
import Testing

@Suite struct StateStoreTests {
    @Test func commitWritesMode0600WithBackupAndClearsJournal() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("drover.state.json").path
        let engine = makeEngine(RecordingCloud(), store: FileStateStore(path: path))
        _ = try await engine.apply(try await engine.plan(network()))
        _ = try await engine.apply(try await engine.plan(network(vmSize: "large")))
        for file in [path, path + ".backup"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: path + ".journal"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect(json?["version"] as? Int == 1)
        #expect(json?["serial"] as? Int == 2)
        let backup = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path + ".backup"))) as? [String: Any]
        #expect(backup?["serial"] as? Int == 1)
        #expect(json?["lineage"] as? String == backup?["lineage"] as? String)
    }

    @Test func secondLockFailsNamingTheHolderAndForceUnlockBreaksIt() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("drover.state.json").path
        let first = try await FileStateStore(path: path).lock(operation: "apply")
        let other = FileStateStore(path: path)
        do {
            _ = try await other.lock(operation: "apply")
            Issue.record("a second lock was granted")
        } catch let error as StateLockedError {
            #expect(error.holder.id == first.id)
            #expect(error.description.contains("pid \(ProcessInfo.processInfo.processIdentifier)"))
            #expect(error.remediation.contains("still running on this host"))
        }
        await #expect(throws: CodedError.self) { try await other.forceUnlock(id: "wrong") }
        // The holder (this process) still runs: breaking its lock needs `force`.
        await #expect(throws: CodedError(code: "LockHolderRunning", message: "the lock is held by `apply`, pid \(getpid()), which is still running on this host",
            remediation: "let it finish or stop it with Ctrl-C; `drover force-unlock \(first.id) --force` breaks the lock anyway, and two runs may then write the same state")) {
            try await other.forceUnlock(id: first.id)
        }
        try await other.forceUnlock(id: first.id, force: true)
        let again = try await other.lock(operation: "destroy")
        try await other.unlock(again)
        #expect(!FileManager.default.fileExists(atPath: path + ".lock"))
    }

    @Test func newerStateVersionIsRefused() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.json").path
        try Data(#"{"version": 9, "serial": 1, "lineage": "x"}"#.utf8).write(to: URL(fileURLWithPath: path))
        await #expect(throws: StateFileError.self) { _ = try await FileStateStore(path: path).load() }
    }

    @Test func stalePlanIsRefused() async throws {
        let store = InMemoryStateStore()
        let engine = makeEngine(RecordingCloud(), store: store)
        let plan = try await engine.plan(network())
        _ = try await engine.apply(try await engine.plan(network()))
        await #expect(throws: CodedError.self) { _ = try await engine.apply(plan) }
    }
}

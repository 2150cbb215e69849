import DroverEngine
import DroverTestSupport
import Foundation
import Testing

@Suite struct CrashRecoveryTests {
    /// Ctrl-C during apply: the operation in flight finishes and is recorded, nothing new starts, and the next run
    /// does only what is left.
    @Test func stopSignalFinishesInFlightAndStartsNothingNew() async throws {
        let cloud = RecordingCloud()
        let stop = StopSignal()
        await cloud.setOnCreate { address in if address.name == "a" { stop.raise() } }
        let store = InMemoryStateStore()
        let engine = makeEngine(cloud, store: store, parallelism: 1)
        let configuration = Configuration([thing("a"), thing("b"), thing("c", ["parent": ref("a")])])
        let result = try await engine.apply(try await engine.plan(configuration), stop: stop)

        #expect(!result.succeeded)
        #expect(result.failures.isEmpty)
        #expect(result.notStarted == [address("b"), address("c")])
        #expect(result.state.resources.keys.sorted() == [address("a")])
        #expect(result.state.pendingOperations.isEmpty)

        await cloud.setOnCreate(nil)
        await cloud.resetCalls()
        let rerun = try await engine.apply(try await engine.plan(configuration))
        #expect(rerun.succeeded)
        #expect(await cloud.operations("create").sorted() == [address("b"), address("c")])
    }

    /// Copies the state files as they are at the moment `vm-0` exists remotely but its create has not returned:
    /// exactly what a `kill -9` at that instant leaves on disk.
    @Test func killedRunResumesWithoutDuplicateCreate() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("drover.state.json").path
        let crashed = dir.appendingPathComponent("crashed")
        try FileManager.default.createDirectory(at: crashed, withIntermediateDirectories: true)
        let cloud = RecordingCloud()
        await cloud.setOnCreate { address in
            guard address.name == "vm-0" else { return }
            for suffix in ["", ".journal"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed.appendingPathComponent("drover.state.json" + suffix).path)
            }
        }
        _ = try await makeEngine(cloud, store: FileStateStore(path: path)).apply(
            try await makeEngine(cloud, store: FileStateStore(path: path)).plan(network()))
        await cloud.setOnCreate(nil)
        await cloud.resetCalls()

        // The next run starts from what the crash left behind.
        let store = FileStateStore(path: crashed.appendingPathComponent("drover.state.json").path)
        let left = try await store.load()
        #expect(left.pendingOperations[address("vm-0")]?.kind == .create)
        #expect(left.pendingOperations[address("vm-0")]?.resumeToken == "op-vm-0")
        let engine = makeEngine(cloud, store: store)
        let plan = try await engine.plan(network())
        #expect(plan.change(for: address("vm-0"))?.resuming == true)
        #expect(plan.changes.filter { $0.action != .noop }.map(\.address) == [address("vm-0")])
        let result = try await engine.apply(plan)
        #expect(result.succeeded)
        // The handler is handed the recorded token and polls the operation instead of creating again.
        #expect(await cloud.calls.map(\.description) == ["poll fake.thing/vm-0"])
        #expect(await cloud.calls.first?.resumeToken == "op-vm-0")
        #expect(result.state.pendingOperations.isEmpty)
        #expect(result.state.resources[address("vm-0")]?.outputs["id"] == "/fake/vm-0")
    }

    /// The handler gets the token, finds no operation behind it, and creates: once.
    @Test func pendingCreateThatNeverReachedTheCloudIsCreatedOnce() async throws {
        let cloud = RecordingCloud()
        var snapshot = StateSnapshot()
        snapshot.apply(.pending(PendingOperation(address: address("group"), kind: .create, startedAt: Date(), resumeToken: "op-x", inputs: ["name": "group"])))
        let engine = makeEngine(cloud, store: InMemoryStateStore(snapshot))
        let result = try await engine.apply(try await engine.plan(Configuration([thing("group")])))
        #expect(result.succeeded)
        #expect(await cloud.calls.map(\.description) == ["create fake.thing/group"])
        #expect(await cloud.calls.first?.resumeToken == "op-x")
    }

    @Test func tornLastJournalLineIsIgnored() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.json").path
        let store = FileStateStore(path: path)
        try await store.append(.pending(PendingOperation(address: address("a"), kind: .create, startedAt: Date(), inputs: [:])))
        let handle = try #require(FileHandle(forWritingAtPath: path + ".journal"))
        handle.seekToEndOfFile()
        handle.write(Data("{\"resource\":{\"_0\":{\"addr".utf8))
        try handle.close()
        let loaded = try await FileStateStore(path: path).load()
        #expect(loaded.pendingOperations[address("a")] != nil)
    }
}

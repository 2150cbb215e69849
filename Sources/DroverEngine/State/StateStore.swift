import Foundation

/// Where state lives: a snapshot plus a journal of changes made since, and an exclusive lock.
///
/// The engine appends one journal entry before every remote call and after it, then commits a fresh snapshot
/// at the end of the run. A run that dies in between leaves the journal, which `load()` replays.
public protocol StateStore: Sendable {
    /// Reads the snapshot and replays the journal onto it; an absent state is an empty one.
    func load() async throws -> StateSnapshot
    /// Durably appends one change; returns only once it would survive a crash.
    func append(_ entry: JournalEntry) async throws
    /// Writes `snapshot` as the new state (serial incremented by the caller) and empties the journal.
    func commit(_ snapshot: StateSnapshot) async throws
    /// Takes the exclusive lock for `operation`, or throws `StateLockedError` naming the holder.
    func lock(operation: String) async throws -> LockInfo
    /// Releases a lock this process holds.
    func unlock(_ lock: LockInfo) async throws
    /// Breaks a lock left by another process, if its identifier matches; a holder still running on this host
    /// is refused unless `force`.
    func forceUnlock(id: String, force: Bool) async throws
}

extension StateStore {
    /// Breaks a lock left by a process that no longer runs.
    public func forceUnlock(id: String) async throws { try await forceUnlock(id: id, force: false) }

    /// Runs `body` while holding the lock, releasing it afterwards whether `body` throws or not.
    public func withLock<T: Sendable>(operation: String, _ body: () async throws -> T) async throws -> T {
        let lock = try await lock(operation: operation)
        do {
            let result = try await body()
            try await unlock(lock)
            return result
        } catch {
            try? await unlock(lock)
            throw error
        }
    }
}

/// Who holds a state lock: written into the lock so a second run can name the holder.
public struct LockInfo: Codable, Sendable, Equatable {
    /// A random identifier, given to `drover force-unlock`.
    public var id: String
    /// The operation running under the lock (`apply`, `destroy`, …).
    public var operation: String
    /// The holder's process id.
    public var pid: Int32
    /// The holder's host name.
    public var host: String
    /// When the lock was taken.
    public var startedAt: Date

    /// Describes this process taking a lock now.
    public static func current(operation: String, now: Date = Date()) -> LockInfo {
        LockInfo(
            id: UUID().uuidString.lowercased(), operation: operation, pid: ProcessInfo.processInfo.processIdentifier,
            host: localHost, startedAt: now)
    }

    /// This machine's host name, as written into locks.
    public static let localHost = ProcessInfo.processInfo.hostName
}

/// The state is locked by someone else.
public struct StateLockedError: Error, Sendable, CustomStringConvertible {
    /// Who holds the lock.
    public var holder: LockInfo
    /// Where the lock lives.
    public var path: String

    public var description: String {
        let started = ISO8601DateFormatter().string(from: holder.startedAt)
        return "the state is locked by `\(holder.operation)` (pid \(holder.pid) on \(holder.host), since \(started), lock id \(holder.id)) at \(path)"
    }

    /// What the user can do.
    public var remediation: String {
        holder.host == LockInfo.localHost
            ? "wait for that run to finish (pid \(holder.pid) is still running on this host); only if that pid is not a drover, run `drover force-unlock \(holder.id) --force`"
            : "wait for that run to finish; if it was killed on \(holder.host), run `drover force-unlock \(holder.id)`"
    }
}

/// A state store in memory, for tests and benchmarks.
public actor InMemoryStateStore: StateStore {
    /// The last committed snapshot.
    public private(set) var snapshot: StateSnapshot
    /// Entries appended since the last commit.
    public private(set) var journal: [JournalEntry] = []
    private var held: LockInfo?

    /// Creates a store holding `snapshot`.
    public init(_ snapshot: StateSnapshot = StateSnapshot()) { self.snapshot = snapshot }

    public func load() -> StateSnapshot {
        var result = snapshot
        for entry in journal { result.apply(entry) }
        return result
    }

    public func append(_ entry: JournalEntry) { journal.append(entry) }

    public func commit(_ snapshot: StateSnapshot) {
        self.snapshot = snapshot
        journal.removeAll()
    }

    public func lock(operation: String) throws -> LockInfo {
        if let held { throw StateLockedError(holder: held, path: "memory") }
        let info = LockInfo.current(operation: operation)
        held = info
        return info
    }

    public func unlock(_ lock: LockInfo) {
        if held?.id == lock.id { held = nil }
    }

    public func forceUnlock(id: String, force: Bool) throws {
        guard held?.id == id else { throw CodedError(code: "LockNotFound", message: "no lock with id \(id)") }
        held = nil
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// State kept in files: `PATH` (the snapshot), `PATH.journal`, `PATH.backup` (the previous snapshot) and `PATH.lock`.
///
/// Every file is created with mode 0600 because state holds secrets. The snapshot is replaced atomically
/// (temporary file, fsync, rename, fsync of the folder); the journal is appended and synced entry by entry.
public actor FileStateStore: StateStore {
    /// The snapshot's path.
    public nonisolated let path: String
    private var journalDescriptor: Int32 = -1
    /// The open, `flock`ed lock file while this store holds the lock.
    private var lockDescriptor: Int32 = -1
    private var heldLock: LockInfo?
    /// The lock of a dead process on this host that the last `lock` replaced, if any.
    public private(set) var replacedLock: LockInfo?
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
    private let lineEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
    private let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Creates a store for the snapshot at `path`; nothing is touched until used.
    public init(path: String) { self.path = path }

    deinit {
        if journalDescriptor >= 0 { close(journalDescriptor) }
        if lockDescriptor >= 0 { close(lockDescriptor) }
    }

    /// The journal's path.
    public nonisolated var journalPath: String { path + ".journal" }
    nonisolated var backupPath: String { path + ".backup" }
    /// The lock file's path.
    public nonisolated var lockPath: String { path + ".lock" }

    public func load() throws -> StateSnapshot {
        try checkPath()
        var snapshot = StateSnapshot()
        if let data = FileManager.default.contents(atPath: path) {
            do { snapshot = try decoder.decode(StateSnapshot.self, from: data) } catch {
                throw StateFileError(path: path, reason: "not a Drover state file: \(DecodingErrorDescription(error))", remediation: restoreAdvice)
            }
        }
        guard let journal = FileManager.default.contents(atPath: journalPath), !journal.isEmpty else { return snapshot }
        let lines = journal.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        for (index, line) in lines.enumerated() {
            do {
                snapshot.apply(try decoder.decode(JournalEntry.self, from: Data(line)))
            } catch {
                // A torn last line is what a crash in the middle of a write leaves; anything else is damage.
                if index == lines.count - 1, journal.last != UInt8(ascii: "\n") { break }
                throw StateFileError(path: journalPath, reason: "line \(index + 1): \(DecodingErrorDescription(error))")
            }
        }
        return snapshot
    }

    public func append(_ entry: JournalEntry) async throws {
        if journalDescriptor < 0 {
            try checkPath()
            journalDescriptor = open(journalPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard journalDescriptor >= 0 else { throw StateFileError.posix("open", journalPath) }
        }
        var data = try lineEncoder.encode(entry)
        data.append(UInt8(ascii: "\n"))
        try Self.writeAll(journalDescriptor, data, path: journalPath)
        written += 1
        let mine = written
        // Group commit: one fdatasync covers every line written before it started, so concurrent
        // appends wait for a shared sync instead of queueing one sync each.
        while synced < mine {
            if let inFlight = syncing {
                try await inFlight.task.value
                // Whoever resumes first records the finished sync, so no waiter spins on a completed task.
                synced = max(synced, inFlight.target)
                if syncing?.target == inFlight.target { syncing = nil }
                continue
            }
            let target = written, fd = journalDescriptor, path = journalPath
            let task = Task.detached {
                guard fdatasync(fd) == 0 else { throw StateFileError.posix("fdatasync", path) }
            }
            syncing = (target, task)
        }
    }

    private var written = 0
    private var synced = 0
    private var syncing: (target: Int, task: Task<Void, any Error>)?

    public func commit(_ snapshot: StateSnapshot) throws {
        let data = try encoder.encode(snapshot) + Data([UInt8(ascii: "\n")])
        try Self.writeAtomically(data, to: path, backup: backupPath)
        if journalDescriptor >= 0 {
            close(journalDescriptor)
            journalDescriptor = -1
        }
        if unlink(journalPath) != 0, errno != ENOENT { throw StateFileError.posix("unlink", journalPath) }
    }

    public func lock(operation: String) throws -> LockInfo {
        try checkPath()
        let info = LockInfo.current(operation: operation)
        let taken = try LockFile(path: lockPath).take(info, record: try lineEncoder.encode(info))
        if lockDescriptor >= 0 { close(lockDescriptor) }
        lockDescriptor = taken.descriptor
        heldLock = info
        replacedLock = taken.replaced
        return info
    }

    public func unlock(_ lock: LockInfo) throws {
        guard heldLock?.id == lock.id, lockDescriptor >= 0 else { return }
        let descriptor = lockDescriptor
        lockDescriptor = -1
        heldLock = nil
        try LockFile(path: lockPath).release(descriptor)
    }

    public func forceUnlock(id: String, force: Bool) throws {
        let lockFile = LockFile(path: lockPath)
        let holder = try lockFile.holder()
        guard holder.info.id == id else {
            throw CodedError(
                code: "LockIDMismatch", message: "the lock at \(lockPath) has id \(holder.info.id), not \(id)",
                remediation: "pass the id printed in the lock error")
        }
        if case .live(let info) = holder, info.host == LockInfo.localHost, !force {
            throw CodedError(
                code: "LockHolderRunning",
                message: "the lock is held by `\(info.operation)`, pid \(info.pid), which is still running on this host",
                remediation: "let it finish or stop it with Ctrl-C; `drover force-unlock \(id) --force` breaks the lock anyway, and two runs may then write the same state")
        }
        try lockFile.remove()
    }

    /// Refuses a path no state file can live at, before anything (a lock, a journal holding secrets) is written
    /// beside it: an empty path would put `.lock` and `.journal` in the current folder, a folder would get them inside.
    private nonisolated func checkPath() throws {
        guard !path.isEmpty else {
            throw StateFileError(path: "(empty)", reason: "the state path is empty", remediation: "pass a file name with --state, such as --state drover.state.json")
        }
        var isFolder: ObjCBool = false
        if path.hasSuffix("/") || FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue {
            throw StateFileError(
                path: path, reason: "it is a folder, not a state file",
                remediation: "pass a file with --state, such as --state \((path as NSString).appendingPathComponent("drover.state.json"))")
        }
    }

    /// How to get back the previous snapshot, when there is one.
    private nonisolated var restoreAdvice: String {
        guard FileManager.default.fileExists(atPath: backupPath) else {
            return "no backup exists beside it (\(backupPath)); restore the file from your own copy, or move it away to start a new state"
        }
        return "the previous snapshot is kept at \(backupPath); restore it with `cp \(backupPath) \(path)` (keep the damaged file elsewhere for inspection)"
    }

    /// Writes `data` to `path` so that a reader sees either the old or the new file, never a mix; keeps the old one as `backup`.
    static func writeAtomically(_ data: Data, to path: String, backup: String?) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StateFileError.posix("create", temporary) }
        do {
            try writeAll(fd, data, path: temporary)
            guard fsync(fd) == 0 else { throw StateFileError.posix("fsync", temporary) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        if let backup, access(path, F_OK) == 0 {
            unlink(backup)
            guard link(path, backup) == 0 else { throw StateFileError.posix("link backup", backup) }
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw StateFileError.posix("rename", path)
        }
        let folder = (path as NSString).deletingLastPathComponent
        let dirfd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw StateFileError.posix("write", path)
                }
                offset += written
            }
        }
    }
}

/// A state file could not be read or written.
public struct StateFileError: Error, Sendable, CustomStringConvertible {
    /// The file concerned.
    public var path: String
    /// What went wrong.
    public var reason: String
    /// What the user can do, when known.
    public var remediation: String?

    /// Creates an error about `path`.
    public init(path: String, reason: String, remediation: String? = nil) {
        self.path = path
        self.reason = reason
        self.remediation = remediation
    }

    public var description: String { "\(path): \(reason)" }

    static func posix(_ operation: String, _ path: String) -> StateFileError {
        StateFileError(path: path, reason: "\(operation) failed: \(String(cString: strerror(errno)))")
    }
}

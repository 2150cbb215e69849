import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `PATH.lock` file: appears complete in one step and is held with an advisory `flock` while its holder lives.
///
/// The record is written and synced to a private temporary file, which is then hard-linked to the lock path;
/// `link` fails when the path exists, so exactly one taker wins and every loser reads a whole record. The winner
/// keeps the file open with `flock(LOCK_EX)`, which the kernel drops when the process dies, however it dies. A
/// holder on this host whose `flock` is free and whose process is gone is dead: its lock is replaced with `rename`
/// while the taker holds the dead lock's `flock`, so two takers never both replace it.
struct LockFile {
    /// What the lock file says about its holder.
    enum Holder {
        /// A running process holds it (or it is held from another host, where Drover cannot tell).
        case live(LockInfo)
        /// Its holder was a process on this host that no longer runs.
        case dead(LockInfo)

        /// The record, live or dead.
        var info: LockInfo {
            switch self {
            case .live(let info), .dead(let info): return info
            }
        }
    }

    let path: String

    /// Takes the lock for `info`; returns the open, `flock`ed descriptor to keep and the dead holder it replaced.
    func take(_ info: LockInfo, record: Data) throws -> (descriptor: Int32, replaced: LockInfo?) {
        let temporary = path + ".new-\(getpid())-\(info.id.prefix(8))"
        let fd = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw StateFileError.posix("create lock", temporary) }
        do {
            try FileStateStore.writeAll(fd, record, path: temporary)
            guard fsync(fd) == 0 else { throw StateFileError.posix("fsync", temporary) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw StateFileError.posix("flock", temporary) }
            // A takeover in progress holds the dead lock's flock for a moment; a few retries see it finish.
            for _ in 0..<200 {
                if link(temporary, path) == 0 {
                    unlink(temporary)
                    return (fd, nil)
                }
                guard errno == EEXIST else { throw StateFileError.posix("create lock", path) }
                switch try inspect(takeOverWith: temporary) {
                case .released: continue
                case .tookOver(let dead): return (fd, dead)
                case .held(let holder): throw StateLockedError(holder: holder, path: path)
                case .busy: usleep(1_000)
                }
            }
            throw StateLockedError(holder: try holder().info, path: path)
        } catch {
            unlink(temporary)
            close(fd)
            throw error
        }
    }

    private enum Inspection {
        case released
        case held(LockInfo)
        case busy
        case tookOver(LockInfo)
    }

    /// Looks at the existing lock; when its holder is dead, replaces it with `temporary` while holding its flock.
    private func inspect(takeOverWith temporary: String) throws -> Inspection {
        let existing = open(path, O_RDONLY | O_CLOEXEC)
        guard existing >= 0 else {
            if errno == ENOENT { return .released }
            throw StateFileError.posix("open", path)
        }
        defer { close(existing) }
        let info = try Self.decode(Self.readAll(existing), path: path)
        guard info.host == LockInfo.localHost else { return .held(info) }
        guard flock(existing, LOCK_EX | LOCK_NB) == 0 else {
            // Held: by its live owner, or by another taker replacing a dead owner right now.
            return Self.isRunning(info.pid) ? .held(info) : .busy
        }
        // A free flock with a running pid is a reused pid or an older Drover: not provably dead, so it stays.
        if Self.isRunning(info.pid) { return .held(info) }
        // Replace only the file we inspected: after a released and re-taken lock the path names another file.
        guard Self.isSameFile(existing, path) else { return .released }
        guard rename(temporary, path) == 0 else { throw StateFileError.posix("replace lock", path) }
        return .tookOver(info)
    }

    /// The current holder and whether it still runs.
    func holder() throws -> Holder {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw CodedError(code: "LockNotFound", message: "\(path) does not exist: the state is not locked") }
            throw StateFileError.posix("open", path)
        }
        defer { close(fd) }
        let info = try Self.decode(Self.readAll(fd), path: path)
        guard info.host == LockInfo.localHost else { return .live(info) }
        if flock(fd, LOCK_SH | LOCK_NB) != 0 || Self.isRunning(info.pid) { return .live(info) }
        return .dead(info)
    }

    /// Removes the lock if `descriptor` still is the file at the path (a forced unlock may have replaced it).
    func release(_ descriptor: Int32) throws {
        defer { close(descriptor) }
        guard Self.isSameFile(descriptor, path) else { return }
        if unlink(path) != 0, errno != ENOENT { throw StateFileError.posix("unlink", path) }
    }

    /// Removes the lock file whoever holds it.
    func remove() throws {
        if unlink(path) != 0, errno != ENOENT { throw StateFileError.posix("unlink", path) }
    }

    static func isRunning(_ pid: Int32) -> Bool { pid > 0 && (kill(pid, 0) == 0 || errno == EPERM) }

    private static func isSameFile(_ descriptor: Int32, _ path: String) -> Bool {
        var open = stat(), named = stat()
        guard fstat(descriptor, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    private static func readAll(_ fd: Int32) throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            data.append(buffer, count: count)
        }
        return data
    }

    private static func decode(_ data: Data, path: String) throws -> LockInfo {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(LockInfo.self, from: data) } catch {
            // Drover's own locks appear whole (see above), so this file was written or truncated by something else.
            throw CodedError(
                code: "LockUnreadable",
                message: "\(path) exists but is not a Drover lock record (\(data.count) bytes); Drover cannot tell who holds it",
                remediation: "check that no drover is running on this state (for example `ps -ef | grep drover`) and only then remove \(path)")
        }
    }
}

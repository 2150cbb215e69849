import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file or folder could not be written; rendered by `ErrorRenderer` with the path and the system's reason.
struct FileSystemError: Error, Sendable {
    /// What was being done: `write`, `create the folder`, `set the mode of`.
    var operation: String
    /// The path concerned.
    var path: String
    /// The operating system's reason.
    var reason: String
    /// What the user can do.
    var fix: String?

    /// The error for the current `errno`.
    static func posix(_ operation: String, _ path: String) -> FileSystemError {
        let code = errno
        let fix: String?
        switch code {
        case EACCES, EPERM, EROFS: fix = "choose a folder you can write to, or change its permissions"
        case EISDIR: fix = "name a file, not a folder"
        case ENOTDIR: fix = "a part of the path is a file; choose another path"
        case ENOSPC: fix = "free some disk space"
        default: fix = nil
        }
        return FileSystemError(operation: operation, path: path, reason: String(cString: strerror(code)), fix: fix)
    }
}

/// Writes the files commands produce (the starter spec, rendered artifacts) with POSIX calls, so every failure
/// is a `FileSystemError` naming the path and the reason.
enum OutputFile {
    /// Writes `data` to `path` with `mode` through a temporary file and a rename: a reader never sees half a file.
    static func save(_ data: Data, to path: String, mode: mode_t) throws {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw FileSystemError(operation: "write", path: path, reason: "it is a folder", fix: "name a file, not a folder")
        }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileSystemError.posix("write", path) }
        defer { close(fd) }
        let complete = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
        guard complete, fchmod(fd, mode) == 0, rename(temporary, path) == 0 else {
            let error = FileSystemError.posix("write", path)
            unlink(temporary)
            throw error
        }
    }

    /// Creates `path` and its missing parents with `mode`.
    static func createFolder(_ path: String, mode: mode_t) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw FileSystemError(operation: "create the folder", path: path, reason: "a file of that name exists", fix: "choose another path")
            }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try createFolder(parent, mode: mode) }
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw FileSystemError.posix("create the folder", path) }
    }
}

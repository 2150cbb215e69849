import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a local file the user named, saying exactly why when it cannot: missing, a directory, not a regular
/// file (a FIFO would block the read), permission, or too large.
public enum LocalFile {
    /// The bytes of `path`, refused before reading when larger than `limit`.
    public static func contents(_ path: String, limit: Int) -> Result<Data, LocalFileError> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(.posix(path, errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return .failure(LocalFileError(path: path, kind: .directory, reason: "it is a directory, not a file"))
        case S_IFIFO: return .failure(LocalFileError(path: path, kind: .notRegular, reason: "it is a named pipe (FIFO), not a regular file"))
        default: return .failure(LocalFileError(path: path, kind: .notRegular, reason: "it is a device or socket, not a regular file"))
        }
        guard Int(info.st_size) <= limit else {
            return .failure(LocalFileError(path: path, kind: .tooLarge, reason: "it is \(info.st_size) bytes, more than the \(limit) bytes allowed"))
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.posix(path, errno)) }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while data.count <= limit {
            let count = read(fd, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            if count < 0 { return .failure(.posix(path, errno)) }
            if count == 0 { return .success(data) }
            data.append(buffer, count: count)
        }
        return .failure(LocalFileError(path: path, kind: .tooLarge, reason: "it grew past the \(limit) bytes allowed while being read"))
    }

    /// `path` with a leading `~/` replaced by the home folder (`HOME`, as the shell does).
    public static func expandingHome(_ path: String, home: String = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return home + path.dropFirst()
    }
}

/// Why a local file could not be read.
public struct LocalFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is, for choosing a fix.
    public enum Kind: Sendable, Equatable {
        case missing, directory, notRegular, permission, tooLarge, other
    }

    /// The file.
    public var path: String
    /// What kind of problem it is.
    public var kind: Kind
    /// The reason, in words (with the operating system's message when it gave one).
    public var reason: String

    /// Creates an error for `path`.
    public init(path: String, kind: Kind, reason: String) {
        self.path = path
        self.kind = kind
        self.reason = reason
    }

    static func posix(_ path: String, _ code: Int32) -> LocalFileError {
        let text = String(cString: strerror(code))
        switch code {
        case ENOENT: return LocalFileError(path: path, kind: .missing, reason: "no such file (\(text))")
        case EACCES, EPERM: return LocalFileError(path: path, kind: .permission, reason: "permission denied (\(text)); check the file's mode and owner")
        case ENOTDIR: return LocalFileError(path: path, kind: .missing, reason: "a folder in the path is a file (\(text))")
        default: return LocalFileError(path: path, kind: .other, reason: text)
        }
    }

    public var description: String { "\(path): \(reason)" }
}

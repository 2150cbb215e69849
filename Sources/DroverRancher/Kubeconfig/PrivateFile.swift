import DroverEngine
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes files that hold secrets: created with mode 0600 from the first byte (never world-readable, not even
/// briefly), in the target's folder, then renamed over the target.
enum PrivateFile {
    /// Writes `data` to `url` with mode 0600, creating the folder (mode 0700) when missing.
    static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw failure(url, errno) }
        let written = data.withUnsafeBytes { raw in raw.baseAddress.map { Glibc_write(fd, $0, raw.count) } ?? 0 }
        let closed = close(fd)
        guard written == data.count, closed == 0 else {
            unlink(temporary.path)
            throw failure(url, errno)
        }
        guard rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw failure(url, errno)
        }
    }

    private static func failure(_ url: URL, _ code: Int32) -> CodedError {
        CodedError(
            code: "FileWriteFailed", message: "cannot write \(url.path): \(String(cString: strerror(code)))",
            remediation: "check that the folder is writable", nothingApplied: true)
    }
}

private func Glibc_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.write(fd, buffer, count)
    #else
        return Darwin.write(fd, buffer, count)
    #endif
}

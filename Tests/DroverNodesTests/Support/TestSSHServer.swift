import Foundation
import Testing

/// A real OpenSSH `sshd` on 127.0.0.1 with throwaway keys, started and stopped by the test that uses it.
///
/// sshd runs as a daemon (it forks once its socket listens, then the launcher exits) rather than with `-D` as a
/// child: Foundation's `Process` stops noticing other children exit while an `sshd -D` child is alive.
final class TestSSHServer: @unchecked Sendable {
    let folder: URL
    let port: Int

    /// The user the tests log in as (the one running them; sshd run by that user can authenticate no other).
    static var user: String { String(cString: getpwuid(getuid())!.pointee.pw_name) }

    var userKey: String { folder.appendingPathComponent("user_key").path }

    /// Makes keys and a config in a fresh folder; `port` 0 picks a free one. Does not start the server.
    init(port: Int = 0) async throws {
        folder = try LocalTools.temporaryFolder()
        self.port = port == 0 ? try Self.freePort() : port
        try await keygen("rsa", "user_key")  // the seed's key type
        try FileManager.default.copyItem(atPath: userKey + ".pub", toPath: folder.appendingPathComponent("authorized_keys").path)
    }

    /// Generates the host key, a new one for every server.
    func newHostKey() async throws {
        try await keygen("ed25519", "host_key")
    }

    private func keygen(_ type: String, _ name: String) async throws {
        let result = try await LocalTools.run("/usr/bin/ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "drover-test", "-f", folder.appendingPathComponent(name).path])
        #expect(result.status == 0, "\(result.output)")
    }

    private var pidFile: String { folder.appendingPathComponent("sshd.pid").path }

    /// Starts sshd; returns once it listens.
    func start() async throws {
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("host_key").path) { try await newHostKey() }
        let config = folder.appendingPathComponent("sshd_config")
        try """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(folder.path)/host_key
            AuthorizedKeysFile \(folder.path)/authorized_keys
            PidFile \(pidFile)
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PermitRootLogin prohibit-password

            """.write(to: config, atomically: true, encoding: .utf8)
        let log = folder.appendingPathComponent("sshd.log").path
        let result = try await LocalTools.run("/usr/sbin/sshd", ["-f", config.path, "-E", log])
        let logged = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        guard result.status == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "sshd did not start: \(result.output) \(logged)"])
        }
    }

    /// Stops sshd (SIGTERM to the daemon named in its pid file).
    func stop() {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        kill(pid, SIGTERM)
        try? FileManager.default.removeItem(atPath: pidFile)
    }

    /// Stops sshd and deletes the keys.
    func remove() {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

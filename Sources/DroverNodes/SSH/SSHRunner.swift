import DroverEngine
import Foundation

/// Runs commands and copies files over SSH with the system OpenSSH client.
///
/// Why the system `ssh` rather than swift-nio-ssh: the seed's keys are RSA (`~/.ssh/id_rsa`), which swift-nio-ssh
/// cannot use as user keys, and it reads no OpenSSH key files or known_hosts; OpenSSH does all three and is on
/// every machine that has `az` or `kubectl`.
///
/// Host keys: Drover keeps its own known_hosts file. A host seen for the first time is recorded; on every later
/// run a different key is refused (`HostKeyChanged`), never silently trusted. While a VM boots, refused or timed-out
/// connections and a not-yet-installed key are retried with backoff.
public struct SSHRunner: Sendable {
    /// Drover's known_hosts file.
    public var knownHostsPath: String
    /// Seconds `ssh` waits for a TCP connection.
    public var connectTimeout: Int
    /// How many connection attempts before giving up.
    public var attempts: Int
    /// The wait before retry `n` (1-based); injected so tests never sleep.
    public var backoff: @Sendable (Int) async throws -> Void
    /// The `ssh` executable.
    public var ssh: URL

    /// Creates a runner; waits double from 5 s up to 60 s between attempts by default.
    public init(
        knownHostsPath: String, connectTimeout: Int = 10, attempts: Int = 30, ssh: URL = URL(fileURLWithPath: "/usr/bin/ssh"),
        backoff: @escaping @Sendable (Int) async throws -> Void = { n in try await Task.sleep(for: .seconds(min(60, 5 << min(n - 1, 4)))) }
    ) {
        self.knownHostsPath = knownHostsPath
        self.connectTimeout = connectTimeout
        self.attempts = attempts
        self.ssh = ssh
        self.backoff = backoff
    }

    private func options(_ target: SSHTarget) -> [String] {
        [
            "-p", String(target.port), "-i", target.privateKeyPath, "-l", target.user,
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=accept-new",
            "-o", "UserKnownHostsFile=\(knownHostsPath)", "-o", "GlobalKnownHostsFile=/dev/null", "-o", "HashKnownHosts=no",
            "-o", "ConnectTimeout=\(connectTimeout)", "-o", "ServerAliveInterval=15", "-o", "LogLevel=ERROR",
            target.host,
        ]
    }

    /// How an `ssh` exit with status 255 (its own failure, not the remote command's) should be handled.
    enum Failure: Equatable {
        case hostKeyChanged, unreachable, notAuthorized, other
    }

    static func classify(_ stderr: String) -> Failure {
        if stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") || stderr.contains("Host key verification failed") { return .hostKeyChanged }
        if stderr.contains("Permission denied") { return .notAuthorized }
        let transient = ["Connection refused", "Connection timed out", "No route to host", "Connection reset", "Connection closed",
                         "kex_exchange_identification", "Operation timed out", "Network is unreachable", "port 22: Broken pipe"]
        return transient.contains { stderr.contains($0) } ? .unreachable : .other
    }

    /// Runs `command` on `target` and returns its output, whatever its exit status; throws only when SSH itself fails.
    public func run(_ command: String, on target: SSHTarget, input: Data? = nil, timeout: Duration? = nil) async throws -> ProcessOutput {
        try await ensureKnownHostsFile()
        var attempt = 1
        while true {
            let output = try await ProcessRunner.run(ssh, options(target) + ["--", command], input: input, timeout: timeout)
            if output.timedOut {
                throw CodedError(code: "SSHTimeout", message: "`\(command.prefix(60))` on \(target.host) ran longer than \(timeout!)",
                    remediation: "check the node; a command that waits for cloud-init can take several minutes")
            }
            guard output.status == 255 else { return output }
            let failure = Self.classify(output.stderr)
            switch failure {
            case .hostKeyChanged:
                throw CodedError(
                    code: "HostKeyChanged", message: "the SSH host key of \(target.host):\(target.port) differs from the one recorded in \(knownHostsPath)",
                    remediation: "if the VM was recreated, run `ssh-keygen -R '[\(target.host)]:\(target.port)' -f \(knownHostsPath)` and retry; otherwise stop: someone may be intercepting the connection")
            case .unreachable, .notAuthorized:
                guard attempt < attempts else {
                    throw CodedError(
                        code: failure == .notAuthorized ? "SSHNotAuthorized" : "SSHUnreachable",
                        message: "\(target.user)@\(target.host):\(target.port) still \(failure == .notAuthorized ? "refuses the key" : "does not answer") after \(attempts) attempts: \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))",
                        remediation: failure == .notAuthorized
                            ? "check admin.sshPrivateKeyPath matches admin.sshPublicKeyPath, which the VM was created with"
                            : "check the VM is running and the network security group allows TCP \(target.port) from this machine")
                }
                try await backoff(attempt)
                attempt += 1
            case .other:
                throw CodedError(code: "SSHFailed", message: "ssh to \(target.host): \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
    }

    /// Runs `command` and throws `RemoteCommandFailed` (with the end of its stderr) when it exits non-zero.
    public func check(_ command: String, on target: SSHTarget, timeout: Duration? = nil) async throws -> String {
        let output = try await run(command, on: target, timeout: timeout)
        guard output.status == 0 else {
            throw CodedError(
                code: "RemoteCommandFailed",
                message: "`\(command.prefix(60))` on \(target.host) exited with \(output.status): \(output.stderr.split(separator: "\n").suffix(5).joined(separator: " / "))")
        }
        return output.stdout
    }

    /// Copies `data` to `remotePath` (mode 0600) through the SSH channel; no SFTP subsystem needed.
    public func copy(_ data: Data, to remotePath: String, on target: SSHTarget) async throws {
        let command = "umask 077 && cat > \(POSIXShell.quote(remotePath))"
        let output = try await run(command, on: target, input: data)
        guard output.status == 0 else {
            throw CodedError(code: "CopyFailed", message: "writing \(remotePath) on \(target.host) failed: \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// Reads `remotePath` (with `sudo` when the file is root's, as RKE2's kubeconfig is).
    public func fetch(_ remotePath: String, on target: SSHTarget, sudo: Bool = false) async throws -> Data {
        Data(try await check("\(sudo ? "sudo " : "")cat \(POSIXShell.quote(remotePath))", on: target).utf8)
    }

    private func ensureKnownHostsFile() async throws {
        let manager = FileManager.default
        let folder = URL(fileURLWithPath: knownHostsPath).deletingLastPathComponent()
        try manager.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if !manager.fileExists(atPath: knownHostsPath) {
            manager.createFile(atPath: knownHostsPath, contents: nil, attributes: [.posixPermissions: 0o600])
        }
    }
}

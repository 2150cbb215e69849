import DroverEngine
import DroverNodes
import Foundation
import Testing

/// The SSH runner against a real OpenSSH server on 127.0.0.1.
@Suite(.serialized) struct SSHRunnerTests {
    private func runner(_ server: TestSSHServer, attempts: Int = 5, backoff: @escaping @Sendable (Int) async throws -> Void = { _ in }) -> SSHRunner {
        SSHRunner(knownHostsPath: server.folder.appendingPathComponent("drover/known_hosts").path, connectTimeout: 5, attempts: attempts, backoff: backoff)
    }

    private func target(_ server: TestSSHServer) -> SSHTarget {
        SSHTarget(host: "127.0.0.1", port: server.port, user: TestSSHServer.user, privateKeyPath: server.userKey)
    }

    @Test func runsCommandsAndCopiesFilesBothWays() async throws {
        let server = try await TestSSHServer()
        defer { server.remove() }
        try await server.start()
        let ssh = runner(server)

        let result = try await ssh.run("echo hello; echo oops >&2; exit 3", on: target(server))
        #expect(result.status == 3)
        #expect(result.stdout == "hello\n")
        #expect(result.stderr.contains("oops"))

        let payload = Data("token: it's \"quoted\" $HOME\n\u{00}\u{FF}".utf8)
        let remote = server.folder.appendingPathComponent("remote dir/copied file").path
        _ = try await ssh.check("mkdir -p \(POSIXShell.quote(server.folder.appendingPathComponent("remote dir").path))", on: target(server))
        try await ssh.copy(payload, to: remote, on: target(server))
        #expect(FileManager.default.contents(atPath: remote) == payload)
        #expect(try FileManager.default.attributesOfItem(atPath: remote)[.posixPermissions] as? Int == 0o600)
        #expect(try await ssh.fetch(remote, on: target(server)) == payload)

        await #expect(throws: CodedError.self) { _ = try await ssh.check("exit 7", on: target(server)) }
        let known = try String(contentsOfFile: server.folder.appendingPathComponent("drover/known_hosts").path, encoding: .utf8)
        #expect(known.contains("[127.0.0.1]:\(server.port)"))
    }

    @Test func fetchesTheServerKubeconfigPointedAtTheLoadBalancer() async throws {
        let server = try await TestSSHServer()
        defer { server.remove() }
        try await server.start()
        let path = server.folder.appendingPathComponent("rke2.yaml").path
        try "apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: default\nkind: Config\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let kubeconfig = try await runner(server).fetchKubeconfig(from: target(server), fqdn: "cattle.eastus2.cloudapp.azure.com", path: path, sudo: false)
        #expect(kubeconfig.contains("server: https://cattle.eastus2.cloudapp.azure.com:6443"))
    }

    /// The CA comes back with the checksum Rancher's agents expect: sha256sum of the PEM plus one newline.
    @Test func readsRancherCAAndItsChecksumOnTheServer() async throws {
        let server = try await TestSSHServer()
        defer { server.remove() }
        try await server.start()
        let pem = "-----BEGIN CERTIFICATE-----\nMIIBdrover\n-----END CERTIFICATE-----"
        let file = server.folder.appendingPathComponent("cacerts.pem")
        try pem.write(to: file, atomically: true, encoding: .utf8)
        // Computed independently: SHA-256 of the PEM plus the newline Rancher's CAChecksum() ensures.
        let expected = try await LocalTools.run(LocalTools.python, ["-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode() + b'\\n').hexdigest())", pem]).output.prefix(64)
        let ca = try await runner(server).fetchRancherCA(from: target(server), fqdn: "r.example.com", legacyAPI: false, url: file.absoluteString)
        #expect(ca.pem == pem)
        #expect(ca.checksum == String(expected))
        #expect(ca.checksum.count == 64)

        let missing = server.folder.appendingPathComponent("absent.pem").absoluteString
        await #expect(throws: CodedError.self) {
            _ = try await runner(server).fetchRancherCA(from: target(server), fqdn: "r.example.com", legacyAPI: false, url: missing)
        }
    }

    /// The first connection records the host key; when the same address later answers with another key (here a
    /// second server, whose port the recorded entry is moved to), the runner refuses instead of trusting it.
    @Test func changedHostKeyIsRefusedOnRerun() async throws {
        let first = try await TestSSHServer()
        let second = try await TestSSHServer()
        defer { first.remove(); second.remove() }
        try await first.start()
        try await second.start()
        let knownHosts = first.folder.appendingPathComponent("drover/known_hosts").path
        let ssh = runner(first)
        _ = try await ssh.check("true", on: target(first))
        let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8)
        #expect(recorded.contains("[127.0.0.1]:\(first.port)"))
        let moved = recorded.replacingOccurrences(of: "[127.0.0.1]:\(first.port)", with: "[127.0.0.1]:\(second.port)")
        try moved.write(toFile: knownHosts, atomically: true, encoding: .utf8)

        do {
            _ = try await ssh.run("true", on: target(second))
            Issue.record("a changed host key was accepted")
        } catch let error as CodedError {
            #expect(error.code == "HostKeyChanged")
            #expect(error.remediation?.contains("ssh-keygen -R") == true)
        }
        #expect(try String(contentsOfFile: knownHosts, encoding: .utf8) == moved)
    }

    /// Connection refused while the VM boots: the runner backs off and tries again until sshd is up.
    @Test func serverNotYetUpIsRetriedUntilItIs() async throws {
        let server = try await TestSSHServer()
        defer { server.remove() }
        let waits = Counter()
        let ssh = runner(server, attempts: 5) { attempt in
            waits.add(attempt)
            if attempt == 2 { try await server.start() }
        }
        let output = try await ssh.check("echo up", on: target(server))
        #expect(output == "up\n")
        #expect(waits.values == [1, 2])
    }

    @Test func givesUpAfterTheLastAttemptWithTheReason() async throws {
        let server = try await TestSSHServer()
        defer { server.remove() }
        let waits = Counter()
        let ssh = runner(server, attempts: 3) { waits.add($0) }
        do {
            _ = try await ssh.run("true", on: target(server))
            Issue.record("connected to nothing")
        } catch let error as CodedError {
            #expect(error.code == "SSHUnreachable")
            #expect(error.message.contains("Connection refused"))
        }
        #expect(waits.values == [1, 2])
    }

    @Test func commandRunningPastItsTimeoutIsStopped() async throws {
        let server = try await TestSSHServer()
        defer { server.remove() }
        try await server.start()
        await #expect {
            _ = try await runner(server).run("sleep 30", on: target(server), timeout: .milliseconds(500))
        } throws: { error in
            (error as? CodedError)?.code == "SSHTimeout"
        }
    }
}

/// Records values from concurrent callers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int] = []
    var values: [Int] { lock.withLock { stored } }
    func add(_ value: Int) { lock.withLock { stored.append(value) } }
}

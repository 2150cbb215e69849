import DroverEngine
import DroverNodes
import Foundation
import Testing

/// Runs the built `drover` executable as a separate process, the way a user does.
struct DroverBinary {
    /// What one run printed and how it ended.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let executable: URL
    let directory: URL
    /// Variables set for every run on top of the test's own (a simulator's `export` lines, say).
    var extraEnvironment: [String: String] = [:]

    /// Finds `drover` beside the test bundle (SwiftPM builds it there with `swift build --build-tests`).
    init(directory: URL) throws {
        let buildFolder = Bundle.main.bundleURL.deletingLastPathComponent()
        var candidates = [buildFolder.appendingPathComponent("drover"), Bundle.main.bundleURL.appendingPathComponent("drover")]
        if let override = ProcessInfo.processInfo.environment["DROVER_BINARY"] {
            candidates.insert(URL(fileURLWithPath: override), at: 0)
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [
                NSLocalizedDescriptionKey: "no drover executable in \(candidates.map(\.path)); run `swift build --build-tests` first",
            ])
        }
        executable = found
        self.directory = directory
        try Self.writePublicKey(home: directory)
    }

    /// Makes `home` the run's home folder with `~/.ssh/id_rsa.pub` (a throwaway key's public half), which the
    /// default spec names and preflight reads, so runs do not depend on the machine's own keys.
    static func writePublicKey(home: URL) throws {
        let folder = home.appendingPathComponent(".ssh")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var blob = Data([0, 0, 0, 7]) + Data("ssh-rsa".utf8)
        blob += Data(repeating: 1, count: 64)
        try "ssh-rsa \(blob.base64EncodedString()) drover-test\n".write(to: folder.appendingPathComponent("id_rsa.pub"), atomically: true, encoding: .utf8)
    }

    /// Runs another program the same way, for shell pipelines around `drover`.
    init(executable: URL, directory: URL) {
        self.executable = executable
        self.directory = directory
    }

    /// Runs `drover ARGUMENTS` in the directory with standard input from /dev/null (never a terminal), off the
    /// cooperative threads so parallel tests keep running.
    func callAsFunction(_ arguments: String...) async throws -> Run { try await run(arguments) }

    /// Runs `drover` with an argument array, with the directory as its home folder.
    func run(_ arguments: [String]) async throws -> Run {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path
        // No run reaches a real Azure: an extra CA bundle that does not exist stops the Azure provider before it
        // opens a connection (InvalidCAFile), whatever credentials the machine has.
        environment["DROVER_CA_FILE"] = directory.appendingPathComponent("no-azure-in-tests.pem").path
        environment.merge(extraEnvironment) { _, extra in extra }
        let output = try await ProcessRunner.run(executable, arguments, environment: environment, currentDirectory: directory)
        return Run(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }
}

/// Writes `PATH.lock` as a drover that has since died on this host would have left it; returns its pid.
@discardableResult
func writeLockOfDeadProcess(in dir: URL, state: String = "drover.state.json") async throws -> Int32 {
    // The shell prints its own pid and exits: that pid no longer runs.
    let finished = try await DroverBinary(executable: URL(fileURLWithPath: "/bin/sh"), directory: dir)("-c", "echo $$")
    let pid = try #require(Int32(finished.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    let record = #"{"host":"\#(LockInfo.localHost)","id":"dead-holder","operation":"apply","pid":\#(pid),"startedAt":"2026-11-28T06:00:00Z"}"#
    try record.write(to: dir.appendingPathComponent(state + ".lock"), atomically: true, encoding: .utf8)
    return pid
}

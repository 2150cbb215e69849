import DroverNodes
import Foundation

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
    }

    /// Runs another program the same way, for shell pipelines around `drover`.
    init(executable: URL, directory: URL) {
        self.executable = executable
        self.directory = directory
    }

    /// Runs `drover ARGUMENTS` in the directory with standard input from /dev/null (never a terminal), off the
    /// cooperative threads so parallel tests keep running.
    func callAsFunction(_ arguments: String...) async throws -> Run {
        let output = try await ProcessRunner.run(executable, arguments, currentDirectory: directory)
        return Run(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }
}

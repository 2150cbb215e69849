import Foundation
import Testing

/// Paths of the package, its golden files and the tools `scripts/test` installs, and process running for tests.
enum TestFiles {
    /// The package root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// `Tests/DroverPlacementTests/Golden`.
    static let golden = root.appendingPathComponent("Tests/DroverPlacementTests/Golden")
    /// kubernetes-validate in the project's tool venv.
    static var kubernetesValidate: String { root.appendingPathComponent(".venv-tools/bin/kubernetes-validate").path }
    /// Set `DROVER_UPDATE_GOLDEN=1` to rewrite golden files from the current output (then review the diff).
    static var updating: Bool { ProcessInfo.processInfo.environment["DROVER_UPDATE_GOLDEN"] == "1" }

    /// Compares `actual` with the golden file at `relativePath`, or rewrites it when updating.
    static func expectGolden(_ actual: String, _ relativePath: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = golden.appendingPathComponent(relativePath)
        if updating {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try? String(contentsOf: url, encoding: .utf8)
        #expect(expected == actual, "\(relativePath) differs; rerun with DROVER_UPDATE_GOLDEN=1 and review the diff", sourceLocation: sourceLocation)
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("drover-placement-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a program to completion off the cooperative pool and returns its status and combined output.
    static func run(_ executable: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            Issue.record("\(executable) is missing; run scripts/test, which installs every tool the tests use", sourceLocation: sourceLocation)
            return (-1, "")
        }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: executable)
                process.arguments = arguments
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                do {
                    try process.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

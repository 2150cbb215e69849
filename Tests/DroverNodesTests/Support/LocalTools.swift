import DroverNodes
import Foundation
import Testing

/// The real validators `scripts/test` installs: cloud-init, the project's tool venv (kubernetes-validate,
/// tree-sitter-powershell, jsonschema) and `/bin/sh`. A missing tool fails the test with the fix.
enum LocalTools {
    /// The package root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var python: String { root.appendingPathComponent(".venv-tools/bin/python").path }
    static var kubernetesValidate: String { root.appendingPathComponent(".venv-tools/bin/kubernetes-validate").path }
    static func check(_ name: String) -> String { root.appendingPathComponent("scripts/checks/\(name)").path }
    static var schemas: URL { root.appendingPathComponent("Tests/DroverNodesTests/Schemas") }

    /// The first executable called `name` on PATH.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `executable` and returns its exit status and combined output (off the cooperative threads).
    static func run(_ executable: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            Issue.record("\(executable) is missing; run scripts/test, which installs every validator the tests use", sourceLocation: sourceLocation)
            return (-1, "")
        }
        let result = try await ProcessRunner.run(URL(fileURLWithPath: executable), arguments)
        return (result.status, result.stdout + result.stderr)
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("drover-nodes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes each text to its own file in `folder` and returns the paths.
    static func write(_ texts: [String], into folder: URL, suffix: String) throws -> [String] {
        try texts.enumerated().map { index, text in
            let file = folder.appendingPathComponent("\(index)\(suffix)")
            try text.write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }
    }
}

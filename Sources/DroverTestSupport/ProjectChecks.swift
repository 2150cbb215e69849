import Foundation

/// The project's own check scripts (`scripts/checks/`), run with the interpreter `scripts/test` installs.
public enum ProjectChecks {
    /// The package's root folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `scripts/checks/swagger-validate.py LOG`: every body in a simulator request log against Microsoft's definitions.
    /// - Throws: when `.venv-tools/bin/python` is missing (run `scripts/test`, which installs jsonschema there).
    public static func swaggerValidate(_ log: URL) throws -> (status: Int32, output: String) {
        try run("swagger-validate.py", [log.path])
    }

    /// `scripts/checks/json-schema.py SCHEMA FILE...`: every YAML (or JSON) document against a draft 2020-12 schema.
    /// - Throws: when `.venv-tools/bin/python` is missing.
    public static func jsonSchema(_ schema: URL, _ files: [URL]) throws -> (status: Int32, output: String) {
        try run("json-schema.py", [schema.path] + files.map(\.path))
    }

    /// Runs `scripts/checks/SCRIPT ARGUMENTS` with the project's Python; returns the exit status and all output.
    static func run(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let python = root.appendingPathComponent(".venv-tools/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "\(python.path) is missing; run scripts/test (it installs jsonschema)"])
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [root.appendingPathComponent("scripts/checks/\(script)").path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

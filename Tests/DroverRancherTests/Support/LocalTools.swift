import Foundation

/// The project's validator tools (installed by scripts/test into .venv-tools) and this target's files.
enum LocalTools {
    /// The package root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var python: String { root.appendingPathComponent(".venv-tools/bin/python").path }
    static var jsonSchemaCheck: String { root.appendingPathComponent("scripts/checks/json-schema.py").path }
    static var testFolder: URL { root.appendingPathComponent("Tests/DroverRancherTests") }

    /// Validates `json` against the schema file `schema` (under Schemas/) with scripts/checks/json-schema.py.
    static func validate(_ json: Data, schema: String) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("drover-rancher-\(UUID().uuidString).json")
        try json.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [jsonSchemaCheck, testFolder.appendingPathComponent("Schemas/\(schema)").path, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

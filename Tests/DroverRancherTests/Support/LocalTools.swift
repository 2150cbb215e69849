import DroverTestSupport
import Foundation

/// This target's files and the project's schema check.
enum LocalTools {
    /// Tests/DroverRancherTests.
    static var testFolder: URL { ProjectChecks.root.appendingPathComponent("Tests/DroverRancherTests") }

    /// Validates `json` against the schema file `schema` (under Schemas/) with scripts/checks/json-schema.py.
    static func validate(_ json: Data, schema: String) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("drover-rancher-\(UUID().uuidString).json")
        try json.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try ProjectChecks.jsonSchema(testFolder.appendingPathComponent("Schemas/\(schema)"), [file])
    }
}

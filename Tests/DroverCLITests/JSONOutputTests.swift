import Foundation
import Testing

/// `--json` writes JSON lines only, for every command that accepts it, errors included (docs/json-output.md).
@Suite struct JSONOutputTests {
    /// The documented line types and the fields each must carry.
    static let required: [String: Set<String>] = [
        "diagnostic": ["severity", "file", "line", "column", "path", "message", "fix"],
        "validated": ["valid", "errors", "warnings"],
        "change": ["address", "action"],
        "event": ["kind"],
        "refreshed": ["drifted"],
        "resource": ["address", "dependsOn"],
        "artifact": ["path", "delivery", "sensitive"],
        "rendered": ["folder", "files"],
        "note": ["message"],
        "error": ["code", "message", "exitCode"],
    ]

    /// Every line of `run`'s standard output as a documented object; nothing on standard error.
    private func lines(_ run: DroverBinary.Run, _ command: String) throws -> [[String: Any]] {
        #expect(run.stderr.isEmpty, "\(command) wrote to standard error: \(run.stderr)")
        #expect(!run.stdout.isEmpty, "\(command) wrote nothing")
        return try run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(command): \(line)")
            let type = try #require(object["type"] as? String, "\(command): no type in \(line)")
            let fields = try #require(Self.required[type], "\(command): undocumented type \(type)")
            #expect(fields.isSubset(of: Set(object.keys)), "\(command): \(line) lacks \(fields.subtracting(object.keys))")
            return object
        }
    }

    @Test func everyCommandWritesOnlyDocumentedJSONLines() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let drover = try DroverBinary(directory: dir)
        #expect(try await drover("init").status == 0)
        try "cluster:\n  name: Bad_Name\n  joinMethod: customData\n".write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)

        var types: [String: Set<String>] = [:]
        func run(_ arguments: String..., status: Int32) async throws -> [[String: Any]] {
            let result = try await drover.run(arguments)
            let command = arguments.joined(separator: " ")
            #expect(result.status == status, "\(command): \(result.stdout)")
            let parsed = try lines(result, command)
            types[arguments[0], default: []].formUnion(parsed.compactMap { $0["type"] as? String })
            return parsed
        }

        let valid = try await run("validate", "--json", status: 0)
        #expect(valid.last?["valid"] as? Bool == true)
        let invalid = try await run("validate", "--json", "--spec", "bad.yaml", status: 1)
        #expect(invalid.contains { $0["type"] as? String == "diagnostic" && $0["path"] as? String == "cluster.name" && $0["line"] as? Int == 2 })
        #expect(invalid.last?["errors"] as? Int == 1 && invalid.last?["warnings"] as? Int == 1)
        let unreadable = try await run("plan", "--json", "--spec", "missing.yaml", status: 1)
        #expect(unreadable.first?["line"] is NSNull)
        #expect((unreadable.first?["message"] as? String)?.contains("no such file") == true)
        let refusedPlan = try await run("plan", "--json", "--spec", "bad.yaml", status: 1)
        #expect(refusedPlan.last?["code"] as? String == "SpecInvalid")
        let plan = try await run("plan", "--json", status: 0)
        #expect(plan.filter { $0["type"] as? String == "change" }.count == (plan.first?["counts"] as? [String: Int])?["create"])
        let unconfirmed = try await run("apply", "--json", status: 1)
        #expect(unconfirmed.last?["code"] as? String == "ConfirmationNeeded")
        let apply = try await run("apply", "--json", "--auto-approve", status: 1)
        #expect(apply.last?["code"] as? String == "RunIncomplete")
        #expect(apply.contains { $0["kind"] as? String == "outputs" })
        try await writeLockOfDeadProcess(in: dir)
        let refresh = try await run("refresh", "--json", status: 0)
        #expect(refresh.first?["type"] as? String == "note")
        #expect(refresh.last?["type"] as? String == "refreshed")
        #expect(try await run("graph", "--json", status: 0).allSatisfy { $0["type"] as? String == "resource" })
        #expect(try await run("render", "--json", "--out", "review", status: 0).last?["type"] as? String == "rendered")
        #expect(try await run("destroy", "--json", "--auto-approve", "--target", "drover.secret/rancher-admin", status: 0).contains { $0["kind"] as? String == "finished" })
        #expect(try await run("plan", "--json", "--no-such-flag", status: 64).last?["code"] as? String == "Usage")

        // Every documented type is written by some command, and the document names every type.
        #expect(Set(types.values.joined()) == Set(Self.required.keys))
        let document = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/json-output.md").standardizedFileURL, encoding: .utf8)
        for type in Self.required.keys { #expect(document.contains("| `\(type)` |"), "docs/json-output.md lacks \(type)") }
    }
}

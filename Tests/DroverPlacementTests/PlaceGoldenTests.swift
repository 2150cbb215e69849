@testable import DroverPlacement
import Foundation
import Testing

/// `place` over every golden input in `Golden/place`: the output stream and the `--explain` report match their
/// golden files, and every output passes `kubernetes-validate --strict`.
@Suite struct PlaceGoldenTests {
    /// The inputs: every `*.yaml` that is not an output.
    static let inputs: [String] = {
        let folder = TestFiles.golden.appendingPathComponent("place")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".out.yaml") }.sorted()
    }()

    /// The options named on the input's `# options:` line.
    static func options(_ text: String) -> PlacementOptions {
        let line = text.split(separator: "\n").first { $0.hasPrefix("# options:") }.map(String.init) ?? ""
        let words = line.split(separator: " ").map(String.init)
        let defaultOS = words.firstIndex(of: "--default-os").flatMap { words.indices.contains($0 + 1) ? OperatingSystem(rawValue: words[$0 + 1]) : nil }
        return PlacementOptions(defaultOS: defaultOS, rke1WindowsPreferred: words.contains("--rke1-windows-preferred"))
    }

    /// Places one golden input.
    static func run(_ name: String) throws -> PlaceRun {
        let text = try String(contentsOf: TestFiles.golden.appendingPathComponent("place/\(name)"), encoding: .utf8)
        return try PlaceRun(text: text, file: name, placer: WorkloadPlacer(options: options(text)))
    }

    @Test func everyKindAndCaseHasInputs() {
        #expect(Set(Self.inputs).isSuperset(of: ["kinds.yaml", "conflicts.yaml", "multi-os.yaml", "hostprocess-gmsa.yaml", "flow-and-comments.yaml", "undecided.yaml"]))
    }

    @Test(arguments: inputs)
    func matchesGolden(_ name: String) throws {
        let run = try Self.run(name)
        let stem = String(name.dropLast(".yaml".count))
        try TestFiles.expectGolden(run.output, "place/\(stem).out.yaml")
        try TestFiles.expectGolden(PlacementReport.render(run.placements, explain: true), "place/\(stem).report.txt")
    }

    @Test func everyOutputPassesKubernetesValidate() async throws {
        let folder = try TestFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        for name in Self.inputs {
            let file = folder.appendingPathComponent(name)
            try Self.run(name).output.write(to: file, atomically: true, encoding: .utf8)
            files.append(file.path)
        }
        let result = try await TestFiles.run(TestFiles.kubernetesValidate, ["--strict"] + files)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("cronjob/report") && result.output.contains("daemonset/node-exporter"))
    }

    /// kubernetes-validate must reject a misplaced field, or its passing proves nothing.
    @Test func kubernetesValidateRejectsAMisspeltField() async throws {
        let folder = try TestFiles.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.yaml")
        let output = try Self.run("kinds.yaml").output.replacingOccurrences(of: "nodeSelector", with: "nodeSelectr")
        try output.write(to: file, atomically: true, encoding: .utf8)
        let result = try await TestFiles.run(TestFiles.kubernetesValidate, ["--strict", file.path])
        #expect(result.status != 0)
    }

    @Test func untouchedDocumentsKeepTheirBytes() throws {
        let input = try String(contentsOf: TestFiles.golden.appendingPathComponent("place/flow-and-comments.yaml"), encoding: .utf8)
        let output = try Self.run("flow-and-comments.yaml").output
        #expect(output.hasPrefix(input.components(separatedBy: "---\n")[0]))
        #expect(output.hasSuffix(input.components(separatedBy: "---\n")[3]))
    }

    @Test(arguments: ["a: 1", "---\na: 1\n", "a: 1\n---\nb: 2", "x: |\n  ---\n  y\n---\r\nb: 2\r\n", "", "\n\n---\n", "--- {a: 1}\n...\n"])
    func streamsSplitAndJoinBackExactly(_ text: String) throws {
        #expect(YAMLStream(text).rendered(replacing: [:]) == text)
        #expect(try PlaceRun(text: text, file: "t.yaml", placer: WorkloadPlacer()).output == text)
    }

    @Test func yamlErrorsNameFileLineAndColumn() throws {
        let text = "apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: [\n"
        #expect {
            try PlaceRun(text: text, file: "bad.yaml", placer: WorkloadPlacer())
        } throws: { error in
            guard let error = error as? PlacementError else { return false }
            return error.code == "YAMLSyntax" && error.message.hasPrefix("bad.yaml:7:")
        }
    }
}

import ArgumentParser
import DroverBlueprint
import Foundation

/// `drover validate`: every problem in the spec, with positions and fixes, before anything is created.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check the spec and list every problem with its position and fix.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let workspace = Workspace(specPath: options.spec, statePath: options.state, parallelism: 1, sink: { _ in })
        let warnings: [Diagnostic]
        do {
            warnings = try workspace.loadSpec().warnings
        } catch let error as SpecInvalidError where options.json {
            try printJSON(error.diagnostics)
            throw ExitCode.failure
        }
        if options.json { return try printJSON(warnings) }
        for warning in warnings.ordered { Console.err(warning.description) }
        Console.out("The spec is valid\(warnings.isEmpty ? "" : " (\(warnings.count) warning\(warnings.count == 1 ? "" : "s"))").")
    }

    private func printJSON(_ diagnostics: [Diagnostic]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        Console.out(String(decoding: try encoder.encode(diagnostics.ordered), as: UTF8.self))
    }
}

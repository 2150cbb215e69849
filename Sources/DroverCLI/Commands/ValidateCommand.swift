import ArgumentParser
import DroverBlueprint
import Foundation

/// `drover validate`: every problem in the spec, with positions and fixes, before anything is created.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check the spec and list every problem with its position and fix.")

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let workspace = Workspace(specPath: options.spec, statePath: options.state, parallelism: 1, sink: { _ in })
        let diagnostics: [Diagnostic]
        do {
            diagnostics = try workspace.loadSpec().warnings
        } catch let error as SpecInvalidError where options.json {
            report(error.diagnostics)
            throw ExitCode.failure
        }
        if options.json { return report(diagnostics) }
        Console.diagnostics(diagnostics)
        Console.out("The spec is valid\(diagnostics.isEmpty ? "" : " (\(diagnostics.count) warning\(diagnostics.count == 1 ? "" : "s"))").")
    }

    /// `diagnostic` lines and the closing `validated` line.
    private func report(_ diagnostics: [Diagnostic]) {
        Console.diagnostics(diagnostics)
        let errors = diagnostics.filter { $0.severity == .error }.count
        Console.json("validated", JSONLines.Validated(valid: errors == 0, errors: errors, warnings: diagnostics.count - errors))
    }
}

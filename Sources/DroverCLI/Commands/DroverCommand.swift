import ArgumentParser
import DroverBlueprint
import DroverEngine
import Foundation

/// The `drover` command.
public struct DroverCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "drover",
        abstract: "Build a Rancher-managed hybrid Linux + Windows Kubernetes cluster on Azure, and keep workloads on the right OS.",
        version: DroverVersion.current,
        subcommands: [
            InitCommand.self, UpCommand.self, DownCommand.self, ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self,
            RefreshCommand.self, OutputCommand.self, GraphCommand.self, RenderCommand.self, StateCommand.self, ForceUnlockCommand.self,
            SimCommand.self, PlaceCommand.self, WebhookCommand.self, DoctorCommand.self, TimelineCommand.self,
        ])

    public init() {}
}

/// The process entry point: parses, runs, and renders every error through `ErrorRenderer`.
public enum DroverMain {
    /// Runs the command line.
    public static func main(_ arguments: [String]? = nil) async {
        // A reader that goes away (`drover plan | head -1`) makes writes fail instead of killing the process,
        // so the run still ends the ordinary way and releases its state lock.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try DroverCommand.parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if Console.isJSON || (arguments ?? Array(CommandLine.arguments.dropFirst())).contains("--json"),
                let lines = ErrorRenderer.jsonLines(for: error)
            {
                lines.forEach { Console.out($0) }
                DroverCommand.exit(withError: ErrorRenderer.exitCode(for: error))
            }
            guard let message = ErrorRenderer.message(for: error) else { DroverCommand.exit(withError: error) }
            Console.err(message)
            DroverCommand.exit(withError: ErrorRenderer.exitCode(for: error))
        }
    }
}

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
            InitCommand.self, ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self,
            RefreshCommand.self, OutputCommand.self, GraphCommand.self, RenderCommand.self, StateCommand.self, ForceUnlockCommand.self,
            PlaceCommand.self, WebhookCommand.self,
        ])

    public init() {}
}

/// The process entry point: parses, runs, and renders every error through `ErrorRenderer`.
public enum DroverMain {
    /// Runs the command line.
    public static func main(_ arguments: [String]? = nil) async {
        do {
            var command = try DroverCommand.parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard let message = ErrorRenderer.message(for: error) else { DroverCommand.exit(withError: error) }
            Console.err(message)
            DroverCommand.exit(withError: ErrorRenderer.exitCode(for: error))
        }
    }
}

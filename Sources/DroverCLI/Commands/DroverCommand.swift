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
            RefreshCommand.self, OutputCommand.self, GraphCommand.self, StateCommand.self, ForceUnlockCommand.self,
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
        } catch let error as SpecInvalidError {
            fail(error)
        } catch let error as PlanError {
            fail(error)
        } catch let error as StateLockedError {
            fail(error)
        } catch let error as ResourceError {
            fail(error)
        } catch let error as StateFileError {
            fail(error)
        } catch let error as RunIncompleteError {
            fail(error)
        } catch {
            DroverCommand.exit(withError: error)
        }
    }

    private static func fail(_ error: any Error) -> Never {
        Console.err(ErrorRenderer.message(for: error))
        DroverCommand.exit(withError: ErrorRenderer.exitCode(for: error))
    }
}

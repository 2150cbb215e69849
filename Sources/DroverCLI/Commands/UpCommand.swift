import ArgumentParser
import DroverBlueprint
import DroverEngine
import Foundation

/// `drover up`: validate, plan and apply the whole cluster with live progress, ending with the outputs.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Build the whole cluster: validate, plan and apply with live progress, then print where everything is.",
        discussion: "Without a drover.yaml the starter spec is written and used (and said so). `drover down` undoes it.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var run: RunOptions
    @Flag(name: .customLong("auto-approve"), help: "Skip the confirmation.") var autoApprove = false
    @Option(help: "The profile of the starter spec written when there is no spec: current or rancher-2.3.") var profile = "current"

    func run() async throws {
        try await UpCommand.ensureSpec(options.spec, profile: profile)
        _ = try await OperationRunner(options: options, targets: run.target, parallelism: run.parallelism)
            .run(mode: .apply, planOnly: false, autoApprove: autoApprove)
        if !options.json { Console.out("\nNext: `drover output --show-sensitive` for the passwords, `drover timeline` for where the time went.") }
    }

    /// Writes the starter spec when `spec` does not exist, saying so.
    static func ensureSpec(_ spec: String, profile: String) async throws {
        guard !FileManager.default.fileExists(atPath: spec) else { return }
        guard let profile = Profile(rawValue: profile) else {
            throw ValidationError("--profile must be one of: \(Profile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try await InitCommand.writeStarterSpec(to: spec, profile: profile)
        Console.note("No \(spec) here: using the starter spec (profile \(profile.rawValue)), written to \(spec); edit it and run `drover up` again to change the cluster.")
    }
}

/// `drover down`: delete everything `up` built, dependents first.
struct DownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Delete everything `drover up` built, dependents first (resource groups Drover did not create are kept).")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var run: RunOptions
    @Flag(name: .customLong("auto-approve"), help: "Skip the confirmation.") var autoApprove = false

    func run() async throws {
        _ = try await OperationRunner(options: options, targets: run.target, parallelism: run.parallelism)
            .run(mode: .destroy, planOnly: false, autoApprove: autoApprove)
    }
}

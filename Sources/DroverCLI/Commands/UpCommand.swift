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
    @OptionGroup var simulation: SimulationOptions

    func run() async throws {
        try await UpCommand.ensureSpec(options.spec, profile: profile)
        var runner = OperationRunner(options: options, targets: run.target, parallelism: run.parallelism)
        try await simulation.around(&runner, options: options) { runner in
            // A simulated world holds nothing real: no confirmation needed.
            _ = try await runner.run(mode: .apply, planOnly: false, autoApprove: autoApprove || simulation.simulate)
        }
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
    @OptionGroup var simulation: SimulationOptions

    func run() async throws {
        var runner = OperationRunner(options: options, targets: run.target, parallelism: run.parallelism)
        try await simulation.around(&runner, options: options) { runner in
            _ = try await runner.run(mode: .destroy, planOnly: false, autoApprove: autoApprove || simulation.simulate)
        }
    }
}

/// `--simulate` and its settings, shared by `up` and `down`.
struct SimulationOptions: ParsableArguments {
    @Flag(help: "Run against simulated Azure, Rancher and Kubernetes started in this process (world kept in .drover/sim/).")
    var simulate = false

    @Option(name: .customLong("time-scale"), help: "With --simulate: multiplies every simulated duration (0.01 = a hundred times faster than real).")
    var timeScale = 0.01

    @Flag(name: .customLong("keep-simulator"), help: "With --simulate: keep the simulators serving after the run until Ctrl-C.")
    var keepSimulator = false

    func validate() throws {
        guard timeScale > 0 else { throw ValidationError("--time-scale must be above 0 (0.01 runs a hundred times faster than Azure)") }
        if keepSimulator, !simulate { throw ValidationError("--keep-simulator needs --simulate") }
    }

    /// Runs `body` with `runner` pointed at freshly started simulators when `--simulate` is given, else as it is.
    func around(_ runner: inout OperationRunner, options: GlobalOptions, _ body: (OperationRunner) async throws -> Void) async throws {
        guard simulate else { return try await body(runner) }
        let simulated = try await SimulatedRun.start(specPath: options.spec, statePath: options.state, timeScale: timeScale)
        simulated.configure(&runner)
        let outcome: Result<Void, any Error>
        do { outcome = .success(try await body(runner)) } catch { outcome = .failure(error) }
        if keepSimulator {
            Console.note("The simulators keep serving (Ctrl-C stops them). For another shell:")
            Console.out(simulated.variables.sorted { $0.key < $1.key }.map { "export \($0.key)='\($0.value)'" }.joined(separator: "\n"))
            await SimServeCommand.waitForInterrupt()
        }
        await simulated.stop()
        try outcome.get()
    }
}

import ArgumentParser
import DroverBlueprint
import DroverEngine
import Foundation

/// Runs plan, apply or destroy for the CLI: spec → blueprint → locked engine run → rendered result.
struct OperationRunner {
    var options: GlobalOptions
    var targets: [String]
    var parallelism: Int
    /// Variables the providers see instead of the process environment's (the simulators' for `up --simulate`).
    var variables: [String: String] = [:]
    /// Fills in what the environment decides (the simulated subscription and tenant), after the spec is checked.
    var adjustSpec: @Sendable (inout ClusterSpec) -> Void = { _ in }

    enum Outcome { case noChanges, changes }

    func run(mode: PlanMode, planOnly: Bool, autoApprove: Bool) async throws -> Outcome {
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
        let addresses = try targets.map { text -> ResourceAddress in
            guard let address = ResourceAddress(parsing: text) else {
                throw ValidationError("--target \(text) is not an address of the form type/name, such as azure.virtual_machine/k8s/win-0-vm")
            }
            return address
        }
        let workspace = Workspace(
            specPath: options.spec, statePath: options.state, parallelism: parallelism, sink: options.eventSink, variables: variables)
        var (spec, warnings) = try workspace.loadSpec()
        adjustSpec(&spec)
        Console.diagnostics(warnings)
        let configuration = Blueprint(spec: spec).configuration()
        return try await LockedRun.run(workspace.store, operation: planOnly ? "plan" : mode.rawValue, note: Console.note) { run in
            try await workspace.withEngine(spec: spec) { engine in
                try await execute(engine, configuration, mode: mode, targets: addresses, planOnly: planOnly, autoApprove: autoApprove, run: run)
            }
        }
    }

    private func execute(
        _ engine: Engine, _ configuration: Configuration, mode: PlanMode, targets addresses: [ResourceAddress], planOnly: Bool, autoApprove: Bool,
        run: LockedRun
    ) async throws -> Outcome {
        if mode == .apply { try await refreshBeforePlan(engine, configuration) }
        let plan = try await engine.plan(configuration, mode: mode, targets: Set(addresses))
        if options.json {
            for change in plan.changes where change.action != .noop { Console.json("change", JSONLines.Change(change)) }
        } else {
            Console.out(PlanRenderer().render(plan))
        }
        guard plan.hasChanges else { return .noChanges }
        if planOnly { return .changes }
        if !autoApprove { try confirm(mode) }
        let stop = StopSignal()
        run.stopGracefully {
            Console.note("Interrupt received: finishing the operations in flight and saving state; nothing new starts."
                + "\nPress Ctrl-C again to quit at once (the journal keeps the state safe either way).")
            stop.raise()
        }
        // Every apply and destroy is recorded for `drover timeline`, from the moment it starts changing things.
        var engine = engine
        let recorder = RunRecorder(
            directory: RunRecorder.directory(forState: options.state), command: mode.rawValue, configuration: configuration, clock: engine.clock)
        defer { recorder?.close() }
        if let recorder { engine.sink = recorder.sink(forwardingTo: engine.sink) }
        let result = try await engine.apply(plan, stop: stop)
        if !options.json, mode == .apply { OutputCommand.printOutputs(result.state.outputs, showSensitive: false) }
        guard result.succeeded else {
            throw RunIncompleteError(failures: result.failures, skipped: result.skipped.count, notStarted: result.notStarted.count)
        }
        return .changes
    }

    /// Reads the resources whose `read` decides a change by itself (`Blueprint.readBeforePlan`: Rancher's serving
    /// certificate is renewed within 30 days of expiry), so the plan shows that change and apply makes it.
    private func refreshBeforePlan(_ engine: Engine, _ configuration: Configuration) async throws {
        let addresses = Set(configuration.resources.keys.filter { Blueprint.readBeforePlan.contains($0.type) })
        guard !addresses.isEmpty, try await engine.store.load().resources.keys.contains(where: addresses.contains) else { return }
        _ = try await engine.refresh(only: addresses)
    }

    private func confirm(_ mode: PlanMode) throws {
        if options.json {
            throw CodedError(
                code: "ConfirmationNeeded", message: "\(mode.rawValue) --json cannot ask for confirmation (a prompt is not a JSON line)",
                remediation: "review `drover plan`, then run `drover \(mode.rawValue) --json --auto-approve`")
        }
        guard isatty(0) == 1 else {
            throw CodedError(
                code: "ConfirmationNeeded", message: "\(mode.rawValue) needs confirmation and standard input is not a terminal",
                remediation: "review `drover plan`, then run `drover \(mode.rawValue) --auto-approve`")
        }
        Console.out(mode == .destroy
            ? "Do you really want to destroy all resources above? Only 'yes' will be accepted.\n  Enter a value: "
            : "Do you want to perform these actions? Only 'yes' will be accepted.\n  Enter a value: ")
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            throw CodedError(code: "Cancelled", message: "\(mode.rawValue) cancelled; nothing was changed")
        }
    }
}

/// Options shared by plan, apply and destroy.
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: "Limit to this resource address and what it depends on (destroy: what depends on it). Repeatable.")
    var target: [String] = []

    @Option(name: .long, help: "The most operations running at once.")
    var parallelism = Engine.defaultParallelism
}

/// `drover plan`.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Show what apply would do, and why.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var run: RunOptions
    @Flag(help: "Plan a destroy instead.") var destroy = false
    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 0 for no changes, 1 for an error, 2 when there are changes.")
    var detailedExitCode = false

    func run() async throws {
        let outcome = try await OperationRunner(options: options, targets: run.target, parallelism: run.parallelism)
            .run(mode: destroy ? .destroy : .apply, planOnly: true, autoApprove: false)
        if detailedExitCode, outcome == .changes { throw ExitCode(2) }
    }
}

/// `drover apply`.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply", abstract: "Build or change the cluster to match the spec.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var run: RunOptions
    @Flag(name: .customLong("auto-approve"), help: "Skip the confirmation.") var autoApprove = false

    func run() async throws {
        _ = try await OperationRunner(options: options, targets: run.target, parallelism: run.parallelism)
            .run(mode: .apply, planOnly: false, autoApprove: autoApprove)
    }
}

/// `drover destroy`.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "destroy", abstract: "Delete everything Drover built, dependents first.")
    @OptionGroup var options: GlobalOptions
    @OptionGroup var run: RunOptions
    @Flag(name: .customLong("auto-approve"), help: "Skip the confirmation.") var autoApprove = false

    func run() async throws {
        _ = try await OperationRunner(options: options, targets: run.target, parallelism: run.parallelism)
            .run(mode: .destroy, planOnly: false, autoApprove: autoApprove)
    }
}

import ArgumentParser
import DroverBlueprint
import DroverEngine
import Foundation

/// `drover refresh`: re-reads every recorded resource and reports drift.
struct RefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "refresh", abstract: "Read every resource as it really is and report drift.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let sink = options.eventSink
        let workspace = Workspace(specPath: options.spec, statePath: options.state, parallelism: Engine.defaultParallelism, sink: sink)
        let (_, drift) = try await LockedRun.run(workspace.store, operation: "refresh", note: Console.note) { _ in try await workspace.engine().refresh() }
        if options.json { return Console.json("refreshed", JSONLines.Refreshed(drifted: drift.count)) }
        Console.out(drift.isEmpty ? "No drift: every resource matches the state." : "\(drift.count) resource\(drift.count == 1 ? "" : "s") drifted; `drover plan` shows what apply would do.")
    }
}

/// The state at `path`; says there is none rather than showing an empty one.
func recordedState(at path: String) async throws -> StateSnapshot {
    let store = FileStateStore(path: path)
    guard FileManager.default.fileExists(atPath: path) || FileManager.default.fileExists(atPath: store.journalPath) else {
        throw CodedError(
            code: "NoState", message: "there is no state at \(path): nothing has been applied with it yet",
            remediation: "run `drover apply` first, or point --state at the state file")
    }
    return try await store.load()
}

/// `drover output`.
struct OutputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "output", abstract: "Print the outputs of the last apply.")
    @Option(help: "The state file.") var state = "drover.state.json"
    @Argument(help: "One output's name.") var name: String?
    @Flag(name: .customLong("show-sensitive"), help: "Print sensitive values instead of (sensitive).") var showSensitive = false
    @Option(name: .shortAndLong, help: "text or json.") var output = "text"

    func run() async throws {
        let outputs = try await recordedState(at: state).outputs
        guard ["text", "json"].contains(output) else { throw ValidationError("-o must be text or json") }
        if let name {
            guard let value = outputs[name] else {
                throw CodedError(code: "NoSuchOutput", message: "no output named \(name)", remediation: "known outputs: \(outputs.keys.sorted().joined(separator: ", "))")
            }
            if value.sensitive, !showSensitive {
                throw CodedError(code: "Sensitive", message: "\(name) is sensitive", remediation: "pass --show-sensitive to print it")
            }
            Console.out(output == "json" ? value.value.rendered : (value.value.stringValue ?? value.value.rendered))
            return
        }
        if output == "json" {
            let shown = outputs.mapValues { ["sensitive": .bool($0.sensitive), "value": $0.sensitive && !showSensitive ? .null : $0.value] as Value }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(shown), as: UTF8.self))
        } else {
            Self.printOutputs(outputs, showSensitive: showSensitive)
        }
    }

    static func printOutputs(_ outputs: [String: OutputState], showSensitive: Bool) {
        guard !outputs.isEmpty else { return }
        Console.out("\nOutputs:\n")
        for name in outputs.keys.sorted() {
            let entry = outputs[name]!
            Console.out("\(name) = \(entry.sensitive && !showSensitive ? "(sensitive)" : entry.value.rendered)")
        }
    }
}

/// `drover graph`.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "graph", abstract: "Print the resource graph as DOT or Mermaid.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "dot or mermaid.") var format = "dot"

    func run() throws {
        guard let format = GraphFormat(rawValue: format) else { throw ValidationError("--format must be dot or mermaid") }
        let workspace = Workspace(specPath: options.spec, statePath: options.state, parallelism: 1, sink: { _ in })
        let (spec, warnings) = try workspace.loadSpec()
        Console.diagnostics(warnings)
        let graph = Blueprint(spec: spec).configuration().graph()
        guard options.json else { return Console.out(graph.render(as: format), terminator: "") }
        for node in graph.nodes {
            Console.json("resource", JSONLines.Resource(address: node.description, dependsOn: (graph.dependencies[node] ?? []).sorted().map(\.description)))
        }
    }
}

/// `drover state list | show`.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "state", abstract: "Inspect the state.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List recorded resource addresses.")
        @Option(help: "The state file.") var state = "drover.state.json"

        func run() async throws {
            let snapshot = try await recordedState(at: state)
            for address in snapshot.resources.keys.sorted() { Console.out(address.description) }
            for (address, op) in snapshot.pendingOperations.sorted(by: { $0.key < $1.key }) {
                Console.out("\(address) (interrupted \(op.kind.rawValue); the next apply resumes it)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one recorded resource.")
        @Option(help: "The state file.") var state = "drover.state.json"
        @Argument(help: "The resource address.") var address: String
        @Flag(name: .customLong("show-sensitive"), help: "Print sensitive values.") var showSensitive = false

        func run() async throws {
            let snapshot = try await recordedState(at: state)
            guard let parsed = ResourceAddress(parsing: address), let resource = snapshot.resources[parsed] else {
                throw CodedError(code: "NoSuchResource", message: "\(address) is not in the state", remediation: "list addresses with `drover state list`")
            }
            Console.out("# \(resource.address)")
            for (section, value) in [("inputs", resource.inputs), ("outputs", resource.outputs)] {
                Console.out("\(section):")
                guard case .object(let fields) = value else { continue }
                for key in fields.keys.sorted() {
                    let hidden = resource.sensitivePaths.contains("\(section).\(key)") && !showSensitive
                    Console.out("  \(key) = \(hidden ? "(sensitive)" : fields[key]!.rendered)")
                }
            }
            if !resource.dependencies.isEmpty {
                Console.out("dependencies:")
                for dependency in resource.dependencies { Console.out("  \(dependency)") }
            }
        }
    }
}

/// `drover force-unlock`.
struct ForceUnlockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "force-unlock", abstract: "Break a state lock left by a killed run.")
    @Option(help: "The state file.") var state = "drover.state.json"
    @Argument(help: "The lock id printed in the lock error.") var id: String
    @Flag(help: "Break the lock even though its holder is still running on this host.") var force = false

    func run() async throws {
        try await FileStateStore(path: state).forceUnlock(id: id, force: force)
        Console.out("The state lock \(id) was removed. Make sure no other drover is running on this state.")
    }
}

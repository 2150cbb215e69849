import ArgumentParser
import DroverSim
import Foundation

/// `drover sim`: simulated remote services for tests and demos.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim", abstract: "Run simulated remote services (Azure) on this machine.", subcommands: [SimServeCommand.self])
}

/// `drover sim serve`: the Azure simulator until interrupted, with the variables a client needs as `export` lines.
struct SimServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a simulated Azure (login, ARM, Graph) over TLS on 127.0.0.1 until Ctrl-C.",
        discussion: """
            Prints shell export lines (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_SUBSCRIPTION_ID,
            ARM_METADATA_HOSTNAME, DROVER_CA_FILE, DROVER_SIM_INVENTORY_URL). The world is kept in --dir, so a
            restarted simulator still holds what was created.
            """)

    @Option(help: "Folder holding the simulated world, its CA and its ports.")
    var dir = ".drover-sim"

    @Option(name: .customLong("time-scale"), help: "Multiplies every simulated duration: 1 = Azure's pace, 0.01 = a hundred times faster, 0 = instant.")
    var timeScale = 1.0

    @Option(help: "Fault plan, e.g. 429=0.05,500=0.1,drop=0.01,fail=0.02 (rates per request, 0...1).")
    var faults = ""

    @Option(help: "Seed of the fault plan (and of a new world's identifiers).")
    var seed: UInt64 = 1

    @Option(name: .customLong("env-file"), help: "Also write the export lines to this file (mode 0600).")
    var envFile: String?

    @Option(name: .customLong("request-log"), help: "Append every exchange (secrets redacted) as JSON lines to this file.")
    var requestLog: String?

    @Option(name: .customLong("hostname"), help: "Another name the TLS certificate covers besides 127.0.0.1 and localhost (repeatable).")
    var hostnames: [String] = []

    @Option(name: .customLong("rancher-hostname"), help: "A public host name a simulated Rancher will answer on once the machines bring it up (repeatable); the spec's load balancer FQDN is added when --spec names a valid spec.")
    var rancherHostnames: [String] = []

    @Option(help: "The spec whose Rancher FQDN the simulated Rancher answers on, when it exists.")
    var spec = "drover.yaml"

    @Flag(help: "Print the variables as one JSON object instead of export lines.")
    var json = false

    func validate() throws {
        guard timeScale >= 0 else { throw ValidationError("--time-scale must be 0 or more (0.01 runs a hundred times faster than Azure)") }
        do { _ = try FaultPlan(parsing: faults) } catch let error as SimulatorError { throw ValidationError("--faults: \(error)") }
    }

    /// A stream that yields once at the first Ctrl-C (or SIGTERM), and the handler to cancel.
    static func interrupts() -> (AsyncStream<Void>, InterruptHandler) {
        let (interrupted, signal) = AsyncStream.makeStream(of: Void.self)
        let handler = InterruptHandler.install {
            signal.yield()
            signal.finish()
        }
        return (interrupted, handler)
    }

    /// Waits for Ctrl-C.
    static func waitForInterrupt() async {
        let (interrupted, handler) = interrupts()
        defer { handler.cancel() }
        for await _ in interrupted { break }
    }

    func run() async throws {
        // Catch Ctrl-C before the variables are printed: whoever reads them may interrupt at once.
        let (interrupted, handler) = Self.interrupts()
        defer { handler.cancel() }
        let directory = URL(fileURLWithPath: dir)
        var configuration = Simulation.Configuration(
            directory: directory, timeScale: timeScale, faults: try FaultPlan(parsing: faults), seed: seed,
            rancherHostnames: rancherHostnames + specHostname())
        configuration.azureHostnames = hostnames
        configuration.requestLogFile = requestLog.map { URL(fileURLWithPath: $0) }
        let simulation = try Simulation(configuration: configuration)
        let endpoints = try await simulation.start()
        let variables = Self.variables(endpoints, timeScale: timeScale)
        let text = json ? Self.jsonText(variables) : Self.exportLines(variables)
        if let envFile { try Self.writePrivate(text, to: envFile) }
        Console.out(text, terminator: "")
        fflush(nil)
        for await _ in interrupted { break }
        await simulation.stop()
        Console.err("drover sim serve: stopped; the world stays in \(directory.path)")
    }

    /// The load balancer FQDN of the spec at `spec`, when it is there and valid.
    private func specHostname() -> [String] {
        guard FileManager.default.fileExists(atPath: spec),
            let loaded = try? Workspace(specPath: spec, statePath: "drover.state.json", parallelism: 1, sink: { _ in }).loadSpec()
        else { return [] }
        return [loaded.spec.rancher.fqdn]
    }

    /// The variables a client needs, in the order they are printed.
    static func variables(_ simulation: Simulation.Endpoints, timeScale: Double) -> [(String, String)] {
        let endpoints = simulation.azure
        // Rancher's names reach the simulated Rancher on loopback, TLS name kept (curl's --connect-to).
        let connectTo = simulation.connectTo.isEmpty ? [] : [("DROVER_CONNECT_TO", simulation.connectTo.joined(separator: ","))]
        return [
            ("AZURE_TENANT_ID", endpoints.tenantId), ("AZURE_CLIENT_ID", endpoints.clientId),
            ("AZURE_CLIENT_SECRET", endpoints.clientSecret), ("AZURE_SUBSCRIPTION_ID", endpoints.subscriptionId),
            ("ARM_METADATA_HOSTNAME", endpoints.armHost), ("DROVER_CA_FILE", endpoints.caFile),
            ("DROVER_SIM_INVENTORY_URL", endpoints.inventoryURL),
            // The client paces writes on the simulator's time (the write budget refills this much faster).
            ("DROVER_SIM_TIME_SCALE", String(timeScale)),
        ] + connectTo
    }

    static func exportLines(_ variables: [(String, String)]) -> String {
        variables.map { "export \($0.0)='\($0.1.replacingOccurrences(of: "'", with: "'\\''"))'\n" }.joined()
    }

    static func jsonText(_ variables: [(String, String)]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let object = Dictionary(uniqueKeysWithValues: variables)
        return String(decoding: (try? encoder.encode(object)) ?? Data(), as: UTF8.self) + "\n"
    }

    static func writePrivate(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.removeItem(at: url)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("--env-file \(path): cannot write the file; check its folder exists and is writable")
        }
    }
}

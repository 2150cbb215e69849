import DroverBlueprint
import DroverSim
import Foundation

/// `--simulate`: the simulators of a whole world (Azure with its machines, Rancher, Kubernetes) started in this
/// process, their world kept in `.drover/sim/` beside the state so a killed run resumes against the same simulated
/// cloud, and the variables that point the providers at them.
struct SimulatedRun {
    /// The running simulators.
    let simulation: Simulation
    /// What the providers see instead of the process environment.
    let variables: [String: String]
    /// The simulated subscription and tenant, filled into a spec that leaves them to the environment.
    let subscriptionId: String, tenantId: String

    /// The folder of the simulated world of the state at `statePath`.
    static func directory(forState statePath: String) -> URL {
        CompositionRoot.Environment.toolDirectory(forState: statePath).appendingPathComponent("sim")
    }

    /// Starts the simulators for the spec at `specPath` on `timeScale`.
    static func start(specPath: String, statePath: String, timeScale: Double) async throws -> SimulatedRun {
        let (spec, _) = try Workspace(specPath: specPath, statePath: statePath, parallelism: 1, sink: { _ in }).loadSpec()
        let simulation = try Simulation(configuration: Simulation.Configuration(
            directory: directory(forState: statePath), timeScale: timeScale, rancherHostnames: [spec.rancher.fqdn]))
        let endpoints = try await simulation.start()
        let azure = endpoints.azure
        let variables = Dictionary(SimServeCommand.variables(endpoints, timeScale: timeScale), uniquingKeysWith: { _, last in last })
        Console.note(
            "SIMULATION: Azure, Entra ID, Rancher, the machines and Kubernetes are simulated in this process (world in "
                + "\(directory(forState: statePath).path), time \(String(format: "%g", 1 / max(timeScale, 1e-9)))x faster); nothing real is created.")
        return SimulatedRun(simulation: simulation, variables: variables, subscriptionId: azure.subscriptionId, tenantId: azure.tenantId)
    }

    /// Points `runner` at the simulators.
    func configure(_ runner: inout OperationRunner) {
        runner.variables = variables
        let subscription = subscriptionId, tenant = tenantId
        runner.adjustSpec = { spec in
            if spec.azure.subscriptionId.isEmpty { spec.azure.subscriptionId = subscription }
            if spec.azure.tenantId.isEmpty { spec.azure.tenantId = tenant }
        }
    }

    /// Stops the simulators; their world stays.
    func stop() async { await simulation.stop() }
}

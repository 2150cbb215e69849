import DroverBlueprint
import DroverEngine
import Foundation

/// Loads the spec, checks it, and builds the engine: what every command that touches state starts with.
struct Workspace {
    var specPath: String
    var statePath: String
    var parallelism: Int
    var sink: EngineEventSink
    /// Variables that replace the process environment's for the providers (`up --simulate` points them at the
    /// simulators this way).
    var variables: [String: String] = [:]

    /// The validated spec and its warnings; throws `SpecInvalidError` when anything is an error.
    func loadSpec() throws -> (spec: ClusterSpec, warnings: [Diagnostic]) {
        let loaded = SpecLoader().load(path: specPath)
        var diagnostics = loaded.diagnostics
        if let spec = loaded.spec, !diagnostics.hasErrors {
            diagnostics += SpecValidator().validate(spec, positions: loaded.positions, file: specPath)
            if !diagnostics.hasErrors { return (spec, diagnostics) }
        }
        throw SpecInvalidError(diagnostics: diagnostics)
    }

    var store: FileStateStore { FileStateStore(path: statePath) }

    /// Runs `body` with an engine whose providers are built for `spec` (nil when no spec is loaded), then closes
    /// the connections the providers opened, whether `body` succeeded or not.
    func withEngine<T>(spec: ClusterSpec?, _ body: (Engine) async throws -> T) async throws -> T {
        var environment = CompositionRoot.Environment.forState(at: statePath, spec: spec)
        environment.variables.merge(variables) { _, given in given }
        let providers = CompositionRoot.providers(environment)
        let engine = Engine(registry: providers.registry, store: store, parallelism: parallelism, sink: sink)
        let result: Result<T, any Error>
        do { result = .success(try await body(engine)) } catch { result = .failure(error) }
        try await providers.shutdown()
        return try result.get()
    }
}

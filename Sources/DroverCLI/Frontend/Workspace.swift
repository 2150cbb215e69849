import DroverBlueprint
import DroverEngine
import Foundation

/// Loads the spec, checks it, and builds the engine: what every command that touches state starts with.
struct Workspace {
    var specPath: String
    var statePath: String
    var parallelism: Int
    var sink: EngineEventSink

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

    func engine() -> Engine {
        Engine(
            registry: CompositionRoot.registry(.forState(at: statePath)), store: store, parallelism: parallelism, sink: sink)
    }
}

import DroverBlueprint
import DroverEngine

/// `rancher.registration_token` (or `rancher.windows_registration`, which hands out the Windows command) as Rancher
/// would answer for `spec`: the commands of NodeArtifacts' templates with `token`, so the artifact resources
/// downstream render as they would against a real Rancher.
struct FakeRegistrationToken: ResourceHandler {
    typealias Inputs = Value
    struct Outputs: Codable, Sendable {
        var token: String
        var linuxCommand: String
        var windowsCommand: String
    }

    let spec: ClusterSpec
    let token: String
    var type = "rancher.registration_token"
    var sensitiveOutputs: Set<String> { ["token", "linuxCommand", "windowsCommand"] }

    func outputs() -> Outputs {
        var secrets = ArtifactSecrets.placeholders
        secrets.registrationToken = token
        let commands = NodeArtifacts(spec: spec).registrationCommands(secrets)
        return Outputs(token: token, linuxCommand: commands.linux, windowsCommand: commands.windows)
    }

    func create(_ inputs: Value, context: OperationContext) async throws -> Outputs { outputs() }
    func read(_ inputs: Value, prior: Outputs?, context: OperationContext) async throws -> Observed<Value, Outputs>? { Observed(prior ?? outputs()) }
    func update(from old: Value, to new: Value, prior: Outputs, context: OperationContext) async throws -> Outputs { outputs() }
    func delete(_ inputs: Value, prior: Outputs, context: OperationContext) async throws {}
}

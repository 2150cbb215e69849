import DroverEngine
import Foundation

/// `azure.vm_extension`: runs a script once on a VM through the Custom Script extension (Compute 2024-07-01,
/// `VirtualMachineExtension` in virtualMachine.json; azure-api.md §7).
///
/// Windows uses `Microsoft.Compute/CustomScriptExtension` 1.10, Linux `Microsoft.Azure.Extensions/CustomScript` 2.0.
/// The script travels only in `protectedSettings.commandToExecute` (never in `settings`: the extension refuses both).
/// `forceUpdateTag` carries a hash of the script, so a changed script runs again under the same extension name.
/// When the extension fails, its instance view's messages are put in the error.
public struct VMExtensionHandler: ResourceHandler {
    /// Inputs.
    public struct Inputs: Codable, Sendable, Equatable {
        /// The extension's name on the VM (one Custom Script extension per VM).
        public var name: String
        /// The VM's ARM id.
        public var virtualMachineId: String
        /// `linux` or `windows`.
        public var os: String
        /// The command to run, as final text (a shell command on Linux, a `powershell …` line on Windows). Secret.
        public var script: String
        /// The VM's region; read from the VM when not given.
        public var location: String?
    }

    /// Outputs.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The extension's ARM id.
        public var id: String
        /// The script's content tag sent as `forceUpdateTag`.
        public var forceUpdateTag: String
    }

    struct Body: Codable {
        struct ProtectedSettings: Codable { var commandToExecute: String }
        struct Properties: Codable {
            var publisher: String
            var type: String
            var typeHandlerVersion: String
            var autoUpgradeMinorVersion: Bool
            var forceUpdateTag: String
            var settings: [String: String]
            var protectedSettings: ProtectedSettings
        }
        var location: String
        var properties: Properties
    }

    struct Answer: Decodable {
        struct Properties: Decodable {
            var provisioningState: String?
            var forceUpdateTag: String?
            var instanceView: InstanceView?
        }
        struct InstanceView: Decodable {
            struct Status: Decodable {
                var code: String?
                var message: String?
            }
            var statuses: [Status]?
            var substatuses: [Status]?
        }
        var id: String?
        var location: String?
        var properties: Properties?
    }

    let session: AzureSession
    /// Creates the handler.
    public init(session: AzureSession) { self.session = session }

    public var type: String { "azure.vm_extension" }
    public var replaceTriggers: Set<String> { ["name", "virtualMachineId", "os"] }
    public var sensitiveInputs: Set<String> { ["script"] }

    /// A changed script gets a new tag, known only once the script's text is.
    public func plannedOutputs(old: Value?, new: Value, prior: Value?) -> Value? {
        guard let old, case .object(var outputs) = prior else { return old == nil ? nil : prior }
        if old["script"] != new["script"] { outputs["forceUpdateTag"] = new["script"]?.stringValue.map { .string(Self.tag($0)) } ?? .unknown }
        return .object(outputs)
    }

    /// The script's tag: the first 16 hex digits of its SHA-256.
    static func tag(_ script: String) -> String { String(SHA256.hex(script).prefix(16)) }

    static func body(_ inputs: Inputs, location: String) throws -> Body {
        let handler: (publisher: String, type: String, version: String)
        switch inputs.os.lowercased() {
        case "windows": handler = ("Microsoft.Compute", "CustomScriptExtension", "1.10")
        case "linux": handler = ("Microsoft.Azure.Extensions", "CustomScript", "2.0")
        default:
            throw CodedError(code: "InvalidExtension", message: "extension \(inputs.name): os \"\(inputs.os)\" is not linux or windows", nothingApplied: true)
        }
        return Body(
            location: location,
            properties: .init(
                publisher: handler.publisher, type: handler.type, typeHandlerVersion: handler.version, autoUpgradeMinorVersion: true,
                forceUpdateTag: tag(inputs.script), settings: [:], protectedSettings: .init(commandToExecute: inputs.script)))
    }

    func path(_ inputs: Inputs) -> String { "\(inputs.virtualMachineId)/extensions/\(inputs.name)" }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let arm = try await session.services(context: context).arm
        var location = inputs.location
        if location == nil {
            struct VM: Decodable { var location: String }
            location = try await arm.get(inputs.virtualMachineId, apiVersion: APIVersions.compute, as: VM.self, context: context).location
        }
        let body = try Self.body(inputs, location: location ?? "")
        do {
            let result = try await arm.put(path(inputs), apiVersion: APIVersions.compute, body: body, as: Answer.self, context: context)
            return Outputs(id: result.id ?? path(inputs), forceUpdateTag: body.properties.forceUpdateTag)
        } catch var error as CodedError where !error.nothingApplied {
            error.details += await instanceViewMessages(inputs, arm: arm, context: context)
            throw error
        }
    }

    /// The extension's own status messages (`$expand=instanceView`), which say why a script failed.
    func instanceViewMessages(_ inputs: Inputs, arm: ARMClient, context: OperationContext) async -> [String] {
        guard let answer = try? await arm.get(path(inputs), apiVersion: APIVersions.compute, query: [("$expand", "instanceView")], as: Answer.self, context: context),
            let view = answer.properties?.instanceView
        else { return [] }
        return ((view.statuses ?? []) + (view.substatuses ?? [])).compactMap { status in
            status.message.map { "\(status.code ?? "status"): \($0)" }
        }
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let arm = try await session.services(context: context).arm
        guard let found = try await CodedError.nilWhenNotFound({
            try await arm.get(path(inputs), apiVersion: APIVersions.compute, as: Answer.self, context: context)
        }) else { return nil }
        let tag = found.properties?.forceUpdateTag ?? ""
        // The script itself is never returned (protectedSettings); a different tag means a different script ran.
        var observed = inputs
        if tag != Self.tag(inputs.script) { observed.script = "(changed outside Drover)" }
        return Observed(Outputs(id: found.id ?? path(inputs), forceUpdateTag: tag), inputs: observed, settled: ARMClient.isSettled(found.properties?.provisioningState))
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        try await create(new, context: context)
    }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        let arm = try await session.services(context: context).arm
        try await arm.delete(path(inputs), apiVersion: APIVersions.compute, context: context)
    }
}

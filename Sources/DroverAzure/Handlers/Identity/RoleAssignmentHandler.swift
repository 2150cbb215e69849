import DroverEngine
import Foundation

/// `azure.role_assignment`: a role for a service principal on a scope (Authorization 2022-04-01,
/// `RoleAssignments_Create` in authorization-RoleAssignmentsCalls.json; azure-api.md §9).
///
/// The assignment's name is a UUID derived from scope, principal and role, so a re-run PUTs the same name.
/// `principalType: ServicePrincipal` lets ARM accept a principal that has not replicated yet; `PrincipalNotFound` is
/// still retried for up to five minutes on the engine's clock. `RoleAssignmentExists` (the same grant under another
/// name) is success: the existing assignment is found and reported.
public struct RoleAssignmentHandler: ResourceHandler {
    /// Inputs, as the blueprint sends them.
    public struct Inputs: Codable, Sendable, Equatable {
        /// The scope's ARM id (the workload resource group's).
        public var scope: String
        /// The service principal's object id.
        public var principalId: String
        /// A built-in role name (`Contributor`) or a role definition GUID.
        public var role: String
    }

    /// Outputs.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The assignment's ARM id.
        public var id: String
        /// The assignment's name (a UUID).
        public var name: String
    }

    /// Built-in role definition ids (azure-api.md §9: Contributor = b24988ac-6180-42a0-ab88-20f7382dd24c).
    public static let builtInRoles = ["Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c"]

    struct Body: Codable {
        struct Properties: Codable {
            var roleDefinitionId: String
            var principalId: String
            var principalType: String?
        }
        var id: String?
        var name: String?
        var properties: Properties
    }

    let session: AzureSession
    let principalWait: Double
    /// Creates the handler; `principalWait` bounds the wait for a new principal to replicate.
    public init(session: AzureSession, principalWait: Double = 300) {
        self.session = session
        self.principalWait = principalWait
    }

    public var type: String { "azure.role_assignment" }
    public var replaceTriggers: Set<String> { ["scope", "principalId", "role"] }

    static func roleGUID(_ role: String) throws -> String {
        if let id = builtInRoles[role] { return id }
        guard UUID(uuidString: role) != nil else {
            throw CodedError(code: "UnknownRole", message: "role \"\(role)\" is not a built-in role Drover knows or a role definition GUID", nothingApplied: true)
        }
        return role.lowercased()
    }

    /// A UUID (version 8 layout) from the SHA-256 of scope, principal and role, lower-cased so casing does not matter.
    static func assignmentName(scope: String, principalId: String, roleGUID: String) -> String {
        var bytes = Array(SHA256.digest(Array("\(scope.lowercased())|\(principalId.lowercased())|\(roleGUID)".utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0f | 0x80
        bytes[8] = bytes[8] & 0x3f | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.map(String.init).joined(separator: "-")
    }

    /// The PUT body: the subscription-level role definition id and `principalType: ServicePrincipal`, which lets
    /// ARM accept a principal still replicating (azure-api.md §9).
    static func body(_ inputs: Inputs, roleGUID: String, subscriptionPath: String) -> Body {
        Body(properties: .init(
            roleDefinitionId: "\(subscriptionPath)/providers/Microsoft.Authorization/roleDefinitions/\(roleGUID)",
            principalId: inputs.principalId, principalType: "ServicePrincipal"))
    }

    func path(_ inputs: Inputs, name: String) -> String { "\(inputs.scope)/providers/Microsoft.Authorization/roleAssignments/\(name)" }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let arm = try await session.services(context: context).arm
        let role = try Self.roleGUID(inputs.role)
        let name = Self.assignmentName(scope: inputs.scope, principalId: inputs.principalId, roleGUID: role)
        let body = Self.body(inputs, roleGUID: role, subscriptionPath: arm.subscriptionPath)
        let started = context.clock.now()
        var interval = 5.0
        while true {
            do {
                let result = try await arm.put(path(inputs, name: name), apiVersion: APIVersions.authorization, body: body, as: Body.self, context: context)
                return Outputs(id: result.id ?? path(inputs, name: name), name: result.name ?? name)
            } catch let error as CodedError where error.code == "RoleAssignmentExists" {
                context.report("the role was already assigned under another name; using that assignment")
                if let existing = try await findExisting(inputs, role: role, arm: arm, context: context) { return existing }
                throw error
            } catch let error as CodedError where error.code == "PrincipalNotFound" {
                guard context.clock.now() - started + interval <= principalWait else { throw error }
                context.report("waiting for principal \(inputs.principalId) to replicate")
                try await context.sleep(seconds: interval)
                interval = min(60, interval * 2)
            }
        }
    }

    /// The assignment of `role` to the principal on the scope, whatever its name.
    func findExisting(_ inputs: Inputs, role: String, arm: ARMClient, context: OperationContext) async throws -> Outputs? {
        struct List: Decodable { var value: [Body] }
        let list = try await arm.get(
            "\(inputs.scope)/providers/Microsoft.Authorization/roleAssignments", apiVersion: APIVersions.authorization,
            query: [("$filter", "principalId eq '\(inputs.principalId)'")], as: List.self, context: context)
        return list.value.first { $0.properties.roleDefinitionId.lowercased().hasSuffix(role) }.flatMap { found in
            found.id.map { Outputs(id: $0, name: found.name ?? ResourceID.name(of: $0)) }
        }
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let arm = try await session.services(context: context).arm
        let role = try Self.roleGUID(inputs.role)
        let name = prior?.name ?? Self.assignmentName(scope: inputs.scope, principalId: inputs.principalId, roleGUID: role)
        guard let found = try await CodedError.nilWhenNotFound({
            try await arm.get(path(inputs, name: name), apiVersion: APIVersions.authorization, as: Body.self, context: context)
        }) else { return nil }
        return Observed(Outputs(id: found.id ?? path(inputs, name: name), name: name), inputs: inputs)
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs { prior }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        let arm = try await session.services(context: context).arm
        try await arm.delete(prior.id, apiVersion: APIVersions.authorization, context: context)
    }
}

import DroverEngine
import Foundation

/// `azure.resource_group`: a resource group (Resources 2021-04-01, `ResourceGroups_CreateOrUpdate` in resources.json).
///
/// A group that exists before Drover creates it is adopted, never written and never deleted: Drover marks the
/// groups it creates with the tag ``managedTag`` and deletes only those.
public struct ResourceGroupHandler: ResourceHandler {
    /// Inputs: `{"name": "rancher-rg", "location": "eastus2", "tags": {...}}`.
    public struct Inputs: Codable, Sendable, Equatable {
        /// The group's name (1–90 characters, azure-api.md §10).
        public var name: String
        /// The Azure region.
        public var location: String
        /// Tags besides Drover's own.
        public var tags: [String: String]?
    }

    /// Outputs: the group's id, name and location, and whether Drover created it.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The ARM id, `/subscriptions/S/resourceGroups/NAME`.
        public var id: String
        /// The name.
        public var name: String
        /// The region.
        public var location: String
        /// True when Drover created the group (so `destroy` may delete it).
        public var createdByDrover: Bool
    }

    /// The tag Drover puts on groups it creates.
    public static let managedTag = (name: "managed-by", value: "drover")

    struct Body: Codable {
        var id: String?
        var name: String?
        var location: String
        var tags: [String: String]?
    }

    let session: AzureSession
    /// Creates the handler.
    public init(session: AzureSession) { self.session = session }

    public var type: String { "azure.resource_group" }
    public var replaceTriggers: Set<String> { ["name", "location"] }

    func path(_ arm: ARMClient, _ name: String) -> String { arm.resourceGroupPath(name) }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let arm = try await session.services(context: context).arm
        if let existing = try await CodedError.nilWhenNotFound({
            try await arm.get(path(arm, inputs.name), apiVersion: APIVersions.resources, as: Body.self, context: context)
        }) {
            let ours = existing.tags?[Self.managedTag.name] == Self.managedTag.value
            if !ours { context.report("adopting the existing resource group \(inputs.name); Drover will never delete it") }
            if existing.location.lowercased() != inputs.location.lowercased() {
                throw CodedError(
                    code: "ResourceGroupLocationMismatch",
                    message: "resource group \(inputs.name) exists in \(existing.location), the spec says \(inputs.location)",
                    remediation: "set the spec's location to \(existing.location) or choose another group name", nothingApplied: true)
            }
            if !ours { return Outputs(id: existing.id ?? path(arm, inputs.name), name: inputs.name, location: existing.location, createdByDrover: false) }
        }
        return try await put(inputs, arm: arm, context: context)
    }

    /// The PUT body: the location and the tags, Drover's own included.
    static func body(_ inputs: Inputs) -> Body {
        var tags = inputs.tags ?? [:]
        tags[managedTag.name] = managedTag.value
        return Body(location: inputs.location, tags: tags)
    }

    func put(_ inputs: Inputs, arm: ARMClient, context: OperationContext) async throws -> Outputs {
        let body = Self.body(inputs)
        let created = try await arm.put(path(arm, inputs.name), apiVersion: APIVersions.resources, body: body, as: Body.self, context: context)
        return Outputs(id: created.id ?? path(arm, inputs.name), name: inputs.name, location: created.location, createdByDrover: true)
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let arm = try await session.services(context: context).arm
        guard let found = try await CodedError.nilWhenNotFound({
            try await arm.get(path(arm, inputs.name), apiVersion: APIVersions.resources, as: Body.self, context: context)
        }) else { return nil }
        let ours = found.tags?[Self.managedTag.name] == Self.managedTag.value
        var tags = found.tags ?? [:]
        tags[Self.managedTag.name] = nil
        return Observed(
            Outputs(id: found.id ?? path(arm, inputs.name), name: inputs.name, location: found.location, createdByDrover: prior?.createdByDrover ?? ours),
            inputs: Inputs(name: inputs.name, location: found.location, tags: inputs.tags == nil && tags.isEmpty ? nil : tags))
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        // Only tags can change in place; an adopted group is left as its owner keeps it.
        guard prior.createdByDrover else { return prior }
        return try await put(new, arm: try await session.services(context: context).arm, context: context)
    }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        guard prior.createdByDrover else {
            context.report("kept: resource group \(inputs.name) was not created by Drover")
            return
        }
        let arm = try await session.services(context: context).arm
        // Deleting a group deletes everything in it (azure-api.md §4, "Delete"): a 202 with Location, polled to the end.
        try await arm.delete(path(arm, inputs.name), apiVersion: APIVersions.resources, context: context)
    }
}

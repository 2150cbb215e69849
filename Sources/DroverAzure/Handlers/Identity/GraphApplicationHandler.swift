import DroverEngine
import Foundation

/// `graph.application`: an Entra ID application registration (Graph v1.0 `application`; azure-api.md §8.1).
///
/// Graph names are not unique, so `create` first looks for an application with the same display name and adopts it;
/// two such applications are an error rather than a guess.
public struct GraphApplicationHandler: ResourceHandler {
    /// Inputs: the display name, unique in the tenant by Drover's convention (`drover-{cluster}`).
    public struct Inputs: Codable, Sendable, Equatable {
        /// The application's display name.
        public var displayName: String
    }

    /// Outputs: the object id (for `/applications/{id}`) and the client id.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The application's object id.
        public var id: String
        /// The application (client) id.
        public var appId: String
    }

    struct Application: Codable, Sendable {
        var id: String?
        var appId: String?
        var displayName: String
    }

    let session: AzureSession
    /// Creates the handler.
    public init(session: AzureSession) { self.session = session }

    public var type: String { "graph.application" }

    func find(_ name: String, graph: GraphClient, context: OperationContext) async throws -> Outputs? {
        let found = try await graph.list("/applications", filter: "displayName eq \(GraphClient.literal(name))", as: Application.self, context: context)
        guard found.count <= 1 else {
            throw CodedError(
                code: "AmbiguousApplication", message: "\(found.count) applications are named \(name)",
                remediation: "delete the extra applications in Entra ID, or rename the cluster", nothingApplied: true)
        }
        return found.first.flatMap { app in app.id.flatMap { id in app.appId.map { Outputs(id: id, appId: $0) } } }
    }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let graph = try await session.services(context: context).graph
        return try await graph.createOnce("application \(inputs.displayName)", context: context) {
            try await find(inputs.displayName, graph: graph, context: context)
        } create: {
            let created = try await graph.send("POST", "/applications", body: Application(displayName: inputs.displayName), context: context)
                .decode(Application.self)
            guard let id = created.id, let appId = created.appId else {
                throw CodedError(code: "InvalidResponse", message: "Graph created application \(inputs.displayName) without id or appId")
            }
            return Outputs(id: id, appId: appId)
        }
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let graph = try await session.services(context: context).graph
        guard let prior else { return try await find(inputs.displayName, graph: graph, context: context).map { Observed($0) } }
        guard let app = try await CodedError.nilWhenNotFound({
            try await graph.send("GET", "/applications/\(prior.id)", context: context).decode(Application.self)
        }) else { return nil }
        return Observed(prior, inputs: Inputs(displayName: app.displayName))
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        let graph = try await session.services(context: context).graph
        _ = try await graph.send("PATCH", "/applications/\(prior.id)", body: Application(displayName: new.displayName), context: context)
        return prior
    }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        let graph = try await session.services(context: context).graph
        _ = try await CodedError.nilWhenNotFound { try await graph.send("DELETE", "/applications/\(prior.id)", context: context) }
    }
}

import DroverEngine
import Foundation

/// `graph.service_principal`: the application's service principal in this tenant (Graph v1.0 `servicePrincipal`;
/// azure-api.md §8.2). Found by `appId` before creating; created again while the new application replicates (§8.4).
public struct GraphServicePrincipalHandler: ResourceHandler {
    /// Inputs: the application (client) id.
    public struct Inputs: Codable, Sendable, Equatable {
        /// The application's client id.
        public var appId: String
    }

    /// Outputs: the principal's object id, which role assignments need (not the appId).
    public struct Outputs: Codable, Sendable, Equatable {
        /// The service principal's object id.
        public var id: String
        /// The application's client id.
        public var appId: String
    }

    struct Principal: Codable, Sendable {
        var id: String?
        var appId: String
    }

    let session: AzureSession
    /// Creates the handler.
    public init(session: AzureSession) { self.session = session }

    public var type: String { "graph.service_principal" }
    public var replaceTriggers: Set<String> { ["appId"] }

    func find(_ appId: String, graph: GraphClient, context: OperationContext) async throws -> Outputs? {
        try await graph.list("/servicePrincipals", filter: "appId eq \(GraphClient.literal(appId))", as: Principal.self, context: context)
            .first.flatMap { principal in principal.id.map { Outputs(id: $0, appId: appId) } }
    }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let graph = try await session.services(context: context).graph
        return try await graph.createOnce("service principal for \(inputs.appId)", context: context) {
            try await find(inputs.appId, graph: graph, context: context)
        } create: {
            let created = try await graph.whileReplicating("service principal for \(inputs.appId)", context: context) {
                try await graph.send("POST", "/servicePrincipals", body: Principal(appId: inputs.appId), context: context).decode(Principal.self)
            }
            guard let id = created.id else { throw CodedError(code: "InvalidResponse", message: "Graph created a service principal without id") }
            return Outputs(id: id, appId: inputs.appId)
        }
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let graph = try await session.services(context: context).graph
        return try await find(inputs.appId, graph: graph, context: context).map { Observed($0, inputs: inputs) }
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs { prior }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        let graph = try await session.services(context: context).graph
        _ = try await CodedError.nilWhenNotFound { try await graph.send("DELETE", "/servicePrincipals/\(prior.id)", context: context) }
    }
}

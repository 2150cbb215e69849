import DroverEngine
import Foundation

/// `graph.client_secret`: a password credential on the application (Graph v1.0 `addPassword` / `removePassword`;
/// azure-api.md §8.3). The secret text is returned once and kept only as a sensitive output.
public struct GraphClientSecretHandler: ResourceHandler {
    /// Inputs.
    public struct Inputs: Codable, Sendable, Equatable {
        /// The application's object id (not its client id).
        public var applicationId: String
        /// The credential's display name.
        public var displayName: String
        /// Hours until the secret expires; 720 (30 days) when not given, as the seed did.
        public var endDateHours: Double?
    }

    /// Outputs.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The credential's key id.
        public var keyId: String
        /// The secret text (sensitive).
        public var secret: String
        /// When it expires (ISO 8601).
        public var endDateTime: String
    }

    struct AddPassword: Encodable {
        struct Credential: Encodable {
            var displayName: String
            var endDateTime: String
        }
        var passwordCredential: Credential
    }

    /// The body of `removePassword`.
    struct RemovePassword: Encodable { var keyId: String }

    struct Answer: Decodable {
        var keyId: String
        var secretText: String?
        var endDateTime: String?
    }

    let session: AzureSession
    let now: @Sendable () -> Date
    /// Creates the handler; `now` dates the secret's expiry.
    public init(session: AzureSession, now: @escaping @Sendable () -> Date = Date.init) {
        self.session = session
        self.now = now
    }

    public var type: String { "graph.client_secret" }
    public var replaceTriggers: Set<String> { ["applicationId", "displayName", "endDateHours"] }
    public var sensitiveOutputs: Set<String> { ["secret"] }

    static let defaultHours = 720.0

    func body(_ inputs: Inputs) -> AddPassword {
        let formatter = ISO8601DateFormatter()
        let end = now().addingTimeInterval((inputs.endDateHours ?? Self.defaultHours) * 3600)
        return AddPassword(passwordCredential: .init(displayName: inputs.displayName, endDateTime: formatter.string(from: end)))
    }

    /// Adds the password. Its text is returned once, so a credential of this name whose answer never reached us (a
    /// dropped connection, a killed run) is useless: it is removed first, and again before each retry after a lost
    /// answer, so the application ends with exactly one secret of this name.
    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let graph = try await session.services(context: context).graph
        let request = body(inputs)
        var interval = 2.0
        for attempt in 1...4 {
            try await removeUnknownCredentials(named: inputs.displayName, of: inputs.applicationId, graph: graph, context: context)
            do {
                let answer = try await graph.whileReplicating("client secret of \(inputs.applicationId)", context: context) {
                    try await graph.send("POST", "/applications/\(inputs.applicationId)/addPassword", body: request, context: context)
                        .decode(Answer.self)
                }
                guard let secret = answer.secretText else { throw CodedError(code: "InvalidResponse", message: "addPassword returned no secretText") }
                return Outputs(keyId: answer.keyId, secret: secret, endDateTime: answer.endDateTime ?? request.passwordCredential.endDateTime)
            } catch let error as CodedError where error.retryable && !error.nothingApplied && attempt < 4 {
                context.report("client secret: the answer was lost (\(error.code)); removing what it may have added, then trying again")
                try await context.sleep(seconds: interval)
                interval *= 2
            }
        }
        throw CodedError(code: "GraphCreateFailed", message: "the client secret of \(inputs.applicationId) could not be added")
    }

    /// Removes the application's password credentials named `name`: Drover holds no text for any of them.
    func removeUnknownCredentials(named name: String, of application: String, graph: GraphClient, context: OperationContext) async throws {
        struct Application: Decodable {
            struct Credential: Decodable { var keyId: String?; var displayName: String? }
            var passwordCredentials: [Credential]?
        }
        guard let app = try await CodedError.nilWhenNotFound({
            try await graph.send("GET", "/applications/\(application)", context: context).decode(Application.self)
        }) else { return }
        for credential in app.passwordCredentials ?? [] where credential.displayName == name {
            guard let keyId = credential.keyId else { continue }
            _ = try await CodedError.nilWhenNotFound {
                try await graph.send("POST", "/applications/\(application)/removePassword", body: RemovePassword(keyId: keyId), context: context)
            }
        }
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        guard let prior else { return nil }
        let graph = try await session.services(context: context).graph
        struct Application: Decodable {
            struct Credential: Decodable { var keyId: String? }
            var passwordCredentials: [Credential]?
        }
        guard let app = try await CodedError.nilWhenNotFound({
            try await graph.send("GET", "/applications/\(inputs.applicationId)", query: [("$select", "passwordCredentials")], context: context)
                .decode(Application.self)
        }) else { return nil }
        return (app.passwordCredentials ?? []).contains { $0.keyId == prior.keyId } ? Observed(prior, inputs: inputs) : nil
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs { prior }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        let graph = try await session.services(context: context).graph
        _ = try await CodedError.nilWhenNotFound {
            try await graph.send("POST", "/applications/\(inputs.applicationId)/removePassword", body: RemovePassword(keyId: prior.keyId), context: context)
        }
    }
}

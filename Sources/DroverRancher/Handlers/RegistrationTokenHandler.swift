import DroverEngine

/// `rancher.registration_token`: the cluster's registration token and its Linux node command, handed to DroverNodes,
/// which appends roles and addresses (rancher-api.md §3.4). The 2.3 API needs the token created; 2.6+ creates
/// `default-token` itself and Drover waits until `token` and `nodeCommand` are non-empty (§C.3).
public struct RegistrationTokenHandler: ResourceHandler {
    /// Inputs.
    public struct Inputs: RancherAccessInputs, Equatable {
        public var url: String
        public var rancherToken: String
        public var caCertificate: String?
        /// The management cluster id.
        public var clusterId: String
        /// `v3` (create the token when missing) or `provisioning.cattle.io/v1` (wait for `default-token`).
        public var api: String?
        /// Seconds to wait; 300 when not given.
        public var timeoutSeconds: Double?
    }

    /// Outputs.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The token's id, `<clusterId>:<name>`.
        public var id: String
        /// The registration token (sensitive).
        public var token: String
        /// The Linux node command without roles (sensitive: it carries the token).
        public var linuxCommand: String
    }

    let session: RancherSession

    /// Creates the handler.
    public init(session: RancherSession) { self.session = session }

    public var type: String { "rancher.registration_token" }
    public var replaceTriggers: Set<String> { ["clusterId"] }
    public var sensitiveInputs: Set<String> { ["rancherToken"] }
    public var sensitiveOutputs: Set<String> { ["token", "linuxCommand"] }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let tokens = RegistrationTokens(client: try await session.client(for: inputs), clusterId: inputs.clusterId)
        let token = try await tokens.ready(createIfMissing: inputs.api != ClusterHandler.rke2API, timeout: inputs.timeoutSeconds ?? 300, context: context)
        context.report("registration token of \(inputs.clusterId) is ready")
        return Outputs(id: token.id ?? "\(inputs.clusterId):\(token.name ?? "default-token")", token: token.token ?? "", linuxCommand: token.nodeCommand ?? "")
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let tokens = RegistrationTokens(client: try await session.client(for: inputs), clusterId: inputs.clusterId)
        guard let token = try await CodedError.nilWhenNotFound({ try await tokens.list(context: context) })?.first(where: \.isReady) else { return nil }
        return Observed(Outputs(id: token.id ?? prior?.id ?? "", token: token.token ?? "", linuxCommand: token.nodeCommand ?? ""))
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        try await create(new, context: context)
    }

    /// The token belongs to the cluster and goes with it.
    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {}
}

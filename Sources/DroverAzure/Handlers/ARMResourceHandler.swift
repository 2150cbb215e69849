import DroverEngine

/// Inputs of an ARM resource that lives in a resource group under a name.
public protocol ResourceGroupScopedInputs: Codable, Sendable {
    /// The resource's name.
    var name: String { get }
    /// Its resource group's name.
    var resourceGroup: String { get }
}

/// A handler of one ARM resource type in a resource group: its path, reading and deleting are the same for all.
public protocol ARMResourceHandler: ResourceHandler where Inputs: ResourceGroupScopedInputs {
    /// The session whose ARM client is used.
    var session: AzureSession { get }
    /// The provider and type, such as `Microsoft.Network/networkSecurityGroups`.
    static var resourceType: String { get }
    /// The api-version sent (``APIVersions``).
    static var apiVersion: String { get }
}

extension ARMResourceHandler {
    /// `/subscriptions/S/resourceGroups/RG/providers/{resourceType}/{name}`.
    func path(_ arm: ARMClient, _ inputs: Inputs) -> String {
        "\(arm.resourceGroupPath(inputs.resourceGroup))/providers/\(Self.resourceType)/\(inputs.name)"
    }

    /// The ARM client, from the session.
    func arm(_ context: OperationContext) async throws -> ARMClient { try await session.services(context: context).arm }

    /// The resource as ARM holds it, or nil when it does not exist.
    func fetch<T: Decodable>(_ arm: ARMClient, _ inputs: Inputs, as type: T.Type, context: OperationContext) async throws -> T? {
        try await CodedError.nilWhenNotFound { try await arm.get(path(arm, inputs), apiVersion: Self.apiVersion, as: T.self, context: context) }
    }

    /// PUTs `body` and returns the resource once ARM reports it succeeded.
    func put<B: Encodable, T: Decodable>(_ arm: ARMClient, _ inputs: Inputs, body: B, as type: T.Type, context: OperationContext) async throws -> T {
        try await arm.put(path(arm, inputs), apiVersion: Self.apiVersion, body: body, as: T.self, context: context)
    }

    /// Every update is the same full PUT as a creation (ARM's create-or-update).
    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        try await create(new, context: context)
    }

    /// Deletes the resource and waits until ARM reports it gone; an absent resource is success.
    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        let arm = try await arm(context)
        try await arm.delete(path(arm, inputs), apiVersion: Self.apiVersion, context: context)
    }
}

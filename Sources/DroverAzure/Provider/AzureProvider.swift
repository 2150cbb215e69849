import DroverEngine

/// The public entry point of DroverAzure: registers a handler for every `azure.*` and `graph.*` resource type.
public enum AzureProvider {
    /// The types this provider serves.
    public static let types = [
        "azure.resource_group", "azure.network_security_group", "azure.virtual_network", "azure.public_ip", "azure.network_interface",
        "azure.load_balancer", "azure.virtual_machine", "azure.vm_extension", "azure.role_assignment",
        "graph.application", "graph.service_principal", "graph.client_secret",
    ]

    /// Registers every handler into `registry`, sharing one session built lazily from `environment`; returns the
    /// session so the caller can shut it down after the run.
    @discardableResult
    public static func register(into registry: inout ProviderRegistry, environment: AzureEnvironment) -> AzureSession {
        let session = AzureSession(environment: environment)
        register(into: &registry, session: session)
        return session
    }

    /// Registers every handler around an existing session (tests, or a caller holding ready clients).
    public static func register(into registry: inout ProviderRegistry, session: AzureSession) {
        registry.register(ResourceGroupHandler(session: session))
        registry.register(NetworkSecurityGroupHandler(session: session))
        registry.register(VirtualNetworkHandler(session: session))
        registry.register(PublicIPHandler(session: session))
        registry.register(NetworkInterfaceHandler(session: session))
        registry.register(LoadBalancerHandler(session: session))
        registry.register(VirtualMachineHandler(session: session))
        registry.register(VMExtensionHandler(session: session))
        registry.register(RoleAssignmentHandler(session: session))
        registry.register(GraphApplicationHandler(session: session))
        registry.register(GraphServicePrincipalHandler(session: session))
        registry.register(GraphClientSecretHandler(session: session))
    }
}

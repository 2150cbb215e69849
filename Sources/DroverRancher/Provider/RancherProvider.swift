import DroverEngine

/// The public entry point of DroverRancher: registers a handler for every `rancher.*` resource type.
public enum RancherProvider {
    /// The types this provider serves.
    public static let types = [
        "rancher.bootstrap", "rancher.cluster", "rancher.registration_token", "rancher.windows_registration", "rancher.cluster_ready",
        "rancher.kubeconfig",
    ]

    /// Registers every handler into `registry` around one session built from `environment`; returns the session so
    /// the caller can shut it down after the run. Nothing is contacted until a handler runs.
    @discardableResult
    public static func register(into registry: inout ProviderRegistry, environment: RancherEnvironment) -> RancherSession {
        let session = RancherSession(environment: environment)
        register(into: &registry, session: session)
        return session
    }

    /// Registers every handler around an existing session (tests).
    public static func register(into registry: inout ProviderRegistry, session: RancherSession, probe: any NetworkProbe = SystemNetworkProbe()) {
        registry.register(BootstrapHandler(session: session, probe: probe))
        registry.register(ClusterHandler(session: session))
        registry.register(RegistrationTokenHandler(session: session))
        registry.register(WindowsRegistrationHandler(session: session))
        registry.register(ClusterReadyHandler(session: session))
        registry.register(KubeconfigHandler(session: session))
    }
}

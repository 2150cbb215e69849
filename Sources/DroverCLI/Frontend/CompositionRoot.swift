import DroverAzure
import DroverBlueprint
import DroverEngine
import DroverNodes
import DroverRancher
import Foundation

/// The one place that decides which handler serves each resource type, and builds those handlers from the
/// environment (clients, endpoints, credentials, simulated or real).
///
/// `DroverBlueprint` knows the resource types and how they are wired; how a handler is constructed is known here only.
public enum CompositionRoot {
    /// What handlers are built from.
    public struct Environment: Sendable {
        /// Where local tool files live (rancher-2.3's `cluster.yml`, the kubeconfigs, Rancher's CA `rancher-ca.pem`):
        /// `.drover/` beside the state.
        public var workingDirectory: URL
        /// The process environment (credentials, `ARM_METADATA_HOSTNAME`, `DROVER_CA_FILE`, ...).
        public var variables: [String: String]
        /// The spec's subscription and tenant, when it names them (else the environment's or the Azure CLI's).
        public var subscriptionId: String?
        /// The spec's tenant, passed to the Azure CLI credential.
        public var tenantId: String?

        /// Creates an environment.
        public init(
            workingDirectory: URL, variables: [String: String] = ProcessInfo.processInfo.environment, subscriptionId: String? = nil,
            tenantId: String? = nil
        ) {
            self.workingDirectory = workingDirectory
            self.variables = variables
            self.subscriptionId = subscriptionId
            self.tenantId = tenantId
        }

        /// `.drover/` beside the state at `statePath`: tool files, run records, the simulated world.
        public static func toolDirectory(forState statePath: String) -> URL {
            URL(fileURLWithPath: statePath).deletingLastPathComponent().appendingPathComponent(".drover")
        }

        /// The environment of a run whose state file is at `statePath`, for `spec` when one is loaded.
        public static func forState(at statePath: String, spec: ClusterSpec? = nil) -> Environment {
            Environment(
                workingDirectory: toolDirectory(forState: statePath),
                subscriptionId: spec.map(\.azure.subscriptionId), tenantId: spec.map(\.azure.tenantId))
        }

        /// The Azure provider's configuration: nothing is contacted until a handler first needs Azure, so `plan`
        /// needs neither network nor credentials.
        var azure: AzureEnvironment {
            func given(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
            return AzureEnvironment(variables: variables, subscriptionId: given(subscriptionId), tenantId: given(tenantId))
        }

        /// The Rancher provider's configuration (`DROVER_CONNECT_TO`, `DROVER_CA_FILE`); kubeconfigs go to the working
        /// directory. Nothing is contacted at plan time.
        var rancher: RancherEnvironment { RancherEnvironment.from(variables: variables, workingDirectory: workingDirectory) }
    }

    /// The handlers of a run and what must be closed once it is over.
    public struct Providers: Sendable {
        /// Every handler this build has; types whose provider is not linked in are declared for planning only.
        public var registry: ProviderRegistry
        /// The Azure session behind the azure.* and graph.* handlers (its connections are closed by ``shutdown()``).
        public var azure: AzureSession
        /// The Rancher session behind the rancher.* handlers.
        public var rancher: RancherSession

        /// Closes every connection the providers opened.
        public func shutdown() async throws {
            try await azure.shutdown()
            try await rancher.shutdown()
        }
    }

    /// Builds every handler of this build from `environment`.
    public static func providers(_ environment: Environment) -> Providers {
        var registry = ProviderRegistry()
        registry.register(GeneratedSecretHandler())
        registry.register(NodeArtifactHandler(holdsSecrets: false))
        registry.register(NodeArtifactHandler(holdsSecrets: true))
        // Rancher 2.3's own CA is read on a server over SSH (host keys pinned in .drover/known_hosts) and pinned.
        let ssh = SSHRunner(knownHostsPath: environment.workingDirectory.appendingPathComponent("known_hosts").path)
        registry.register(RKE1RancherHandler(
            workingDirectory: environment.workingDirectory.appendingPathComponent("rancher-2.3"),
            readCA: { node, inputs in
                try await ssh.fetchRancherCA(
                    from: SSHTarget(host: node.address, user: inputs.user, privateKeyPath: inputs.sshKeyPath), fqdn: inputs.hostname, legacyAPI: true)
            }))
        registry.register(RancherTLSHandler(caFile: environment.workingDirectory.appendingPathComponent(RancherTLSHandler.caFileName)))
        let azure = AzureProvider.register(into: &registry, environment: environment.azure)
        let rancher = RancherProvider.register(into: &registry, environment: environment.rancher)
        ResourceCatalog.declareMissing(in: &registry)
        return Providers(registry: registry, azure: azure, rancher: rancher)
    }

    /// Every handler this build has (for planning and tests that do not talk to a provider).
    public static func registry(_ environment: Environment) -> ProviderRegistry { providers(environment).registry }
}

import DroverBlueprint
import DroverEngine
import DroverNodes
import Foundation

/// The one place that decides which handler serves each resource type, and builds those handlers from the
/// environment (clients, endpoints, credentials, simulated or real).
///
/// `DroverBlueprint` knows the resource types and how they are wired; how a handler is constructed is known here only.
public enum CompositionRoot {
    /// What handlers are built from.
    public struct Environment: Sendable {
        /// Where local tool files live (rancher-2.3's `cluster.yml` and kubeconfig): `.drover/` beside the state.
        public var workingDirectory: URL
        /// The process environment (credentials, `ARM_METADATA_HOSTNAME`, `DROVER_CA_FILE`, ...).
        public var variables: [String: String]

        /// Creates an environment.
        public init(workingDirectory: URL, variables: [String: String] = ProcessInfo.processInfo.environment) {
            self.workingDirectory = workingDirectory
            self.variables = variables
        }

        /// The environment of a run whose state file is at `statePath`.
        public static func forState(at statePath: String) -> Environment {
            Environment(workingDirectory: URL(fileURLWithPath: statePath).deletingLastPathComponent().appendingPathComponent(".drover"))
        }
    }

    /// Every handler this build has; types whose provider is not linked in are declared for planning only.
    public static func registry(_ environment: Environment) -> ProviderRegistry {
        var registry = ProviderRegistry()
        registry.register(GeneratedSecretHandler())
        registry.register(RKE1RancherHandler(workingDirectory: environment.workingDirectory.appendingPathComponent("rancher-2.3")))
        ResourceCatalog.declareMissing(in: &registry)
        return registry
    }
}

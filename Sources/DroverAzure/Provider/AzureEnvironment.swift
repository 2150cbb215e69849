import DroverHTTP
import Foundation
import Logging

/// Everything the Azure provider is configured from: the process environment, the spec's Azure settings, trust and
/// host overrides, and a logger. The CLI's composition root builds one.
public struct AzureEnvironment: Sendable {
    /// The process environment (`AZURE_*`, `ARM_*`, `ARM_METADATA_HOSTNAME`, `AZURE_SUBSCRIPTION_ID`).
    public var variables: [String: String]
    /// The subscription from the spec; else `AZURE_SUBSCRIPTION_ID` / `ARM_SUBSCRIPTION_ID`; else the CLI's default.
    public var subscriptionId: String?
    /// The tenant from the spec, passed to the Azure CLI.
    public var tenantId: String?
    /// A well-known cloud name (`AzureCloud`, `AzureUSGovernment`, `AzureChinaCloud`); ignored with a metadata host.
    public var cloudName: String?
    /// ARM's host[:port] to read a custom cloud from (the spec's field, else `ARM_METADATA_HOSTNAME`).
    public var metadataHost: String?
    /// An extra PEM CA bundle trusted besides the system store (else `DROVER_CA_FILE`).
    public var extraCAFile: String?
    /// Host-to-address overrides for every request.
    public var hostOverrides: [HostOverride]
    /// Where debug lines (redacted) and "authenticated with" go.
    public var logger: Logger
    /// Runs `az`; tests pass a fake.
    public var commandRunner: any CommandRunner
    /// The IMDS token endpoint (tests point it at a local server).
    public var managedIdentityEndpoint: URL

    /// Creates an environment.
    public init(
        variables: [String: String] = ProcessInfo.processInfo.environment, subscriptionId: String? = nil, tenantId: String? = nil,
        cloudName: String? = nil, metadataHost: String? = nil, extraCAFile: String? = nil, hostOverrides: [HostOverride] = [],
        logger: Logger = Logger(label: "drover.azure"), commandRunner: any CommandRunner = ProcessCommandRunner(),
        managedIdentityEndpoint: URL = ManagedIdentityCredential.defaultEndpoint
    ) {
        self.variables = variables
        self.subscriptionId = subscriptionId
        self.tenantId = tenantId
        self.cloudName = cloudName
        self.metadataHost = metadataHost
        self.extraCAFile = extraCAFile
        self.hostOverrides = hostOverrides
        self.logger = logger
        self.commandRunner = commandRunner
        self.managedIdentityEndpoint = managedIdentityEndpoint
    }

    /// The metadata host in effect: the spec's, else `ARM_METADATA_HOSTNAME`.
    var effectiveMetadataHost: String? { nonEmpty(metadataHost) ?? nonEmpty(variables["ARM_METADATA_HOSTNAME"]) }
    /// The extra CA bundle in effect: the spec's, else `DROVER_CA_FILE`.
    var effectiveCAFile: String? { nonEmpty(extraCAFile) ?? nonEmpty(variables["DROVER_CA_FILE"]) }
    /// Real seconds per service second: `DROVER_SIM_TIME_SCALE` (printed by `drover sim serve`, set by `--simulate`)
    /// against a simulator that runs faster than Azure, else 1. The write pacer spaces writes on this scale.
    var serviceTimeScale: Double {
        guard let text = nonEmpty(variables["DROVER_SIM_TIME_SCALE"]), let scale = Double(text), scale > 0 else { return 1 }
        return scale
    }
    /// The subscription given by the spec or the environment, if any.
    var givenSubscription: String? {
        nonEmpty(subscriptionId) ?? nonEmpty(variables["AZURE_SUBSCRIPTION_ID"]) ?? nonEmpty(variables["ARM_SUBSCRIPTION_ID"])
    }

    private func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
}

import DroverEngine
import DroverHTTP
import Foundation

/// The ARM and Graph clients, built on first use: the cloud is discovered, the subscription resolved and the
/// credential chain assembled only when a handler first talks to Azure, so `drover plan` needs no network.
public actor AzureSession {
    /// The clients a handler uses.
    public struct Services: Sendable {
        /// ARM.
        public var arm: ARMClient
        /// Microsoft Graph.
        public var graph: GraphClient
        /// The credential chain (which credential was used, for messages).
        public var credentials: CredentialChain
    }

    private let environment: AzureEnvironment
    private var built: Services?
    /// The build in flight: concurrent handlers wait for the one build instead of each starting their own (an actor
    /// is re-entered at every `await`), so exactly one set of transports exists and is shut down.
    private var building: Task<Services, any Error>?
    private var transports: [HTTPTransport] = []

    /// Creates a session; nothing is contacted yet.
    public init(environment: AzureEnvironment) { self.environment = environment }

    /// Creates a session around ready clients (tests).
    public init(services: Services) {
        self.environment = AzureEnvironment()
        self.built = services
    }

    /// The clients, built on the first call.
    public func services(context: OperationContext) async throws -> Services {
        if let built { return built }
        if let building { return try await building.value }
        let task = Task { try await self.build(sleep: { try await context.sleep(seconds: $0) }) }
        building = task
        do {
            let services = try await task.value
            built = services
            return services
        } catch {
            building = nil
            throw error
        }
    }

    /// Closes the connections, when the session built them.
    public func shutdown() async throws {
        for transport in transports { try await transport.shutdown() }
        transports = []
    }

    private func build(sleep: @escaping HTTPTransport.Sleeper) async throws -> Services {
        let configuration = TransportConfiguration(
            extraCAFile: environment.effectiveCAFile, hostOverrides: environment.hostOverrides, logger: environment.logger)
        let transport = try HTTPTransport(configuration: configuration)
        // Off Azure nothing answers at IMDS: a short connect timeout and no retry keep the chain quick.
        let imds = try HTTPTransport(configuration: TransportConfiguration(
            connectTimeout: 1, requestTimeout: 5, retry: RetryPolicy(maxAttempts: 1), logger: environment.logger))
        transports += [transport, imds]
        let cloud: AzureCloud
        if let host = environment.effectiveMetadataHost {
            cloud = try await AzureCloud.discover(metadataHost: host, transport: transport, sleep: sleep)
        } else if let name = environment.cloudName ?? environment.variables["AZURE_ENVIRONMENT"] {
            guard let known = AzureCloud.named(name) else {
                throw CodedError(
                    code: "UnknownCloud", message: "unknown Azure cloud \"\(name)\"",
                    remediation: "use AzureCloud, AzureUSGovernment or AzureChinaCloud, or set ARM_METADATA_HOSTNAME", nothingApplied: true)
            }
            cloud = known
        } else {
            cloud = .azureCloud
        }
        let credentials = CredentialChain(Self.credentials(environment, cloud: cloud, transport: transport, imds: imds), logger: environment.logger)
        let cli = AzureCLICredential(runner: environment.commandRunner, tenantId: environment.tenantId)
        var subscription = environment.givenSubscription
        if subscription == nil { subscription = await cli.defaultSubscription() }
        guard let subscription else {
            throw CodedError(
                code: "NoSubscription", message: "no Azure subscription is given",
                remediation: "set azure.subscriptionId in the spec or AZURE_SUBSCRIPTION_ID, or `az account set --subscription …`",
                nothingApplied: true)
        }
        return Services(
            arm: ARMClient(
                cloud: cloud, subscriptionId: subscription, transport: transport, credentials: credentials,
                pacer: WritePacer(serviceTimeScale: environment.serviceTimeScale)),
            graph: GraphClient(cloud: cloud, transport: transport, credentials: credentials), credentials: credentials)
    }

    /// The credential chain in its fixed order: client secret (environment), Azure CLI, managed identity.
    static func credentials(_ environment: AzureEnvironment, cloud: AzureCloud, transport: HTTPTransport, imds: HTTPTransport) -> [any TokenCredential] {
        var chain: [any TokenCredential] = []
        do {
            chain.append(try ClientSecretCredential.fromEnvironment(environment.variables, cloud: cloud, transport: transport))
        } catch let unavailable as CredentialUnavailable {
            chain.append(UnavailableCredential(name: "client secret (AZURE_* / ARM_*)", reason: unavailable.reason))
        } catch {}
        chain.append(AzureCLICredential(runner: environment.commandRunner, tenantId: environment.tenantId))
        chain.append(ManagedIdentityCredential(endpoint: environment.managedIdentityEndpoint, transport: imds))
        return chain
    }
}

/// A place-holder in the chain for a credential that is not configured, so the failure message still lists it.
struct UnavailableCredential: TokenCredential {
    var name: String
    var reason: String

    func token(scope: String, sleep: @escaping HTTPTransport.Sleeper) async throws -> AccessToken { throw CredentialUnavailable(reason) }
}

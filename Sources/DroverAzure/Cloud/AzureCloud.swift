import DroverEngine
import DroverHTTP
import Foundation

/// The endpoints of one Azure cloud: where to log in, where ARM and Microsoft Graph answer, and their token scopes.
public struct AzureCloud: Sendable, Equatable {
    /// The cloud's name, such as `AzureCloud`.
    public var name: String
    /// The Entra ID login endpoint, such as `https://login.microsoftonline.com/`.
    public var loginEndpoint: URL
    /// ARM's endpoint, such as `https://management.azure.com/`.
    public var resourceManager: URL
    /// Microsoft Graph's endpoint, such as `https://graph.microsoft.com/`.
    public var graph: URL
    /// The audience ARM tokens are issued for (the `.default` scope is derived from it).
    public var resourceManagerAudience: String

    /// Creates a cloud description.
    public init(name: String, loginEndpoint: URL, resourceManager: URL, graph: URL, resourceManagerAudience: String? = nil) {
        self.name = name
        self.loginEndpoint = loginEndpoint
        self.resourceManager = resourceManager
        self.graph = graph
        self.resourceManagerAudience = resourceManagerAudience ?? resourceManager.absoluteString
    }

    /// The OAuth scope of ARM tokens (azure-api.md §1.1: the resource's identifier with `/.default`).
    public var resourceManagerScope: String { Self.scope(for: resourceManagerAudience) }
    /// The OAuth scope of Graph tokens.
    public var graphScope: String { Self.scope(for: graph.absoluteString) }

    static func scope(for audience: String) -> String {
        (audience.hasSuffix("/") ? String(audience.dropLast()) : audience) + "/.default"
    }

    /// Azure's public cloud (the default).
    public static let azureCloud = AzureCloud(
        name: "AzureCloud", loginEndpoint: URL(string: "https://login.microsoftonline.com/")!,
        resourceManager: URL(string: "https://management.azure.com/")!, graph: URL(string: "https://graph.microsoft.com/")!,
        resourceManagerAudience: "https://management.core.windows.net/")
    /// Azure Government (US).
    public static let azureUSGovernment = AzureCloud(
        name: "AzureUSGovernment", loginEndpoint: URL(string: "https://login.microsoftonline.us/")!,
        resourceManager: URL(string: "https://management.usgovcloudapi.net/")!, graph: URL(string: "https://graph.microsoft.us/")!,
        resourceManagerAudience: "https://management.core.usgovcloudapi.net/")
    /// Azure operated by 21Vianet (China).
    public static let azureChinaCloud = AzureCloud(
        name: "AzureChinaCloud", loginEndpoint: URL(string: "https://login.chinacloudapi.cn/")!,
        resourceManager: URL(string: "https://management.chinacloudapi.cn/")!, graph: URL(string: "https://microsoftgraph.chinacloudapi.cn/")!,
        resourceManagerAudience: "https://management.core.chinacloudapi.cn/")

    /// The well-known clouds by name (case-insensitive).
    public static func named(_ name: String) -> AzureCloud? {
        [azureCloud, azureUSGovernment, azureChinaCloud].first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// The api-version sent to ARM's metadata endpoint (the array form Terraform's go-azure-sdk reads).
    public static let metadataAPIVersion = "2022-09-01"

    /// Reads a custom cloud (Azure Stack Hub, a simulator) from `https://{host}/metadata/endpoints`, as Terraform does
    /// with `ARM_METADATA_HOSTNAME`. Accepts the array form (one entry per cloud; the one whose `resourceManager` is
    /// on `host` wins, else the first) and the older single-object form.
    /// - Throws: `CodedError` `CloudMetadataInvalid` when the document lacks the login or ARM endpoint.
    public static func discover(metadataHost host: String, transport: HTTPTransport, sleep: HTTPTransport.Sleeper) async throws -> AzureCloud {
        guard let url = URL(string: "https://\(host)/metadata/endpoints?api-version=\(metadataAPIVersion)") else {
            throw CodedError(code: "CloudMetadataInvalid", message: "ARM_METADATA_HOSTNAME \"\(host)\" is not a host[:port]", nothingApplied: true)
        }
        let response = try await transport.send(HTTPRequest(method: "GET", url: url), sleep: sleep)
        let documents: [MetadataDocument]
        if let list = try? JSONDecoder().decode([MetadataDocument].self, from: response.body) {
            documents = list
        } else {
            documents = [try response.decode(MetadataDocument.self)]
        }
        let hostName = host.split(separator: ":").first.map(String.init)?.lowercased()
        let chosen = documents.first { URL(string: $0.resourceManager ?? "")?.host?.lowercased() == hostName } ?? documents.first
        guard let doc = chosen, let login = (doc.authentication?.loginEndpoint).flatMap(URL.init(string:)),
            let arm = URL(string: doc.resourceManager ?? "https://\(host)/")
        else {
            throw CodedError(
                code: "CloudMetadataInvalid", message: "\(url) names no login endpoint or ARM endpoint",
                remediation: "check ARM_METADATA_HOSTNAME points at an ARM endpoint", nothingApplied: true)
        }
        let graph = (doc.microsoftGraphResourceId ?? doc.graph).flatMap(URL.init(string:)) ?? AzureCloud.azureCloud.graph
        return AzureCloud(
            name: doc.name ?? host, loginEndpoint: login, resourceManager: arm, graph: graph,
            resourceManagerAudience: doc.authentication?.audiences?.first)
    }

    struct MetadataDocument: Decodable {
        struct Authentication: Decodable {
            var loginEndpoint: String?
            var audiences: [String]?
        }
        var name: String?
        var resourceManager: String?
        var microsoftGraphResourceId: String?
        var graph: String?
        var authentication: Authentication?
    }
}

import DroverEngine
import DroverHTTP
import Foundation

/// A service principal's client secret, exchanged at the Entra ID v2.0 token endpoint (client credentials grant,
/// azure-api.md §1.1).
public struct ClientSecretCredential: TokenCredential {
    /// The tenant id or domain.
    public var tenantId: String
    /// The application (client) id.
    public var clientId: String
    /// The secret (never logged).
    public var clientSecret: String
    /// The cloud whose login endpoint is used.
    public var cloud: AzureCloud
    /// Which variables it came from, for messages.
    public var source: String
    let transport: HTTPTransport
    let now: @Sendable () -> Date

    /// Creates the credential.
    public init(
        tenantId: String, clientId: String, clientSecret: String, cloud: AzureCloud, transport: HTTPTransport, source: String = "AZURE_*",
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.cloud = cloud
        self.source = source
        self.transport = transport
        self.now = now
    }

    /// Reads `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`, falling back to Terraform's `ARM_*` names.
    /// - Throws: ``CredentialUnavailable`` naming the missing variables.
    public static func fromEnvironment(_ environment: [String: String], cloud: AzureCloud, transport: HTTPTransport) throws -> ClientSecretCredential {
        for prefix in ["AZURE", "ARM"] {
            let tenant = environment["\(prefix)_TENANT_ID"], client = environment["\(prefix)_CLIENT_ID"], secret = environment["\(prefix)_CLIENT_SECRET"]
            if let tenant, let client, let secret, !tenant.isEmpty, !client.isEmpty, !secret.isEmpty {
                return ClientSecretCredential(
                    tenantId: tenant, clientId: client, clientSecret: secret, cloud: cloud, transport: transport, source: "\(prefix)_*")
            }
        }
        throw CredentialUnavailable("AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or their ARM_* names) are not all set")
    }

    public var name: String { "client secret (\(source), client \(clientId))" }

    public func token(scope: String, sleep: @escaping HTTPTransport.Sleeper) async throws -> AccessToken {
        let url = cloud.loginEndpoint.appendingPathComponent(tenantId).appendingPathComponent("oauth2/v2.0/token")
        let form = [("client_id", clientId), ("scope", scope), ("client_secret", clientSecret), ("grant_type", "client_credentials")]
            .map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
        // The token request is a POST but safe to repeat: it creates nothing.
        let request = HTTPRequest(
            method: "POST", url: url, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Data(form.utf8), idempotent: true)
        let started = now()
        let response = try await transport.send(request, sleep: sleep)
        struct Answer: Decodable {
            var access_token: String
            var expires_in: Double
        }
        let answer = try response.decode(Answer.self)
        return AccessToken(token: answer.access_token, expiresOn: started.addingTimeInterval(answer.expires_in))
    }

    /// Form-encodes a value: the secret "must be URL-encoded before being sent" (azure-api.md §1.1).
    static func formEncode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

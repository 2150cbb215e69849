import DroverEngine
import DroverHTTP
import Foundation

/// A managed identity, through the instance metadata service (IMDS) of the Azure VM Drover runs on.
///
/// `GET {endpoint}?api-version=2018-02-01&resource=RESOURCE` with `Metadata: true`; the answer carries
/// `access_token` and `expires_on` (seconds, as a string). Not reachable off Azure, which makes it unavailable.
public struct ManagedIdentityCredential: TokenCredential {
    /// The IMDS token endpoint.
    public static let defaultEndpoint = URL(string: "http://169.254.169.254/metadata/identity/oauth2/token")!

    let endpoint: URL
    let clientId: String?
    let transport: HTTPTransport

    /// Creates the credential; `transport` should have a short connect timeout, since off Azure nothing answers.
    public init(endpoint: URL = defaultEndpoint, clientId: String? = nil, transport: HTTPTransport) {
        self.endpoint = endpoint
        self.clientId = clientId
        self.transport = transport
    }

    public var name: String { "managed identity (IMDS)" }

    public func token(scope: String, sleep: @escaping HTTPTransport.Sleeper) async throws -> AccessToken {
        let resource = scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) + "/" : scope
        var parts = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
        parts.queryItems = [URLQueryItem(name: "api-version", value: "2018-02-01"), URLQueryItem(name: "resource", value: resource)]
            + (clientId.map { [URLQueryItem(name: "client_id", value: $0)] } ?? [])
        let request = HTTPRequest(method: "GET", url: parts.url!, headers: [("Metadata", "true")])
        let response: HTTPResponse
        do { response = try await transport.sendOnce(request) } catch let error as CodedError {
            throw CredentialUnavailable("no instance metadata service answered (\(error.code)); Drover is not on an Azure VM with an identity")
        }
        guard response.status < 400 else {
            let error = ServiceErrorDecoder.error(for: response, request: request)
            if response.status == 400 || response.status == 404 { throw CredentialUnavailable("IMDS has no identity for this VM (\(error.code))") }
            throw error
        }
        struct Answer: Decodable {
            var access_token: String
            var expires_on: String
        }
        let answer = try response.decode(Answer.self)
        return AccessToken(token: answer.access_token, expiresOn: Date(timeIntervalSince1970: Double(answer.expires_on) ?? 0))
    }
}

import DroverEngine
import DroverHTTP
import Foundation

/// Sends requests with a bearer token for one scope; a token the service refuses (401) is replaced once and the
/// request sent again (ARM's `ExpiredAuthenticationToken` / `InvalidAuthenticationToken`, azure-api.md §3.1).
struct BearerSender: Sendable {
    let transport: HTTPTransport
    let credentials: CredentialChain
    let scope: String

    /// Sends `method url` with `body` (JSON) and returns the answer (status below 400).
    func send(_ method: String, _ url: URL, body: Data?, sleep: @escaping HTTPTransport.Sleeper) async throws -> HTTPResponse {
        func attempt() async throws -> HTTPResponse {
            let token = try await credentials.token(scope: scope, sleep: sleep)
            var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            return try await transport.send(HTTPRequest(method: method, url: url, headers: headers, body: body), sleep: sleep)
        }
        do { return try await attempt() } catch let error as CodedError where error.status == 401 {
            await credentials.invalidate(scope: scope)
            return try await attempt()
        }
    }
}

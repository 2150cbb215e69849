import DroverEngine
import DroverHTTP
import Foundation

/// Talks to one Rancher server: norman `/v3`, `/v3-public`, `/v1-public` and Steve `/v1`, bearer auth only
/// (rancher-api.md §0: Basic is decoded with URL-safe base64, so Bearer is the one safe form).
public struct RancherClient: Sendable {
    /// The server URL without a trailing slash.
    public let baseURL: URL
    /// The whole `token-xxxxx:<secret>` string, when authenticated.
    public let token: String?
    /// Whether the transport trusts only a pinned CA (for the TLS remediation).
    public let pinned: Bool
    let transport: HTTPTransport

    /// Creates a client.
    public init(baseURL: URL, token: String?, transport: HTTPTransport, pinned: Bool = false) {
        self.baseURL = baseURL
        self.token = token
        self.transport = transport
        self.pinned = pinned
    }

    /// The same server with another token.
    public func authenticated(_ token: String?) -> RancherClient {
        RancherClient(baseURL: baseURL, token: token, transport: transport, pinned: pinned)
    }

    /// The absolute URL of `path` (starting with `/`) with `query`.
    public func url(_ path: String, query: [(String, String)] = []) -> URL {
        var parts = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)!
        parts.path = (parts.path == "/" ? "" : parts.path) + path
        if !query.isEmpty { parts.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return parts.url!
    }

    /// Sends a request, retried on the engine clock by the transport's policy.
    /// - Throws: `CodedError` with Rancher's code (norman and Steve `{"type":"error",…}`, rancher-api.md §6.2) and a
    ///   remediation for the codes Rancher documents.
    public func send(
        _ method: String, _ path: String, query: [(String, String)] = [], body: (any Encodable & Sendable)? = nil,
        idempotent: Bool? = nil, context: OperationContext
    ) async throws -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let request: HTTPRequest
        if let body {
            request = try HTTPRequest.json(method, url(path, query: query), body: AnyEncodable(body), headers: headers, idempotent: idempotent)
        } else {
            request = HTTPRequest(method: method, url: url(path, query: query), headers: headers, idempotent: idempotent)
        }
        do { return try await transport.send(request, sleep: { try await context.sleep(seconds: $0) }) } catch let error as CodedError {
            throw RancherErrors.refine(error, pinned: pinned)
        }
    }

    /// Sends a request and decodes the JSON answer.
    public func json<T: Decodable>(
        _ type: T.Type, _ method: String, _ path: String, query: [(String, String)] = [], body: (any Encodable & Sendable)? = nil,
        idempotent: Bool? = nil, context: OperationContext
    ) async throws -> T {
        try await send(method, path, query: query, body: body, idempotent: idempotent, context: context).decode(T.self)
    }

    /// Sends the request once, with no retry (probes that keep their own schedule).
    public func sendOnce(_ method: String, _ path: String) async throws -> HTTPResponse {
        do { return try await transport.sendOnce(HTTPRequest(method: method, url: url(path))) } catch let error as CodedError {
            throw RancherErrors.refine(error, pinned: pinned)
        }
    }
}

/// A norman collection: `{"type":"collection","data":[…]}` (rancher-api.md §0); Steve's has the same `data`.
public struct RancherCollection<Item: Decodable>: Decodable {
    /// The items.
    public var data: [Item]
}

/// A JSON object read from Rancher and sent back whole (an update keeps every field Drover does not know).
struct RawJSON: Encodable, @unchecked Sendable {
    /// Unchecked: a `[String: Any]` from JSONSerialization, never mutated after creation.
    let object: [String: Any]
    func encode(to encoder: any Encoder) throws {
        let data = try JSONSerialization.data(withJSONObject: object)
        try JSONDecoder().decode(Value.self, from: data).encode(to: encoder)
    }
}

/// Wraps an existential so JSONEncoder can encode it.
struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

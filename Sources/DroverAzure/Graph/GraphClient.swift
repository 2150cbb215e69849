import DroverEngine
import DroverHTTP
import Foundation

/// Microsoft Graph v1.0 over REST (azure-api.md §8): authorized JSON requests, objects found by a filter, and
/// retries while a new object replicates through Entra ID (§8.4).
public struct GraphClient: Sendable {
    /// The Graph endpoint, such as `https://graph.microsoft.com/`.
    public let endpoint: URL
    let transport: HTTPTransport
    let credentials: CredentialChain
    let scope: String
    /// Longest time to keep retrying while a new object replicates, in seconds.
    let replicationTimeout: Double

    /// Creates a client.
    public init(cloud: AzureCloud, transport: HTTPTransport, credentials: CredentialChain, replicationTimeout: Double = 300) {
        self.endpoint = cloud.graph
        self.transport = transport
        self.credentials = credentials
        self.scope = cloud.graphScope
        self.replicationTimeout = replicationTimeout
    }

    func url(_ path: String, query: [(String, String)] = []) -> URL {
        var parts = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
        let base = parts.percentEncodedPath.hasSuffix("/") ? String(parts.percentEncodedPath.dropLast()) : parts.percentEncodedPath
        parts.percentEncodedPath = base + "/v1.0" + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)
        if !query.isEmpty { parts.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return parts.url!
    }

    /// Sends a request; a POST is repeated by the transport only after a 429 (never processed).
    public func send(_ method: String, _ path: String, query: [(String, String)] = [], body: (any Encodable)? = nil, context: OperationContext) async throws -> HTTPResponse {
        let data = try body.map { try HTTPRequest.encodeJSON($0) }
        return try await BearerSender(transport: transport, credentials: credentials, scope: scope)
            .send(method, url(path, query: query), body: data, sleep: { try await context.sleep(seconds: $0) })
    }

    /// The objects of a collection matching an OData `$filter`.
    public func list<T: Decodable & Sendable>(_ path: String, filter: String, as type: T.Type = T.self, context: OperationContext) async throws -> [T] {
        try await send("GET", path, query: [("$filter", filter)], context: context).decode(CollectionPage<T>.self).value
    }

    /// Graph error codes meaning a referenced object has not replicated yet (azure-api.md §8.4: `Request_BadRequest`
    /// with detail `NoBackingApplicationObject`, or `Request_ResourceNotFound`).
    static func isReplicationDelay(_ error: CodedError) -> Bool {
        error.code == "Request_ResourceNotFound"
            || error.code == "Request_BadRequest" && error.details.contains { $0.hasPrefix("NoBackingApplicationObject") }
    }

    /// Runs `body` again, spaced 5 s up to 30 s, while Graph says a referenced object is still replicating.
    public func whileReplicating<T>(_ what: String, context: OperationContext, _ body: () async throws -> T) async throws -> T {
        let started = context.clock.now()
        var interval = 5.0
        while true {
            do { return try await body() } catch let error as CodedError where Self.isReplicationDelay(error) {
                guard context.clock.now() - started + interval <= replicationTimeout else { throw error }
                context.report("\(what): waiting for Entra ID to replicate (\(error.code))")
                try await context.sleep(seconds: interval)
                interval = min(30, interval * 2)
            }
        }
    }

    /// Creates an object that Graph cannot create idempotently (a POST), safely: looks for it first, and when the
    /// answer to the POST is lost (a dropped connection, a 5xx: the object may exist) looks again before sending
    /// another, so a flaky network neither fails the run nor makes a second object.
    public func createOnce<T: Sendable>(
        _ what: String, context: OperationContext, attempts: Int = 4, find: () async throws -> T?, create: () async throws -> T
    ) async throws -> T {
        var interval = 2.0
        for attempt in 1...attempts {
            if let existing = try await find() { return existing }
            do { return try await create() } catch let error as CodedError where error.retryable && !error.nothingApplied && attempt < attempts {
                context.report("\(what): the answer was lost (\(error.code)); looking for it before trying again")
                try await context.sleep(seconds: interval)
                interval *= 2
            }
        }
        throw CodedError(code: "GraphCreateFailed", message: "\(what) could not be created after \(attempts) attempts")
    }

    /// Quotes a value for an OData string literal (single quotes doubled).
    static func literal(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "''") + "'" }
}

/// One page of a collection, as Graph and ARM list it: `{"value": [...]}`.
struct CollectionPage<T: Decodable>: Decodable {
    var value: [T]
}

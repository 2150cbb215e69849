import DroverEngine
import DroverHTTP
import Foundation

/// Azure Resource Manager over REST: authorized requests, the three long-running-operation patterns with resume
/// tokens, paced writes and errors branched on `error.code` (azure-api.md §2, §3).
public struct ARMClient: Sendable {
    /// ARM's endpoint.
    public let endpoint: URL
    /// The subscription every path is under.
    public let subscriptionId: String
    let transport: HTTPTransport
    let credentials: CredentialChain
    let scope: String
    let pacer: WritePacer
    /// Longest wait for one operation, in seconds, unless the engine's deadline is sooner.
    let operationTimeout: Double

    /// ARM error codes meaning "the target is busy, send the same request again later" (azure-api.md §3.1, §3.2).
    static let busyCodes: Set<String> = ["AnotherOperationInProgress", "RetryableErrorDueToAnotherOperation", "ReferencedResourceNotProvisioned"]

    /// Creates a client.
    public init(
        cloud: AzureCloud, subscriptionId: String, transport: HTTPTransport, credentials: CredentialChain, pacer: WritePacer = WritePacer(),
        operationTimeout: Double = 7200
    ) {
        self.endpoint = cloud.resourceManager
        self.subscriptionId = subscriptionId
        self.transport = transport
        self.credentials = credentials
        self.scope = cloud.resourceManagerScope
        self.pacer = pacer
        self.operationTimeout = operationTimeout
    }

    /// `/subscriptions/{subscriptionId}`.
    public var subscriptionPath: String { "/subscriptions/\(subscriptionId)" }

    /// The path of a resource group.
    public func resourceGroupPath(_ name: String) -> String { "\(subscriptionPath)/resourceGroups/\(name)" }

    /// The absolute URL of `path` with `api-version` and extra query items.
    func url(_ path: String, apiVersion: String?, query: [(String, String)] = []) -> URL {
        if path.hasPrefix("https://") || path.hasPrefix("http://") { return URL(string: path)! }
        var parts = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
        parts.percentEncodedPath = (parts.percentEncodedPath.hasSuffix("/") ? String(parts.percentEncodedPath.dropLast()) : parts.percentEncodedPath)
            + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)
        parts.queryItems = (apiVersion.map { [URLQueryItem(name: "api-version", value: $0)] } ?? []) + query.map { URLQueryItem(name: $0.0, value: $0.1) }
        return parts.url!
    }

    func send(_ method: String, _ url: URL, body: Data?, context: OperationContext) async throws -> HTTPResponse {
        try await BearerSender(transport: transport, credentials: credentials, scope: scope).send(method, url, body: body, sleep: Self.sleeper(context))
    }

    static func sleeper(_ context: OperationContext) -> HTTPTransport.Sleeper { { try await context.sleep(seconds: $0) } }

    /// Reads a resource or other document.
    /// - Throws: `CodedError` (with `notFound` for a 404, for `CodedError.nilWhenNotFound`).
    public func get<T: Decodable>(_ path: String, apiVersion: String, query: [(String, String)] = [], as type: T.Type = T.self, context: OperationContext) async throws -> T {
        try await send("GET", url(path, apiVersion: apiVersion, query: query), body: nil, context: context).decode(T.self)
    }

    /// Creates or updates the resource at `path` with `body` and returns it once ARM reports it finished.
    ///
    /// A resumed operation (its token in `context.resumeToken`) polls instead of sending the PUT again.
    public func put<B: Encodable, T: Decodable>(
        _ path: String, apiVersion: String, body: B, as type: T.Type = T.self, context: OperationContext
    ) async throws -> T {
        try await change("PUT", path, apiVersion: apiVersion, body: body, context: context)
    }

    /// Changes only the fields in `body` (an `…Update` definition) and returns the resource once ARM is done; resumed
    /// like ``put(_:apiVersion:body:as:context:)``.
    public func patch<B: Encodable, T: Decodable>(
        _ path: String, apiVersion: String, body: B, as type: T.Type = T.self, context: OperationContext
    ) async throws -> T {
        try await change("PATCH", path, apiVersion: apiVersion, body: body, context: context)
    }

    func change<B: Encodable, T: Decodable>(_ method: String, _ path: String, apiVersion: String, body: B, context: OperationContext) async throws -> T {
        if let token = OperationToken.resuming(context.resumeToken, resource: path, method: method) {
            context.report("resuming the operation in progress")
            if let resource: T = try await resumePut(token, path: path, apiVersion: apiVersion, context: context) { return resource }
        }
        let data = try HTTPRequest.encodeJSON(body)
        let response = try await write(method, path, apiVersion: apiVersion, body: data, context: context)
        if let token = operationToken(for: response, method: method, path: path, apiVersion: apiVersion) {
            try await context.recordResumeToken(token.encoded)
            try await poll(token, firstWait: Self.firstWait(response), context: context)
        } else if response.status == 200 || response.status == 201, Self.isSettled(Self.provisioningState(of: response.body)) {
            try Self.requireSucceeded(response.body, path: path, requestId: response.header("x-ms-request-id"))
            return try response.decode(T.self)
        }
        return try await settledResource(path, apiVersion: apiVersion, context: context)
    }

    /// Deletes the resource at `path`, waiting until ARM reports it gone; an absent resource is success.
    public func delete(_ path: String, apiVersion: String, query: [(String, String)] = [], context: OperationContext) async throws {
        if let token = OperationToken.resuming(context.resumeToken, resource: path, method: "DELETE") {
            context.report("resuming the deletion in progress")
            do { try await poll(token, context: context); return } catch let error as CodedError where error.notFound { return }
        }
        let response: HTTPResponse
        do { response = try await write("DELETE", path, apiVersion: apiVersion, query: query, body: nil, context: context) } catch let error as CodedError where error.notFound {
            return
        }
        if response.status == 204 { return }
        let token = operationToken(for: response, method: "DELETE", path: path, apiVersion: apiVersion)
            ?? (response.status == 202 ? OperationToken(pattern: .provisioningState, url: url(path, apiVersion: apiVersion).absoluteString, resource: path, method: "DELETE") : nil)
        guard let token else { return }
        try await context.recordResumeToken(token.encoded)
        do { try await poll(token, firstWait: Self.firstWait(response), context: context) } catch let error as CodedError where error.notFound { return }
    }

    /// Sends a write, paced by the remaining-writes budget and repeated while ARM says the target is busy.
    func write(_ method: String, _ path: String, apiVersion: String, query: [(String, String)] = [], body: Data?, context: OperationContext) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            // Deletes have a budget of their own, fifteen times larger (azure-api.md §3.2); only writes are paced.
            let paced = method != "DELETE"
            if paced { try await pacer.beforeWrite(clock: context.clock, sleep: Self.sleeper(context)) }
            let response: HTTPResponse
            do {
                response = try await send(method, url(path, apiVersion: apiVersion, query: query), body: body, context: context)
            } catch {
                if paced { await pacer.observe(nil, at: context.clock.now()) }
                guard let coded = error as? CodedError, Self.busyCodes.contains(coded.code), attempt < 30 else { throw error }
                context.report("\(coded.code); trying again")
                try await context.sleep(seconds: min(60, 5 * Double(attempt)))
                continue
            }
            if paced { await pacer.observe(response, at: context.clock.now()) }
            return response
        }
    }

    /// The long-running operation a write answer starts, if any: `Azure-AsyncOperation` first, then `Location` on a
    /// 202, then a non-terminal `provisioningState` in a 200/201 body (azure-api.md §2, "Practical algorithm").
    func operationToken(for response: HTTPResponse, method: String, path: String, apiVersion: String) -> OperationToken? {
        if let async = response.header("Azure-AsyncOperation"), !async.isEmpty {
            return OperationToken(pattern: .asyncOperation, url: async, resource: path, method: method)
        }
        if response.status == 202, let location = response.header("Location"), !location.isEmpty {
            return OperationToken(pattern: .location, url: location, resource: path, method: method)
        }
        if method != "DELETE", response.status == 200 || response.status == 201,
            let state = Self.provisioningState(of: response.body), !Self.isTerminal(state)
        {
            return OperationToken(pattern: .provisioningState, url: url(path, apiVersion: apiVersion).absoluteString, resource: path, method: method)
        }
        return nil
    }

    /// A resumed PUT or PATCH: polls what was recorded and returns the resource, or nil when the operation is unknown and the
    /// resource absent (the PUT never arrived), so the caller sends it.
    func resumePut<T: Decodable>(_ token: OperationToken, path: String, apiVersion: String, context: OperationContext) async throws -> T? {
        do { try await poll(token, context: context) } catch let error as CodedError where error.notFound {
            // The operation is no longer known: the resource itself tells whether the PUT arrived.
            return try await CodedError.nilWhenNotFound { try await settledResource(path, apiVersion: apiVersion, context: context) }
        }
        return try await settledResource(path, apiVersion: apiVersion, context: context)
    }

    /// The wait before the first poll of a new operation: the answer's `Retry-After`, else 5 s.
    static func firstWait(_ response: HTTPResponse) -> Double { RetryPolicy.retryAfterSeconds(response.header("Retry-After")) ?? 5 }

    /// Polls until the operation ends, waiting `firstWait` before the first poll (none when resuming: the operation
    /// may have ended long ago), then `Retry-After` (else 5 s growing to 30 s) between polls (azure-api.md §2).
    /// - Throws: `CodedError` with the operation's own `error.code` when it failed or was canceled.
    func poll(_ token: OperationToken, firstWait: Double? = nil, context: OperationContext) async throws {
        let started = context.clock.now()
        var interval = 5.0
        var polls = 0
        if let firstWait { try await context.sleep(seconds: firstWait) }
        while true {
            polls += 1
            let response = try await send("GET", URL(string: token.url)!, body: nil, context: context)
            let finished: Bool
            switch token.pattern {
            case .asyncOperation:
                let status = Self.string(in: response.body, "status") ?? "InProgress"
                if status.caseInsensitiveCompare("Succeeded") == .orderedSame { return }
                if Self.isTerminal(status) { throw Self.operationFailed(response.body, status: status, token: token, requestId: response.header("x-ms-request-id")) }
                finished = false
            case .location:
                finished = response.status != 202
            case .provisioningState:
                let state = Self.provisioningState(of: response.body) ?? "Succeeded"
                if Self.isTerminal(state) {
                    if token.method == "DELETE" && state.caseInsensitiveCompare("Succeeded") == .orderedSame { finished = false } else {
                        try Self.requireSucceeded(response.body, path: token.resource, requestId: response.header("x-ms-request-id"))
                        return
                    }
                } else { finished = false }
            }
            if finished { return }
            let elapsed = context.clock.now() - started
            if elapsed >= min(operationTimeout, (context.deadline ?? .infinity) - started) {
                throw CodedError(
                    code: "Timeout", message: "\(token.method) \(token.resource) still running after \(Int(elapsed))s and \(polls) polls",
                    remediation: "run the same command again: Drover resumes polling the same operation")
            }
            let wait = RetryPolicy.retryAfterSeconds(response.header("Retry-After")) ?? interval
            interval = min(30, interval * 1.5)
            try await context.sleep(seconds: wait)
        }
    }

    /// GETs the resource until its `provisioningState` is terminal; Succeeded returns it, anything else throws.
    func settledResource<T: Decodable>(_ path: String, apiVersion: String, as type: T.Type = T.self, context: OperationContext) async throws -> T {
        let resourceURL = url(path, apiVersion: apiVersion)
        let first = try await send("GET", resourceURL, body: nil, context: context)
        if let state = Self.provisioningState(of: first.body), !Self.isTerminal(state) {
            try await poll(OperationToken(pattern: .provisioningState, url: resourceURL.absoluteString, resource: path, method: "PUT"), context: context)
            return try await send("GET", resourceURL, body: nil, context: context).decode(T.self)
        }
        try Self.requireSucceeded(first.body, path: path, requestId: first.header("x-ms-request-id"))
        return try first.decode(T.self)
    }

    // MARK: Reading answers

    /// `Succeeded`, `Failed` and `Canceled` end an operation; any other value means it is still running.
    static func isTerminal(_ state: String) -> Bool {
        ["succeeded", "failed", "canceled", "cancelled"].contains(state.lowercased())
    }

    /// Whether a resource with this `provisioningState` is settled (no state at all means done, azure-api.md §2).
    static func isSettled(_ state: String?) -> Bool { state.map(isTerminal) ?? true }

    static func provisioningState(of body: Data) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return nil }
        return (object["properties"] as? [String: Any])?["provisioningState"] as? String
    }

    static func string(in body: Data, _ key: String) -> String? {
        ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?[key] as? String
    }

    static func requireSucceeded(_ body: Data, path: String, requestId: String?) throws {
        guard let state = provisioningState(of: body), state.lowercased() != "succeeded" else { return }
        throw CodedError(
            code: "Provisioning\(state)", message: "\(path) ended in provisioningState \(state)",
            remediation: "look at the resource in the Azure portal, then run the same command again", requestId: requestId)
    }

    static func operationFailed(_ body: Data, status: String, token: OperationToken, requestId: String?) -> CodedError {
        let parsed = ServiceErrorDecoder.parse(body)
        return CodedError(
            code: parsed.code ?? "Operation\(status)", message: parsed.message ?? "\(token.method) \(token.resource) ended \(status)",
            remediation: "fix the cause named above, then run the same command again", requestId: requestId, details: parsed.details)
    }
}

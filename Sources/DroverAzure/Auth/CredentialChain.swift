import DroverEngine
import DroverHTTP
import Foundation
import Logging

/// Tries credentials in order (client secret, Azure CLI, managed identity) and caches tokens per scope.
///
/// A credential that is not set up here (``CredentialUnavailable``) passes to the next; one that is set up but
/// rejected stops the chain, so a wrong secret is reported instead of silently using another identity. Either way the
/// error lists every credential tried and why each failed. Tokens are refreshed `refreshMargin` seconds before they
/// expire, and concurrent callers share one refresh per scope.
public actor CredentialChain {
    /// The credentials in the order they are tried.
    public nonisolated let credentials: [any TokenCredential]
    /// The credential that produced the last token, for "authenticated with …" messages.
    public private(set) var used: String?
    private let refreshMargin: Double
    private let now: @Sendable () -> Date
    private let logger: Logger
    private var cache: [String: AccessToken] = [:]
    private var inFlight: [String: Task<AccessToken, any Error>] = [:]

    /// Creates a chain.
    public init(
        _ credentials: [any TokenCredential], refreshMargin: Double = 300, now: @escaping @Sendable () -> Date = Date.init,
        logger: Logger = Logger(label: "drover.azure.auth")
    ) {
        self.credentials = credentials
        self.refreshMargin = refreshMargin
        self.now = now
        self.logger = logger
    }

    /// A valid token for `scope`, from the cache while it has more than `refreshMargin` seconds left.
    public func token(scope: String, sleep: @escaping HTTPTransport.Sleeper) async throws -> String {
        if let cached = cache[scope], cached.expiresOn.timeIntervalSince(now()) > refreshMargin { return cached.token }
        if let running = inFlight[scope] { return try await running.value.token }
        let task = Task { try await self.acquire(scope: scope, sleep: sleep) }
        inFlight[scope] = task
        defer { inFlight[scope] = nil }
        let token = try await task.value
        cache[scope] = token
        return token.token
    }

    /// Forgets the cached token for `scope`, after the service refused it.
    public func invalidate(scope: String) { cache[scope] = nil }

    private func acquire(scope: String, sleep: @escaping HTTPTransport.Sleeper) async throws -> AccessToken {
        var tried: [String] = []
        for credential in credentials {
            do {
                let token = try await credential.token(scope: scope, sleep: sleep)
                if used != credential.name { logger.info("authenticated with \(credential.name)") }
                used = credential.name
                return token
            } catch let unavailable as CredentialUnavailable {
                tried.append("\(credential.name): \(unavailable.reason)")
            } catch let error as CodedError {
                tried.append("\(credential.name): \(error.code): \(error.message)")
                throw Self.failure(tried, scope: scope, last: error)
            }
        }
        throw Self.failure(tried, scope: scope, last: nil)
    }

    static func failure(_ tried: [String], scope: String, last: CodedError?) -> CodedError {
        CodedError(
            code: last == nil ? "NoAzureCredential" : "AzureCredentialRejected",
            message: "no Azure credential could get a token for \(scope); tried, in order: " + tried.joined(separator: "; "),
            remediation: "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET to a valid service principal, or run `az login`",
            status: last?.status, requestId: last?.requestId, details: tried, nothingApplied: true)
    }
}

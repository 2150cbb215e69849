import DroverHTTP
import Foundation

/// A bearer token and when it stops being valid.
public struct AccessToken: Sendable, Equatable {
    /// The token itself (secret: never logged).
    public var token: String
    /// When it expires.
    public var expiresOn: Date

    /// Creates a token.
    public init(token: String, expiresOn: Date) {
        self.token = token
        self.expiresOn = expiresOn
    }
}

/// Something that can obtain a token for a scope.
public protocol TokenCredential: Sendable {
    /// A short name for messages, such as `client secret (AZURE_CLIENT_ID)`.
    var name: String { get }
    /// A new token for `scope` (such as `https://management.azure.com/.default`).
    /// - Throws: ``CredentialUnavailable`` when this credential is not configured here, or a `CodedError` when it is
    ///   configured but failed.
    func token(scope: String, sleep: @escaping HTTPTransport.Sleeper) async throws -> AccessToken
}

/// Thrown by a credential that is not set up on this machine, so the chain moves on to the next one.
public struct CredentialUnavailable: Error, Sendable {
    /// Why it is unavailable, such as "AZURE_CLIENT_SECRET is not set".
    public var reason: String

    /// Creates the error.
    public init(_ reason: String) { self.reason = reason }
}

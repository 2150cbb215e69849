import Foundation

/// One HTTP GET a registry client needs; `DroverPlacementNet` implements it with AsyncHTTPClient.
public protocol RegistryTransport: Sendable {
    /// Sends a GET to `url` with `headers` and returns the answer (any status).
    func get(_ url: String, headers: [(String, String)]) async throws -> RegistryResponse
}

/// A registry's answer.
public struct RegistryResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Headers by lowercased name (the last value wins).
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A user name and password (or token) for a registry; never printed.
public struct RegistryCredential: Sendable, Hashable {
    /// The user name.
    public var username: String
    /// The password or personal access token.
    public var password: String

    /// Creates a credential.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The `Authorization: Basic …` value (RFC 7617).
    var basicAuthorization: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
}

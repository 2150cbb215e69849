import Foundation

/// One HTTP request as the transport sends it: method, absolute URL, headers and an optional body.
public struct HTTPRequest: Sendable {
    /// The method, such as `GET` or `PUT`.
    public var method: String
    /// The absolute `https://` URL.
    public var url: URL
    /// Header fields in order; names are matched case-insensitively.
    public var headers: [(name: String, value: String)]
    /// The body bytes, if any.
    public var body: Data?
    /// Whether sending the request twice has the same effect as once; only such requests are retried after a
    /// 429, a 5xx or a dropped connection. Defaults from the method (RFC 9110 §9.2.2: GET, HEAD, PUT, DELETE, OPTIONS).
    public var idempotent: Bool

    /// Creates a request; `idempotent` defaults from the method.
    public init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: Data? = nil, idempotent: Bool? = nil) {
        self.method = method.uppercased()
        self.url = url
        self.headers = headers
        self.body = body
        self.idempotent = idempotent ?? ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(method.uppercased())
    }

    /// A request carrying `value` encoded as JSON, with `Content-Type: application/json`.
    public static func json<T: Encodable>(
        _ method: String, _ url: URL, body value: T, headers: [(name: String, value: String)] = [], idempotent: Bool? = nil
    ) throws -> HTTPRequest {
        HTTPRequest(
            method: method, url: url, headers: headers + [("Content-Type", "application/json")], body: try encodeJSON(value),
            idempotent: idempotent)
    }

    /// `value` as JSON with sorted keys and unescaped slashes (ARM ids stay readable in logs).
    public static func encodeJSON<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// The first value of header `name`, if present.
    public func header(_ name: String) -> String? { headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
}

/// A response: status, headers and the whole body.
public struct HTTPResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields in order.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name`, if present (case-insensitive).
    public func header(_ name: String) -> String? { headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }

    /// The body decoded from JSON as `T`.
    /// - Throws: `CodedError` `InvalidResponse` naming the type and what did not match.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: body) } catch {
            throw ServiceErrorDecoder.invalidResponse("\(T.self)", error: error, requestId: header("x-ms-request-id"))
        }
    }
}

import Foundation

/// One HTTP request as the simulated services see it, free of any server framework.
public struct SimRequest: Sendable {
    /// Upper-case method (GET, PUT, ...).
    public var method: String
    /// The percent-decoded path.
    public var path: String
    /// Query parameters, percent-decoded; for a repeated name the last one wins.
    public var query: [String: String]
    /// Header values by lower-cased name.
    public var headers: [String: String]
    /// The raw body.
    public var body: Data

    /// Creates a request.
    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: Data = Data()) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
    }

    /// Parses a raw query string (`a=1&b=x%20y`), decoding `+` as a space as form encoding does.
    public static func parseQuery(_ raw: String?) -> [String: String] {
        guard let raw, !raw.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for pair in raw.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { part in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            result[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return result
    }
}

/// One HTTP response from a simulated service, or the instruction to drop the connection without one.
public struct SimResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// Headers in order.
    public var headers: [(String, String)]
    /// The body.
    public var body: Data
    /// When true the connection is closed without an answer (a fault-plan drop).
    public var dropConnection = false
    /// When set, the body is sent chunk by chunk as the stream yields (after `body`, if any), each chunk flushed, and
    /// the response ends when the stream finishes; a client that goes away cancels the stream (a Kubernetes watch).
    public var stream: AsyncStream<Data>?

    /// Creates a response.
    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    public static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> SimResponse {
        SimResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: value.encoded())
    }

    /// A streamed response: the headers now, the body as `chunks` yields it (chunked transfer encoding).
    public static func streamed(_ status: Int, headers: [(String, String)], chunks: AsyncStream<Data>) -> SimResponse {
        var response = SimResponse(status: status, headers: headers)
        response.stream = chunks
        return response
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// Sets header `name`, replacing an earlier value.
    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.lowercased() == name.lowercased() }
        headers.append((name, value))
    }
}

import Foundation
import Synchronization

/// One request the simulator answered, as the schema check and the tests read it.
public struct RequestLogEntry: Sendable, Codable, Equatable {
    /// Which listener took it: `login`, `arm` or `graph`.
    public var service: String
    /// HTTP method.
    public var method: String
    /// The request path (no query).
    public var path: String
    /// The `api-version` query parameter, if any.
    public var apiVersion: String?
    /// The request body as JSON with secret values replaced, or nil when empty or not JSON.
    public var requestBody: JSONValue?
    /// The answered status (0 for a dropped connection).
    public var status: Int
    /// The response body as JSON with secret values replaced, or nil.
    public var responseBody: JSONValue?

    /// Creates an entry.
    public init(service: String, method: String, path: String, apiVersion: String?, requestBody: JSONValue?,
                status: Int, responseBody: JSONValue?) {
        self.service = service
        self.method = method
        self.path = path
        self.apiVersion = apiVersion
        self.requestBody = requestBody
        self.status = status
        self.responseBody = responseBody
    }
}

/// Every request the simulator answered, in order; optionally appended to a JSON-lines file (0600).
public final class RequestLog: Sendable {
    private let entries = Mutex<[RequestLogEntry]>([])
    private let fileURL: URL?

    /// Creates a log, appending each entry to `file` when given.
    public init(file: URL? = nil) throws {
        fileURL = file
        if let file, !FileManager.default.fileExists(atPath: file.path) {
            try AtomicFile.write(Data(), to: file)
        }
    }

    /// Every entry so far.
    public var all: [RequestLogEntry] { entries.withLock { $0 } }

    /// Records one exchange; secret values never reach the log (common brief: secrets never in logs).
    func record(service: String, request: SimRequest, response: SimResponse) {
        let entry = RequestLogEntry(
            service: service, method: request.method, path: request.path,
            apiVersion: request.query["api-version"],
            requestBody: Self.redactedJSON(request.body),
            status: response.dropConnection ? 0 : response.status,
            responseBody: Self.redactedJSON(response.body))
        entries.withLock { entries in
            entries.append(entry)
            if let fileURL, let handle = try? FileHandle(forWritingTo: fileURL) {
                handle.seekToEndOfFile()
                handle.write(entry.lineData())
                try? handle.close()
            }
        }
    }

    /// Keys whose values are secrets: passwords, custom data, protected settings, tokens, client secrets.
    static let secretKeys: Set<String> = [
        "adminpassword", "customdata", "protectedsettings", "secrettext", "access_token", "client_secret",
        "password", "userdata",
    ]

    private static func redactedJSON(_ data: Data) -> JSONValue? {
        guard !data.isEmpty, let value = try? JSONValue.parse(data) else { return nil }
        return redact(value)
    }

    /// `value` with every secret string replaced by "REDACTED" (objects keep their keys, so shapes still validate).
    static func redact(_ value: JSONValue, secret: Bool = false) -> JSONValue {
        switch value {
        case .string: return secret ? .string("REDACTED") : value
        case .array(let items): return .array(items.map { redact($0, secret: secret) })
        case .object(let members):
            return .object(Dictionary(uniqueKeysWithValues: members.map { key, member in
                (key, redact(member, secret: secret || secretKeys.contains(key.lowercased())))
            }))
        default: return value
        }
    }
}

extension RequestLogEntry {
    /// The entry as one JSON line.
    func lineData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8)
    }
}

import AsyncHTTPClient
import DroverPlacement
import Foundation
import NIOCore
import NIOHTTP1

/// The registry client's GETs over AsyncHTTPClient, with certificate verification on (the system trust store).
public struct HTTPRegistryTransport: RegistryTransport {
    let client: HTTPClient
    /// The largest body read (manifests and configs are small; this bounds a misbehaving server).
    let maxBodyBytes = 4 * 1024 * 1024

    /// Creates a transport on `client` (default: the shared client).
    public init(client: HTTPClient = .shared) {
        self.client = client
    }

    public func get(_ url: String, headers: [(String, String)]) async throws -> RegistryResponse {
        var request = HTTPClientRequest(url: url)
        request.headers = HTTPHeaders(headers)
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: maxBodyBytes)
        var fields: [String: String] = [:]
        for (name, value) in response.headers { fields[name.lowercased()] = value }
        return RegistryResponse(status: Int(response.status.code), headers: fields, body: Data(buffer: body))
    }
}

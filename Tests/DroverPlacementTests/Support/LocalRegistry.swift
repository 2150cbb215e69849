import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 with a config this helper writes, optionally behind
/// htpasswd basic auth, filled through the distribution HTTP API (docs/spec/api.md: blob upload POST + PUT,
/// manifest PUT). Stopped by `stop()`.
final class LocalRegistry: @unchecked Sendable {
    static let binary = "/usr/bin/docker-registry"
    let process = Process()
    let folder: URL
    /// `127.0.0.1:PORT`.
    let host: String
    /// The credential pushes use when auth is on.
    let authorization: String?

    /// How the registry authenticates pulls and pushes.
    enum Auth {
        case anonymous
        /// htpasswd basic auth (the bcrypt line made by `htpasswd -B`).
        case basic(user: String, password: String)
        /// Bearer tokens from `realm`, signed by the certificate in `rootPEM`; pushes use `pushToken`.
        case token(realm: String, rootPEM: String, pushToken: String)
    }

    /// Starts a registry with `auth`.
    init(auth: Auth = .anonymous) async throws {
        folder = try TestFiles.temporaryFolder()
        let port = try Self.freePort()
        host = "127.0.0.1:\(port)"
        var authSection = ""
        switch auth {
        case .anonymous:
            authorization = nil
        case let .basic(user, password):
            let line = try await TestFiles.run("/usr/bin/htpasswd", ["-Bbn", user, password])
            let file = folder.appendingPathComponent("htpasswd")
            try line.output.trimmingCharacters(in: .whitespacesAndNewlines).write(to: file, atomically: true, encoding: .utf8)
            authSection = "auth:\n  htpasswd:\n    realm: drover-test\n    path: \(file.path)\n"
            authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        case let .token(realm, rootPEM, pushToken):
            let file = folder.appendingPathComponent("token-root.pem")
            try rootPEM.write(to: file, atomically: true, encoding: .utf8)
            authSection = "auth:\n  token:\n    realm: \(realm)\n    service: \(LocalTokenServer.service)\n"
                + "    issuer: \(LocalTokenServer.issuer)\n    rootcertbundle: \(file.path)\n"
            authorization = "Bearer \(pushToken)"
        }
        let config = """
        version: 0.1
        log:
          level: info
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: \(folder.appendingPathComponent("data").path)
        http:
          addr: \(host)
        \(authSection)
        """
        let configFile = folder.appendingPathComponent("config.yml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            Issue.record("\(Self.binary) is missing; run scripts/test, which installs docker-registry")
            throw CancellationError()
        }
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", configFile.path]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        try await Self.waitForListening(pipe.fileHandleForReading)
    }

    /// Stops the registry and removes its files.
    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    /// A port that was free a moment ago (bound to 0 and released; the registry cannot bind port 0 itself).
    static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        let port = channel.localAddress?.port ?? 0
        try channel.close().wait()
        return port
    }

    /// Reads the registry's log until it says it is listening (or it exits).
    static func waitForListening(_ handle: FileHandle) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            DispatchQueue.global().async {
                var log = ""
                while true {
                    let data = handle.availableData
                    if data.isEmpty {
                        continuation.resume(throwing: RegistryStartFailure(log: log))
                        return
                    }
                    log += String(decoding: data, as: UTF8.self)
                    if log.contains("listening on") {
                        continuation.resume()
                        // Keep draining so the registry never blocks on a full pipe.
                        while !handle.availableData.isEmpty {}
                        return
                    }
                }
            }
        }
    }

    struct RegistryStartFailure: Error, CustomStringConvertible {
        var log: String
        var description: String { "docker-registry exited before listening:\n\(log)" }
    }

    // MARK: Pushing

    /// Uploads a blob and returns its descriptor fields (digest, size).
    func pushBlob(_ repository: String, _ data: Data, client: HTTPClient) async throws -> (digest: String, size: Int) {
        let digest = "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let start = try await send(client, .POST, "http://\(host)/v2/\(repository)/blobs/uploads/", body: nil, contentType: nil)
        #expect(start.status.code == 202)
        let location = try #require(start.headers.first(name: "Location"))
        let url = (location.hasPrefix("http") ? location : "http://\(host)\(location)") + (location.contains("?") ? "&" : "?") + "digest=\(digest)"
        let put = try await send(client, .PUT, url, body: data, contentType: "application/octet-stream")
        #expect(put.status.code == 201, "blob upload answered \(put.status)")
        return (digest, data.count)
    }

    /// Pushes a manifest or index under `reference` and returns its digest and size.
    func pushManifest(_ repository: String, _ reference: String, _ object: [String: Any], mediaType: String, client: HTTPClient) async throws -> (digest: String, size: Int) {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let response = try await send(client, .PUT, "http://\(host)/v2/\(repository)/manifests/\(reference)", body: data, contentType: mediaType)
        #expect(response.status.code == 201, "manifest PUT answered \(response.status)")
        return ("sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined(), data.count)
    }

    /// Pushes a one-layer image whose config names `os`/`osVersion`; returns the manifest descriptor.
    func pushImage(_ repository: String, tag: String?, os: String, osVersion: String?, client: HTTPClient) async throws -> [String: Any] {
        var config: [String: Any] = ["architecture": "amd64", "os": os, "rootfs": ["type": "layers", "diff_ids": []]]
        if let osVersion { config["os.version"] = osVersion }
        let configBlob = try await pushBlob(repository, try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]), client: client)
        let layer = try await pushBlob(repository, Data("layer of \(os) \(osVersion ?? "")".utf8), client: client)
        let manifestType = "application/vnd.oci.image.manifest.v1+json"
        let manifest: [String: Any] = [
            "schemaVersion": 2, "mediaType": manifestType,
            "config": ["mediaType": "application/vnd.oci.image.config.v1+json", "digest": configBlob.digest, "size": configBlob.size],
            "layers": [["mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer.digest, "size": layer.size]],
        ]
        let pushed = try await pushManifest(repository, tag ?? "sha256-\(os)-\(osVersion ?? "none")", manifest, mediaType: manifestType, client: client)
        var platform: [String: Any] = ["architecture": "amd64", "os": os]
        if let osVersion { platform["os.version"] = osVersion }
        return ["mediaType": manifestType, "digest": pushed.digest, "size": pushed.size, "platform": platform]
    }

    /// Pushes an OCI image index over images of the given platforms.
    func pushIndex(_ repository: String, tag: String, platforms: [(os: String, osVersion: String?)], client: HTTPClient) async throws {
        var manifests: [[String: Any]] = []
        for platform in platforms {
            manifests.append(try await pushImage(repository, tag: nil, os: platform.os, osVersion: platform.osVersion, client: client))
        }
        let indexType = "application/vnd.oci.image.index.v1+json"
        _ = try await pushManifest(repository, tag, ["schemaVersion": 2, "mediaType": indexType, "manifests": manifests], mediaType: indexType, client: client)
    }

    func send(_ client: HTTPClient, _ method: HTTPMethod, _ url: String, body: Data?, contentType: String?) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        request.body = .bytes(ByteBuffer(bytes: body ?? Data()))
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response
    }
}

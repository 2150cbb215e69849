import Foundation

/// Reads which platforms an image offers from its registry: the OCI image index or Docker manifest list
/// (`manifests[].platform`), or for a single-platform image its config blob's `os`, `architecture` and `os.version`.
/// Anonymous first; on 401 it follows the `WWW-Authenticate` challenge (a bearer token from the realm, or basic
/// credentials). Answers and tokens are cached for the resolver's life; answers also in `cacheFile` when given.
///
/// Sources: distribution spec `docs/spec/api.md` (GET /v2/<name>/manifests/<reference>, /blobs/<digest>, error
/// bodies `{"errors":[{"code","message"}]}`), `docs/spec/auth/token.md` (token response `token`/`access_token`),
/// OCI image-spec `image-index.md` and `manifest.md`.
public actor RegistryResolver {
    let transport: any RegistryTransport
    let credentials: [String: RegistryCredential]
    let plainHTTPHosts: Set<String>
    let cacheFile: URL?
    var answers: [String: [ImagePlatform]] = [:]
    var tokens: [String: String] = [:]

    /// The media types asked for, lists first (OCI image-spec `media-types.md`; Docker manifest v2 schema 2).
    static let accept = [
        "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
    ].joined(separator: ", ")

    /// Creates a resolver; `plainHTTPHosts` are registries reached without TLS (loopback test registries only).
    public init(transport: any RegistryTransport, credentials: [String: RegistryCredential] = [:],
                plainHTTPHosts: Set<String> = [], cacheFile: URL? = nil) {
        self.transport = transport
        self.credentials = credentials
        self.plainHTTPHosts = plainHTTPHosts
        self.cacheFile = cacheFile
        if let cacheFile, let data = try? Data(contentsOf: cacheFile),
           let cached = try? JSONDecoder().decode([String: [ImagePlatform]].self, from: data) {
            answers = cached
        }
    }

    /// The verdict of each image in `images` (as written in pod specs); images the registry cannot answer for are
    /// left out and their errors returned, so the name still speaks for them.
    public func verdicts(for images: [String]) async -> (verdicts: [String: ImageVerdict], failures: [String: PlacementError]) {
        var verdicts: [String: ImageVerdict] = [:]
        var failures: [String: PlacementError] = [:]
        for image in Set(images).sorted() {
            do {
                verdicts[image] = ImagePlatform.verdict(try await platforms(of: ImageReference(image)), image: image)
            } catch let error as PlacementError {
                failures[image] = error
            } catch {
                failures[image] = PlacementError(code: "RegistryUnreachable", message: "\(image): \(error)", remediation: "check the registry address and network")
            }
        }
        saveCache()
        return (verdicts, failures)
    }

    /// The platforms `reference` offers.
    public func platforms(of reference: ImageReference) async throws -> [ImagePlatform] {
        let key = reference.description
        if let cached = answers[key] { return cached }
        let manifest = try await fetchJSON(reference, path: "manifests/\(reference.manifestReference)", accept: Self.accept)
        let platforms: [ImagePlatform]
        if let entries = manifest["manifests"] as? [[String: Any]] {
            platforms = entries.compactMap { entry in
                guard let platform = entry["platform"] as? [String: Any], let os = platform["os"] as? String else { return nil }
                return ImagePlatform(os: os, architecture: platform["architecture"] as? String ?? "", osVersion: platform["os.version"] as? String)
            }
        } else if let digest = (manifest["config"] as? [String: Any])?["digest"] as? String {
            let config = try await fetchJSON(reference, path: "blobs/\(digest)", accept: "*/*")
            platforms = [ImagePlatform(os: config["os"] as? String ?? "", architecture: config["architecture"] as? String ?? "", osVersion: config["os.version"] as? String)]
        } else {
            throw PlacementError(code: "RegistryUnexpectedManifest", message: "\(key): the manifest is neither an index nor an image manifest",
                                 remediation: "check that the reference names a container image")
        }
        answers[key] = platforms
        return platforms
    }

    /// GETs `/v2/<repository>/<path>` and decodes a JSON object, authenticating when challenged.
    func fetchJSON(_ reference: ImageReference, path: String, accept: String) async throws -> [String: Any] {
        let host = reference.registry == "docker.io" ? "registry-1.docker.io" : reference.registry
        let scheme = plainHTTPHosts.contains(reference.registry) ? "http" : "https"
        let url = "\(scheme)://\(host)/v2/\(reference.repository)/\(path)"
        let scope = "repository:\(reference.repository):pull"
        var headers = [("Accept", accept)]
        if let token = tokens[reference.registry + " " + scope] { headers.append(("Authorization", "Bearer \(token)")) }
        var response = try await transport.get(url, headers: headers)
        if response.status == 401, let challenge = response.headers["www-authenticate"].flatMap(AuthChallenge.init) {
            let authorization = try await authorization(for: challenge, registry: reference.registry, scope: scope)
            response = try await transport.get(url, headers: [("Accept", accept), ("Authorization", authorization)])
        }
        guard response.status == 200 else { throw Self.failure(response, reference: reference, registry: reference.registry) }
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            throw PlacementError(code: "RegistryBadResponse", message: "\(reference): \(path) is not a JSON object", remediation: "check that \(host) is an OCI registry")
        }
        return object
    }

    /// The Authorization header answering a challenge: a bearer token fetched from the realm, or basic credentials.
    func authorization(for challenge: AuthChallenge, registry: String, scope: String) async throws -> String {
        let credential = credentials[registry]
        if challenge.scheme == "basic" {
            guard let credential else {
                throw PlacementError(code: "RegistryUnauthorized", message: "\(registry) asks for a user name and password", remediation: "pass --registry-auth \(registry)=USER:PASSWORD-FILE")
            }
            return credential.basicAuthorization
        }
        guard challenge.scheme == "bearer", let realm = challenge.parameters["realm"], var components = URLComponents(string: realm) else {
            throw PlacementError(code: "RegistryUnsupportedAuth", message: "\(registry) challenges with \(challenge.scheme)", remediation: "use a registry with bearer or basic auth")
        }
        let requestedScope = challenge.parameters["scope"] ?? scope
        components.queryItems = (components.queryItems ?? []) + [challenge.parameters["service"].map { URLQueryItem(name: "service", value: $0) }, URLQueryItem(name: "scope", value: requestedScope)].compactMap { $0 }
        let headers = credential.map { [("Authorization", $0.basicAuthorization)] } ?? []
        let response = try await transport.get(components.string ?? realm, headers: headers)
        guard response.status == 200, let body = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any],
              let token = body["token"] as? String ?? body["access_token"] as? String else {
            throw PlacementError(code: "RegistryUnauthorized", message: "the token service of \(registry) answered \(response.status) for \(requestedScope)",
                                 remediation: credential == nil ? "pass --registry-auth \(registry)=USER:PASSWORD-FILE" : "check the credentials for \(registry)")
        }
        tokens[registry + " " + scope] = token
        return "Bearer \(token)"
    }

    /// A coded error from a registry's non-200 answer, carrying its `errors[0].code`.
    static func failure(_ response: RegistryResponse, reference: ImageReference, registry: String) -> PlacementError {
        let first = ((try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any])?["errors"] as? [[String: Any]]
        let code = first?.first?["code"] as? String ?? "HTTP\(response.status)"
        let message = first?.first?["message"] as? String ?? "status \(response.status)"
        let remediation = response.status == 401 || response.status == 403 ? "pass --registry-auth \(registry)=USER:PASSWORD-FILE with pull rights"
            : response.status == 404 ? "check the image name and tag" : "retry later or check the registry"
        return PlacementError(code: "Registry\(code)", message: "\(reference): \(message)", remediation: remediation)
    }

    /// Writes the answers to the cache file (mode 0600, in a folder created when missing).
    func saveCache() {
        guard let cacheFile, let data = try? JSONEncoder().encode(answers) else { return }
        try? FileManager.default.createDirectory(at: cacheFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: cacheFile.path, contents: data, attributes: [.posixPermissions: 0o600])
    }
}

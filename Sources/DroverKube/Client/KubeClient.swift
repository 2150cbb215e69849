import DroverEngine
import DroverHTTP
import Foundation

/// A client of one Kubernetes API server: discovery, get, list, watch, server-side apply, patch and delete of any
/// kind by `apiVersion` and `kind`, over DroverHTTP. Errors are `CodedError`s carrying the `Status` reason as code,
/// its message, its causes as details and whether a retry may help (kube-and-rancher-wire.md §A.8).
public final class KubeClient: Sendable {
    /// The field manager of every write (`?fieldManager=drover`).
    public static let fieldManager = "drover"
    /// The endpoint this client talks to.
    public let endpoint: KubeEndpoint
    let transport: HTTPTransport
    let sleep: HTTPTransport.Sleeper
    let discovery: ResourceDiscovery
    private let ownsTransport: Bool

    /// Creates a client over `transport` (configured from ``KubeEndpoint/transportConfiguration(base:allowInsecure:)``).
    public convenience init(endpoint: KubeEndpoint, transport: HTTPTransport, sleep: @escaping HTTPTransport.Sleeper) {
        self.init(endpoint: endpoint, transport: transport, sleep: sleep, ownsTransport: false)
    }

    private init(endpoint: KubeEndpoint, transport: HTTPTransport, sleep: @escaping HTTPTransport.Sleeper, ownsTransport: Bool) {
        self.endpoint = endpoint
        self.transport = transport
        self.sleep = sleep
        self.ownsTransport = ownsTransport
        let base = endpoint.requestBase
        let token = endpoint.user.token
        discovery = ResourceDiscovery { path in
            try await Self.send(transport, sleep: sleep, HTTPRequest(method: "GET", url: Self.url(base, path, []), headers: Self.headers(token)))
                .decode(Value.self)
        }
    }

    /// A client with a transport of its own for `endpoint`, built on `base`; call ``shutdown()`` when done.
    /// - Throws: `CodedError` `InsecureKubeconfig` or the transport's configuration errors.
    public static func connect(
        endpoint: KubeEndpoint, base: TransportConfiguration = TransportConfiguration(), allowInsecure: Bool = false,
        sleep: @escaping HTTPTransport.Sleeper = { try await Task.sleep(nanoseconds: UInt64($0 * 1e9)) }
    ) throws -> KubeClient {
        let transport = try HTTPTransport(configuration: try endpoint.transportConfiguration(base: base, allowInsecure: allowInsecure))
        return KubeClient(endpoint: endpoint, transport: transport, sleep: sleep, ownsTransport: true)
    }

    /// Closes the transport when this client created it.
    public func shutdown() async throws { if ownsTransport { try await transport.shutdown() } }

    // MARK: Verbs

    /// Where objects of `kind` in `apiVersion` live, from discovery.
    public func resource(apiVersion: String, kind: String) async throws -> APIResource {
        try await discovery.resource(apiVersion: apiVersion, kind: kind)
    }

    /// The object, or nil when the server answers 404.
    public func get(apiVersion: String, kind: String, name: String, namespace: String? = nil) async throws -> Value? {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        return try await CodedError.nilWhenNotFound {
            try await self.request("GET", resource.objectPath(name: name, namespace: self.scope(resource, namespace)))
        }
    }

    /// Every object of `kind` matching `selector`, in `namespace` (or every namespace when nil), fetched in pages of
    /// `pageSize` following `metadata.continue`; `resourceVersion` is the list's, to watch from.
    public func list(
        apiVersion: String, kind: String, namespace: String? = nil, selector: KubeSelector = KubeSelector(), pageSize: Int = 500
    ) async throws -> (items: [Value], resourceVersion: String?) {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        var items: [Value] = []
        var token: String?
        var resourceVersion: String?
        repeat {
            var query = Self.selectorQuery(selector) + [URLQueryItem(name: "limit", value: String(pageSize))]
            if let token { query.append(URLQueryItem(name: "continue", value: token)) }
            let page = try await request("GET", resource.collectionPath(namespace: namespace.map { scope(resource, $0) } ?? nil), query: query)
            // Lists may leave out each item's kind and apiVersion (kube-and-rancher-wire.md §A.4, `get -o json`).
            items += (page["items"]?.arrayValue ?? []).map { Self.typed($0, apiVersion: apiVersion, kind: kind) }
            resourceVersion = page.value(at: ["metadata", "resourceVersion"])?.stringValue
            token = page.value(at: ["metadata", "continue"])?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return (items, resourceVersion)
    }

    /// Server-side apply of `object` (`PATCH` with `application/apply-patch+yaml`, JSON body, `fieldManager=drover`,
    /// created when absent); `force` takes over fields other managers own instead of failing with 409 Conflict.
    public func apply(_ object: Value, force: Bool = false) async throws -> Value {
        let (resource, name, namespace) = try await locate(object)
        var body = object
        if resource.namespaced, object.namespace == nil, case .object(var fields) = body, case .object(var metadata)? = fields["metadata"] {
            metadata["namespace"] = .string(namespace ?? endpoint.namespace)
            fields["metadata"] = .object(metadata)
            body = .object(fields)
        }
        return try await request(
            "PATCH", resource.objectPath(name: name, namespace: namespace),
            query: [URLQueryItem(name: "fieldManager", value: Self.fieldManager), URLQueryItem(name: "force", value: force ? "true" : "false")],
            // Applying the same configuration twice has the effect of once: safe to retry after a 5xx.
            body: body, contentType: "application/apply-patch+yaml", idempotent: true)
    }

    /// Patches an object with `patch` read as `type`.
    public func patch(apiVersion: String, kind: String, name: String, namespace: String? = nil, patch: Value, type: PatchType) async throws -> Value {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        return try await request(
            "PATCH", resource.objectPath(name: name, namespace: scope(resource, namespace)),
            query: [URLQueryItem(name: "fieldManager", value: Self.fieldManager)], body: patch, contentType: type.rawValue)
    }

    /// Deletes an object; false when it was already gone.
    @discardableResult
    public func delete(apiVersion: String, kind: String, name: String, namespace: String? = nil, propagation: DeletePropagation = .background) async throws -> Bool {
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        let options: Value = ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": .string(propagation.rawValue)]
        let deleted = try await CodedError.nilWhenNotFound {
            try await self.request("DELETE", resource.objectPath(name: name, namespace: self.scope(resource, namespace)), body: options, contentType: "application/json")
        }
        return deleted != nil
    }

    /// Server-side applies every object of a multi-document YAML text, in order.
    public func apply(yaml text: String, file: String, force: Bool = false) async throws -> [Value] {
        var applied: [Value] = []
        for object in try KubeManifest.objects(in: text, file: file) { applied.append(try await apply(object, force: force)) }
        return applied
    }

    /// Deletes every object of a multi-document YAML text, in reverse order; the names of those that existed.
    public func delete(yaml text: String, file: String, propagation: DeletePropagation = .background) async throws -> [String] {
        var deleted: [String] = []
        for object in try KubeManifest.objects(in: text, file: file).reversed() {
            let (resource, name, namespace) = try await locate(object)
            if try await delete(apiVersion: resource.groupVersion, kind: resource.kind, name: name, namespace: namespace, propagation: propagation) {
                deleted.append(object.objectDescription)
            }
        }
        return deleted
    }

    // MARK: Plumbing

    /// The namespace a call on `resource` uses: the given one or the context's for namespaced kinds, nil otherwise.
    func scope(_ resource: APIResource, _ namespace: String?) -> String? {
        resource.namespaced ? namespace ?? endpoint.namespace : nil
    }

    /// The resource, name and namespace of `object`.
    /// - Throws: `CodedError` `InvalidObject` when it lacks apiVersion, kind or metadata.name.
    func locate(_ object: Value) async throws -> (APIResource, String, String?) {
        guard let apiVersion = object.apiVersion, let kind = object.kind, let name = object.name else {
            throw CodedError(code: "InvalidObject", message: "\(object.objectDescription) lacks apiVersion, kind or metadata.name",
                             remediation: "every object needs apiVersion, kind and metadata.name", nothingApplied: true)
        }
        let resource = try await resource(apiVersion: apiVersion, kind: kind)
        return (resource, name, scope(resource, object.namespace))
    }

    /// Sends one request and decodes the JSON answer.
    func request(
        _ method: String, _ path: String, query: [URLQueryItem] = [], body: Value? = nil, contentType: String? = nil, idempotent: Bool? = nil
    ) async throws -> Value {
        var headers = Self.headers(endpoint.user.token)
        if let contentType { headers.append(("Content-Type", contentType)) }
        let request = HTTPRequest(method: method, url: Self.url(endpoint.requestBase, path, query), headers: headers,
                                  body: try body.map { try HTTPRequest.encodeJSON($0) }, idempotent: idempotent)
        return try await Self.send(transport, sleep: sleep, request).decode(Value.self)
    }

    static func send(_ transport: HTTPTransport, sleep: @escaping HTTPTransport.Sleeper, _ request: HTTPRequest) async throws -> HTTPResponse {
        try await transport.send(request, sleep: sleep)
    }

    /// `Accept: application/json` (kubectl's typed clients, §A.1) and the bearer token when there is one.
    static func headers(_ token: String?) -> [(name: String, value: String)] {
        [("Accept", "application/json")] + (token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    /// The server's base URL (which may carry a path, as Rancher's `/k8s/clusters/ID` does) plus `path` and `query`.
    static func url(_ base: URL, _ path: String, _ query: [URLQueryItem]) -> URL {
        var parts = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        let prefix = parts.percentEncodedPath.hasSuffix("/") ? String(parts.percentEncodedPath.dropLast()) : parts.percentEncodedPath
        parts.percentEncodedPath = prefix + path
        parts.queryItems = query.isEmpty ? nil : query
        // `+` is a space to Go's query parser: selectors such as `a+b` must arrive as written.
        parts.percentEncodedQuery = parts.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return parts.url!
    }

    static func selectorQuery(_ selector: KubeSelector) -> [URLQueryItem] {
        [selector.labels.map { URLQueryItem(name: "labelSelector", value: $0) }, selector.fields.map { URLQueryItem(name: "fieldSelector", value: $0) }]
            .compactMap { $0 }
    }

    /// `item` with `apiVersion` and `kind` filled in when the list left them out.
    static func typed(_ item: Value, apiVersion: String, kind: String) -> Value {
        guard case .object(var fields) = item else { return item }
        if fields["apiVersion"] == nil { fields["apiVersion"] = .string(apiVersion) }
        if fields["kind"] == nil { fields["kind"] = .string(kind) }
        return .object(fields)
    }
}

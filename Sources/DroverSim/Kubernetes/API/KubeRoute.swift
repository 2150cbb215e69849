import Foundation

/// A resource path taken apart: `/api/v1/namespaces/{ns}/{plural}/{name}/{subresource}` or
/// `/apis/{group}/{version}/…`, or a group version's own discovery path.
struct KubeRoute: Sendable {
    enum Target: Sendable {
        /// `/api/v1` or `/apis/{group}/{version}`: the group version's resource list.
        case groupVersion(group: String, version: String)
        /// A collection or one object.
        case resource(type: KubeResourceType, namespace: String?, name: String?, subresource: String?)
    }

    let target: Target

    /// Parses `path`; nil when it is not an API resource path.
    init?(path: String) throws(KubeStatusError) {
        var segments = path.split(separator: "/").map(String.init)
        let group: String, version: String
        if segments.first == "api", segments.count >= 2 {
            (group, version) = ("", segments[1])
            segments.removeFirst(2)
        } else if segments.first == "apis", segments.count >= 3 {
            (group, version) = (segments[1], segments[2])
            segments.removeFirst(3)
        } else {
            return nil
        }
        guard !KubeCatalog.types(group: group, version: version).isEmpty else { throw .noSuchPath(path) }
        if segments.isEmpty {
            target = .groupVersion(group: group, version: version)
            return
        }
        var namespace: String?
        // `namespaces/{ns}/{plural}/…` names a namespaced collection; `namespaces/{ns}` and `namespaces/{ns}/status`
        // are the Namespace object itself.
        if segments.count >= 3, segments[0] == "namespaces", !["status", "finalize"].contains(segments[2]) {
            namespace = segments[1]
            segments.removeFirst(2)
        }
        guard let type = KubeCatalog.find(group: group, version: version, plural: segments[0]), segments.count <= 3,
              namespace == nil || type.namespaced else { throw .noSuchPath(path) }
        let name = segments.count > 1 ? segments[1] : nil
        let subresource = segments.count > 2 ? segments[2] : nil
        if let subresource, subresource != "status" || !type.hasStatus { throw .noSuchPath(path) }
        target = .resource(type: type, namespace: namespace, name: name, subresource: subresource)
    }
}

extension KubernetesCluster {
    /// Dispatches one request: discovery, OpenAPI, version, or a resource verb.
    func route(_ request: SimRequest) throws(KubeStatusError) -> SimResponse {
        if let answer = try KubeDiscovery.answer(request, distribution: distribution) { return answer }
        guard let route = try KubeRoute(path: request.path) else { throw .noSuchPath(request.path) }
        switch route.target {
        case .groupVersion(let group, let version):
            guard request.method == "GET" else { throw .methodNotAllowed(request.method, request.path) }
            return .json(200, KubeDiscovery.resourceList(group: group, version: version))
        case .resource(let type, let namespace, let name, let subresource):
            return try resource(request, type: type, namespace: namespace, name: name, subresource: subresource)
        }
    }

    private func resource(_ request: SimRequest, type: KubeResourceType, namespace: String?, name: String?,
                          subresource: String?) throws(KubeStatusError) -> SimResponse {
        let wantsTable = request.headers["accept"]?.contains("as=Table") == true
        switch (request.method, name) {
        case ("GET", nil):
            if ["true", "1"].contains(request.query["watch"]) {
                return try openWatch(type, namespace: namespace, query: request.query, table: wantsTable)
            }
            return try listResponse(type, namespace: namespace, query: request.query, table: wantsTable)
        case ("GET", let name?):
            let object = try existing(type, namespace: namespace, name: name)
            return .json(200, wantsTable ? KubeTables.table(type, [object], revision: revision, now: clock.now()) : object)
        case ("POST", nil):
            return .json(201, try create(type, namespace: namespace, body: try Self.body(request), manager: Self.manager(request)))
        case ("PUT", let name?):
            let (object, created) = try update(type, namespace: namespace, name: name, body: try Self.body(request),
                                               subresource: subresource, manager: Self.manager(request))
            return .json(created ? 201 : 200, object)
        case ("PATCH", let name?):
            let (object, created) = try patch(type, namespace: namespace, name: name, request: request, subresource: subresource)
            return .json(created ? 201 : 200, object)
        case ("DELETE", let name?):
            let options = request.body.isEmpty ? JSONValue.object([:]) : try Self.body(request)
            let policy = request.query["propagationPolicy"] ?? options["propagationPolicy"]?.string ?? "Background"
            return .json(200, try delete(type, namespace: namespace, name: name, propagation: policy))
        case ("DELETE", nil):
            let selector = try LabelSelector(parsing: request.query["labelSelector"] ?? "")
            var deleted: [JSONValue] = []
            for object in list(type, namespace: namespace) where selector.matches(object.labels) {
                deleted.append(try delete(type, namespace: object.metadataNamespace, name: object.metadataName, propagation: "Background"))
            }
            return .json(200, listBody(type, deleted))
        default:
            throw .methodNotAllowed(request.method, request.path)
        }
    }

    private func listResponse(_ type: KubeResourceType, namespace: String?, query: [String: String], table: Bool) throws(KubeStatusError) -> SimResponse {
        let labels = try LabelSelector(parsing: query["labelSelector"] ?? "")
        let fields = try FieldSelector(parsing: query["fieldSelector"] ?? "")
        let items = list(type, namespace: namespace).filter { labels.matches($0.labels) && fields.matches($0) }
        if table { return .json(200, KubeTables.table(type, items, revision: revision, now: clock.now())) }
        return .json(200, listBody(type, items))
    }

    /// `{"kind":"NodeList",…,"metadata":{"resourceVersion":…},"items":[…]}` (§A.9: the list's resourceVersion starts
    /// the watch that follows).
    func listBody(_ type: KubeResourceType, _ items: [JSONValue]) -> JSONValue {
        ["kind": .string(type.kind + "List"), "apiVersion": .string(type.groupVersion),
         "metadata": ["resourceVersion": .string(String(revision))], "items": .array(items)]
    }

    func existing(_ type: KubeResourceType, namespace: String?, name: String) throws(KubeStatusError) -> JSONValue {
        guard let object = objects[KubeObjectKey(type, namespace: namespace, name: name)] else { throw .notFound(type, name) }
        return object
    }

    static func body(_ request: SimRequest) throws(KubeStatusError) -> JSONValue {
        do {
            return try JSONValue.parse(request.body)
        } catch {
            throw .badRequest("the request body is not JSON: \(error)")
        }
    }

    /// The `fieldManager` query parameter, else the client's program name as the real server derives it from the
    /// User-Agent (`kubectl/v1.32.0 (…)` ⇒ `kubectl`).
    static func manager(_ request: SimRequest) -> String {
        if let manager = request.query["fieldManager"], !manager.isEmpty { return manager }
        let agent = request.headers["user-agent"] ?? "unknown"
        return String(agent.split(separator: "/").first ?? "unknown")
    }
}

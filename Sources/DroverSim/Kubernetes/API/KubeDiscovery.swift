import Foundation

/// `/version`, `/api`, `/apis`, the group versions' resource lists (legacy and aggregated), and OpenAPI
/// (kube-and-rancher-wire.md §A.2, §A.3, §A.4 `version`).
enum KubeDiscovery {
    /// The Content-Type that tells client-go the answer is aggregated discovery (§A.2 point 2).
    static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    /// The answer for a discovery, version or OpenAPI path, or nil for anything else.
    static func answer(_ request: SimRequest, distribution: String) throws(KubeStatusError) -> SimResponse? {
        let path = request.path.hasSuffix("/") && request.path.count > 1 ? String(request.path.dropLast()) : request.path
        let aggregated = request.headers["accept"]?.contains("g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList") == true
        switch path {
        case "/version": return .json(200, version(distribution))
        case "/api":
            if aggregated { return aggregatedResponse(groups: [""]) }
            return .json(200, ["kind": "APIVersions", "versions": ["v1"],
                               "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"]]])
        case "/apis":
            if aggregated { return aggregatedResponse(groups: KubeCatalog.groups.map(\.group)) }
            return .json(200, groupList())
        case "/openapi/v2":
            return KubeOpenAPI.version2()
        case "/openapi/v3":
            return .json(200, KubeOpenAPI.version3Root())
        default:
            if path.hasPrefix("/openapi/v3/") {
                return try KubeOpenAPI.version3(groupVersionPath: String(path.dropFirst("/openapi/v3/".count)))
            }
            return nil
        }
    }

    /// `/version`: an RKE2 (`v1.31.9+rke2r1`) or RKE1-era server; `gitVersion` parses as semver (§A.4).
    static func version(_ distribution: String) -> JSONValue {
        let (minor, git) = distribution == "rke1" ? ("20", "v1.20.15") : ("31", "v1.31.9+rke2r1")
        return ["major": "1", "minor": .string(minor), "gitVersion": .string(git),
                "gitCommit": "5b9a5c2e1f0d3a47c6b8e9f01234567890abcdef", "gitTreeState": "clean",
                "buildDate": "2025-05-15T09:46:05Z", "goVersion": "go1.23.8 X:boringcrypto", "compiler": "gc",
                "platform": "linux/amd64"]
    }

    private static func groupList() -> JSONValue {
        ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(KubeCatalog.groups.map { entry in
            let version: JSONValue = ["groupVersion": .string("\(entry.group)/\(entry.version)"), "version": .string(entry.version)]
            return ["name": .string(entry.group), "versions": [version], "preferredVersion": version]
        })]
    }

    /// The legacy `APIResourceList` of one group version, each kind with its `/status` subresource.
    static func resourceList(group: String, version: String) -> JSONValue {
        var resources: [JSONValue] = []
        for type in KubeCatalog.types(group: group, version: version) {
            var entry: JSONValue = ["name": .string(type.plural), "singularName": .string(type.singular),
                                    "namespaced": .bool(type.namespaced), "kind": .string(type.kind),
                                    "verbs": .array(KubeResourceType.verbs.map { .string($0) })]
            if !type.shortNames.isEmpty { entry["shortNames"] = .array(type.shortNames.map { .string($0) }) }
            if !type.categories.isEmpty { entry["categories"] = .array(type.categories.map { .string($0) }) }
            resources.append(entry)
            if type.hasStatus {
                resources.append(["name": .string("\(type.plural)/status"), "singularName": "", "namespaced": .bool(type.namespaced),
                                  "kind": .string(type.kind), "verbs": ["get", "patch", "update"]])
            }
        }
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
                "resources": .array(resources)]
    }

    /// Aggregated discovery (`apidiscovery.k8s.io/v2`): every resource with its `responseKind` (§A.2 shape).
    private static func aggregatedResponse(groups: [String]) -> SimResponse {
        let items: [JSONValue] = groups.map { group in
            let versions = Set(KubeCatalog.all.filter { $0.group == group }.map(\.version)).sorted()
            return ["metadata": group.isEmpty ? [:] : ["name": .string(group)],
                    "versions": .array(versions.map { version in
                        ["version": .string(version), "freshness": "Current",
                         "resources": .array(KubeCatalog.types(group: group, version: version).map(aggregatedResource))]
                    })]
        }
        let body: JSONValue = ["kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": [:], "items": .array(items)]
        return SimResponse(status: 200, headers: [("Content-Type", aggregatedContentType)], body: body.encoded())
    }

    private static func aggregatedResource(_ type: KubeResourceType) -> JSONValue {
        let kind: JSONValue = ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]
        var entry: JSONValue = ["resource": .string(type.plural), "singularResource": .string(type.singular),
                                "scope": type.namespaced ? "Namespaced" : "Cluster", "responseKind": kind,
                                "verbs": .array(KubeResourceType.verbs.map { .string($0) })]
        if !type.shortNames.isEmpty { entry["shortNames"] = .array(type.shortNames.map { .string($0) }) }
        if !type.categories.isEmpty { entry["categories"] = .array(type.categories.map { .string($0) }) }
        if type.hasStatus {
            entry["subresources"] = [["subresource": "status", "responseKind": kind, "verbs": ["get", "patch", "update"]]]
        }
        return entry
    }
}

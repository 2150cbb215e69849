import Foundation

/// Just enough OpenAPI for `kubectl apply`/`create` validation (kube-and-rancher-wire.md §A.3).
///
/// v3: the root lists every group version; each group version's document declares, for every kind, a PATCH
/// operation tagged `x-kubernetes-group-version-kind` with the query parameter `fieldValidation`, so kubectl 1.27+
/// validates server-side (it sends `?fieldValidation=Strict`). The PATCH request body lists no
/// `application/strategic-merge-patch+json` schema, so client-side apply computes its patch from kubectl's
/// built-in types (§A.3 last point) instead of a schema this simulator does not carry.
/// v2 (older kubectl, e.g. Debian's 1.20): an empty protobuf document, which decodes to a document without
/// definitions, so client-side schema validation finds no schema and skips (§A.3 option b).
enum KubeOpenAPI {
    /// The empty protobuf document. Its Content-Type is a plain byte stream: the media type kubectl asks for contains
    /// `@`, which Go's media-type parser rejects when it reads a response header.
    static func version2() -> SimResponse {
        SimResponse(status: 200, headers: [("Content-Type", "application/octet-stream")])
    }

    static func version3Root() -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for path in groupVersionPaths {
            paths[path] = ["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(KubeNames.suffix(seed: path, length: 16))")]
        }
        return ["paths": .object(paths)]
    }

    /// `api/v1`, `apis/apps/v1`, …
    private static var groupVersionPaths: [String] {
        Array(Set(KubeCatalog.all.map { String($0.groupVersionPath.dropFirst()) })).sorted()
    }

    static func version3(groupVersionPath: String) throws(KubeStatusError) -> SimResponse {
        guard groupVersionPaths.contains(groupVersionPath) else { throw .noSuchPath("/openapi/v3/" + groupVersionPath) }
        var paths: [String: JSONValue] = [:]
        for type in KubeCatalog.all where String(type.groupVersionPath.dropFirst()) == groupVersionPath {
            let item = "/" + groupVersionPath + (type.namespaced ? "/namespaces/{namespace}" : "") + "/\(type.plural)/{name}"
            paths[item] = ["patch": patchOperation(type)]
        }
        let document: JSONValue = ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.31.9+rke2r1"],
                                   "paths": .object(paths), "components": ["schemas": [:]]]
        return .json(200, document)
    }

    private static func patchOperation(_ type: KubeResourceType) -> JSONValue {
        let parameters: [JSONValue] = ["dryRun", "fieldManager", "fieldValidation", "force"].map {
            ["name": .string($0), "in": "query", "schema": ["type": $0 == "force" ? "boolean" : "string", "uniqueItems": true]]
        }
        let schema: JSONValue = ["schema": ["type": "object"]]
        return ["operationId": .string("patch\(type.kind)"), "parameters": .array(parameters),
                "requestBody": ["content": ["application/json-patch+json": schema, "application/merge-patch+json": schema,
                                            "application/apply-patch+yaml": schema]],
                "responses": ["200": ["description": "OK"]],
                "x-kubernetes-action": "patch",
                "x-kubernetes-group-version-kind": ["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]]
    }
}

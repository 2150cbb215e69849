import Foundation

/// A failed API call as the API server reports it: a `metav1.Status` body with the HTTP code, a reason kubectl
/// prints as `Error from server (<reason>): <message>` (kube-and-rancher-wire.md §A.8).
struct KubeStatusError: Error, Sendable, Equatable {
    /// HTTP status code.
    let code: Int
    /// The machine-readable reason (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, ...).
    let reason: String
    /// The human message.
    let message: String
    /// `details` of the Status (name, group, kind, causes), if any.
    var details: JSONValue?

    /// The `metav1.Status` body.
    var status: JSONValue {
        var body: JSONValue = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                               "message": .string(message), "reason": .string(reason), "code": .int(Int64(code))]
        if let details { body["details"] = details }
        return body
    }

    /// The response carrying this error.
    var response: SimResponse { .json(code, status) }

    private static func details(_ type: KubeResourceType, _ name: String) -> JSONValue {
        var details: JSONValue = ["name": .string(name), "kind": .string(type.plural)]
        if !type.group.isEmpty { details["group"] = .string(type.group) }
        return details
    }

    /// 404 for a missing object: `nodes "x" not found`.
    static func notFound(_ type: KubeResourceType, _ name: String) -> KubeStatusError {
        KubeStatusError(code: 404, reason: "NotFound", message: "\(type.qualifiedName) \"\(name)\" not found",
                        details: details(type, name))
    }

    /// 404 for a path the server does not serve.
    static func noSuchPath(_ path: String) -> KubeStatusError {
        KubeStatusError(code: 404, reason: "NotFound", message: "the server could not find the requested resource",
                        details: ["causes": [["reason": "UnexpectedServerResponse", "message": .string("404 page not found: \(path)")]]])
    }

    /// 409 for a create of an existing name.
    static func alreadyExists(_ type: KubeResourceType, _ name: String) -> KubeStatusError {
        KubeStatusError(code: 409, reason: "AlreadyExists", message: "\(type.qualifiedName) \"\(name)\" already exists",
                        details: details(type, name))
    }

    /// 409 for a write based on a stale `resourceVersion`.
    static func conflict(_ type: KubeResourceType, _ name: String) -> KubeStatusError {
        KubeStatusError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(type.qualifiedName) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
            details: details(type, name))
    }

    /// 409 for a server-side apply that would take fields another manager owns.
    static func applyConflict(_ type: KubeResourceType, _ name: String, conflicts: [(manager: String, path: String)]) -> KubeStatusError {
        let lines = conflicts.map { "conflict with \"\($0.manager)\" using \(type.groupVersion): \($0.path)" }
        let message = conflicts.count == 1
            ? "Apply failed with 1 conflict: \(lines[0])"
            : "Apply failed with \(conflicts.count) conflicts: " + lines.joined(separator: "\n")
        var details = details(type, name)
        details["causes"] = .array(conflicts.map {
            ["reason": "FieldManagerConflict", "message": .string("conflict with \"\($0.manager)\" using \(type.groupVersion)"),
             "field": .string($0.path)]
        })
        return KubeStatusError(code: 409, reason: "Conflict", message: message, details: details)
    }

    /// 422 with one cause per invalid field: `Deployment.apps "x" is invalid: spec.selector: Required value`.
    static func invalid(_ type: KubeResourceType, _ name: String, causes: [(field: String, reason: String, message: String)]) -> KubeStatusError {
        let kind = type.group.isEmpty ? type.kind : "\(type.kind).\(type.group)"
        let summary = causes.map { "\($0.field): \($0.message)" }
        let message = "\(kind) \"\(name)\" is invalid: " + (summary.count == 1 ? summary[0] : "[" + summary.joined(separator: ", ") + "]")
        var details = details(type, name)
        details["kind"] = .string(type.kind)
        details["causes"] = .array(causes.map { ["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)] })
        return KubeStatusError(code: 422, reason: "Invalid", message: message, details: details)
    }

    /// 400 for a body the server cannot use.
    static func badRequest(_ message: String) -> KubeStatusError {
        KubeStatusError(code: 400, reason: "BadRequest", message: message)
    }

    /// 405 for a verb the path does not take.
    static func methodNotAllowed(_ method: String, _ path: String) -> KubeStatusError {
        KubeStatusError(code: 405, reason: "MethodNotAllowed",
                        message: "the server does not allow this method on the requested resource (\(method) \(path))")
    }

    /// 415 for a patch type the server does not know (§A.8).
    static func unsupportedMediaType(_ contentType: String) -> KubeStatusError {
        KubeStatusError(code: 415, reason: "UnsupportedMediaType",
                        message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got \(contentType))")
    }

    /// 401 for a missing or wrong bearer token.
    static let unauthorized = KubeStatusError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    /// 410 for a watch from a resourceVersion older than the kept history.
    static func expired(_ resourceVersion: String) -> KubeStatusError {
        KubeStatusError(code: 410, reason: "Expired", message: "too old resource version: \(resourceVersion)")
    }

    /// 404 for an object named into a namespace that does not exist: `namespaces "x" not found`.
    static func namespaceNotFound(_ namespace: String) -> KubeStatusError {
        notFound(KubeCatalog.namespaces, namespace)
    }
}

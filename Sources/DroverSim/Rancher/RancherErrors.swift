import Foundation

/// The error bodies Rancher answers (rancher-api.md §6.2; kube-and-rancher-wire.md §C.2).
enum RancherError {
    /// norman (`/v3`, `/v3-public`, `/v1-public`): `{"type":"error","baseType":"error","status","code","message","fieldName"?}`.
    static func norman(_ status: Int, _ code: String, _ message: String, fieldName: String? = nil) -> SimResponse {
        var body: JSONValue = ["type": "error", "baseType": "error", "status": .int(Int64(status)), "code": .string(code),
                               "message": .string(message)]
        if let fieldName { body["fieldName"] = .string(fieldName) }
        return .json(status, body)
    }

    /// Steve (`/v1`): the Kubernetes reason as `code` (kube-and-rancher-wire.md §C.2 "Steve errors").
    static func steve(_ status: Int, _ code: String, _ message: String) -> SimResponse {
        .json(status, ["type": "error", "status": .int(Int64(status)), "code": .string(code), "message": .string(message)])
    }

    /// A route the release does not have: Go's default mux answer (what makes clients fall back, rancher-api.md §1.3).
    static func routeNotFound() -> SimResponse {
        SimResponse(status: 404, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data("404 page not found\n".utf8))
    }

    /// The ingress's answer while Rancher's pods are not ready (peers.md P6).
    static func starting() -> SimResponse {
        SimResponse(status: 503, headers: [("Content-Type", "text/html"), ("Retry-After", "5")],
                    body: Data("<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>\n".utf8))
    }

    /// Plain text, as `/ping`, `/healthz`, `/cacerts` and the install scripts answer.
    static func text(_ status: Int, _ text: String, type: String = "text/plain; charset=utf-8") -> SimResponse {
        SimResponse(status: status, headers: [("Content-Type", type)], body: Data(text.utf8))
    }
}

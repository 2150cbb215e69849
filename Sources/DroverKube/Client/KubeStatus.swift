import DroverEngine
import DroverHTTP

/// A `metav1.Status` that arrived as an object (a watch's `ERROR` event) turned into a `CodedError` by the same
/// rules as an error response (kube-and-rancher-wire.md §A.8): its `code` stands in for the HTTP status.
enum KubeStatus {
    static func error(_ status: Value, request: HTTPRequest) -> CodedError {
        var code = 500
        if case .number(let number)? = status["code"], number >= 400 { code = Int(number) }
        let body = (try? HTTPRequest.encodeJSON(status)) ?? .init()
        return ServiceErrorDecoder.error(for: HTTPResponse(status: code, body: body), request: request)
    }
}

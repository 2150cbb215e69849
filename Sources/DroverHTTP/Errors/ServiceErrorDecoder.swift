import DroverEngine
import Foundation

/// Turns a failed HTTP response into a `CodedError` carrying the service's own code, message, details and request id.
///
/// Understands the error bodies of the services Drover talks to:
/// - ARM and Microsoft Graph: `{"error": {"code", "message", "details": [...]}}` (azure-api.md §3.1, §3.3);
/// - the Entra ID token endpoint: `{"error": "invalid_client", "error_description": "..."}` (azure-api.md §1.1);
/// - Kubernetes `Status` (`reason`, `message`) and Rancher (`type: error`, `code`, `message`).
public enum ServiceErrorDecoder {
    /// The error for a response with status 400 or above.
    public static func error(for response: HTTPResponse, request: HTTPRequest) -> CodedError {
        let parsed = parse(response.body)
        let requestId = response.header("x-ms-request-id") ?? response.header("request-id") ?? parsed.requestId
        let status = response.status
        return CodedError(
            code: parsed.code ?? "HTTP\(status)",
            message: parsed.message ?? "\(request.method) \(LogRedactor.redact(url: request.url)) answered \(status)"
                + (response.body.isEmpty ? "" : " with \(response.body.count) bytes"),
            remediation: remediation(status: status),
            status: status, requestId: requestId, details: parsed.details,
            retryable: RetryPolicy.isRetryable(status: status),
            notFound: status == 404 || status == 410,
            // A 4xx is refused before any effect (a 408/429 request was not processed either); a 5xx may have acted.
            nothingApplied: (400...499).contains(status))
    }

    /// The error for a 2xx body that does not have the expected shape.
    public static func invalidResponse(_ what: String, error: any Error, requestId: String?) -> CodedError {
        CodedError(
            code: "InvalidResponse", message: "the service's answer is not a valid \(what): \(error)",
            remediation: "this is a bug in Drover or a change in the service; report it with the request id", requestId: requestId)
    }

    /// What a service said in an error body.
    public struct Parsed: Sendable {
        /// The service's error code.
        public var code: String?
        /// The service's message.
        public var message: String?
        /// `details` flattened to `CODE: message` lines.
        public var details: [String] = []
        /// A request id from inside the body (Graph's `innerError.request-id`).
        public var requestId: String?
    }

    /// Reads the code, message and details of an error body in any of the shapes above.
    public static func parse(_ body: Data) -> Parsed {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return Parsed() }
        if let error = object["error"] as? [String: Any] {
            let inner = error["innerError"] as? [String: Any] ?? error["innererror"] as? [String: Any]
            return Parsed(
                code: error["code"] as? String, message: error["message"] as? String,
                details: detailLines(error["details"]), requestId: inner?["request-id"] as? String)
        }
        if let code = object["error"] as? String {
            return Parsed(code: code, message: object["error_description"] as? String)
        }
        if object["kind"] as? String == "Status" {
            return Parsed(code: object["reason"] as? String, message: object["message"] as? String, details: statusCauses(object["details"]))
        }
        if object["type"] as? String == "error" {
            return Parsed(code: object["code"] as? String, message: object["message"] as? String)
        }
        return Parsed(code: object["code"] as? String, message: object["message"] as? String)
    }

    /// Flattens ARM's nested `details` into `CODE: message` lines, depth first, in the service's order.
    static func detailLines(_ value: Any?) -> [String] {
        guard let list = value as? [[String: Any]] else { return [] }
        return list.flatMap { detail -> [String] in
            let code = detail["code"] as? String ?? "?"
            let line = detail["message"].map { "\(code): \($0)" } ?? code
            return [line] + detailLines(detail["details"])
        }
    }

    /// A Kubernetes `Status`'s `details.causes` as `field: message (reason)` lines (kube-and-rancher-wire.md §A.8).
    static func statusCauses(_ value: Any?) -> [String] {
        guard let causes = (value as? [String: Any])?["causes"] as? [[String: Any]] else { return [] }
        return causes.map { cause in
            let text = [cause["field"] as? String, cause["message"] as? String].compactMap { $0 }.joined(separator: ": ")
            return (cause["reason"] as? String).map { "\(text) (\($0))" } ?? text
        }
    }

    static func remediation(status: Int) -> String? {
        switch status {
        case 401: return "check the credentials: the service did not accept the token"
        case 403: return "grant the identity Drover uses the permission named above"
        case 429: return "the service is throttling; wait a few minutes and run the same command again"
        case 500...599: return "the service failed; run the same command again"
        default: return nil
        }
    }
}

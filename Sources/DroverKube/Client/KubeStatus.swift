import DroverEngine

/// A `metav1.Status` that arrived as an object (a watch's `ERROR` event) turned into a `CodedError` by the rules the
/// transport applies to error responses (kube-and-rancher-wire.md §A.8).
enum KubeStatus {
    static func error(_ status: Value) -> CodedError {
        let code = status["code"].flatMap { value -> Int? in if case .number(let n) = value { return Int(n) }; return nil }
        let reason = status["reason"]?.stringValue ?? code.map { "HTTP\($0)" } ?? "StatusFailure"
        let causes = (status.value(at: ["details", "causes"])?.arrayValue ?? []).map { cause in
            let text = [cause["field"]?.stringValue, cause["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
            return cause["reason"]?.stringValue.map { "\(text) (\($0))" } ?? text
        }
        let retryable = reason == "TooManyRequests" || reason == "ServerTimeout" || code.map { $0 == 429 || (500...599).contains($0) } ?? false
        return CodedError(
            code: reason, message: status["message"]?.stringValue ?? "the server answered with a \(reason) status",
            status: code, details: causes, retryable: retryable, notFound: code == 404 || code == 410)
    }
}

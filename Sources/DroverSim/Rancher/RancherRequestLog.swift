import Foundation

/// Records the Rancher simulator's exchanges in the shared `RequestLog`, with Rancher's secrets (passwords, tokens,
/// registration commands, kubeconfigs) replaced before the log's own redaction sees them.
enum RancherRequestLog {
    /// Keys whose values carry a secret in Rancher's bodies (rancher-api.md §1.2, §3.2; kube-and-rancher-wire.md §C.4, §C.7).
    static let secretKeys: Set<String> = [
        "password", "newpassword", "currentpassword", "token", "command", "insecurecommand", "nodecommand",
        "windowsnodecommand", "insecurenodecommand", "insecurewindowsnodecommand", "manifesturl", "kubeconfig", "config",
    ]

    static func record(_ log: RequestLog, request: SimRequest, response: SimResponse) {
        var request = request
        var response = response
        request.body = redacted(request.body)
        response.body = redacted(response.body)
        log.record(service: "rancher", request: request, response: response)
    }

    private static func redacted(_ body: Data) -> Data {
        guard let value = try? JSONValue.parse(body) else { return body }
        return redact(value).encoded()
    }

    private static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map(redact))
        case .object(let members):
            return .object(Dictionary(uniqueKeysWithValues: members.map { key, member in
                (key, secretKeys.contains(key.lowercased()) ? RequestLog.redact(member, secret: true) : redact(member))
            }))
        default: return value
        }
    }
}

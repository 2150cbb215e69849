import Foundation

/// Removes secrets from what the transport logs: header values, JSON fields, form fields and query parameters.
///
/// A field is secret when its name (case-insensitive) is one of ``secretNames`` or contains `password`, `secret` or
/// `token` (so `access_token`, `client_secret`, `adminPassword`, `secretText`, `accessToken` are all covered).
public enum LogRedactor {
    /// What replaces a secret value.
    public static let mask = "[redacted]"
    /// Header names whose values are never logged.
    public static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"]
    /// Field names whose values are never logged, besides names containing password/secret/token.
    public static let secretNames: Set<String> = [
        "customdata", "protectedsettings", "assertion", "client_assertion", "commandtoexecute", "privatekey",
        // Rancher: a cluster's additional manifest may carry a Secret (the Azure cloud config); registration commands
        // and import URLs carry the cluster's registration token (rancher-api.md §3.2); a kubeconfig carries a token.
        "additionalmanifest", "command", "insecurecommand", "nodecommand", "insecurenodecommand", "windowsnodecommand",
        "insecurewindowsnodecommand", "manifesturl", "config",
    ]

    /// Whether a field named `name` holds a secret.
    public static func isSecret(_ name: String) -> Bool {
        let lower = name.lowercased()
        return secretNames.contains(lower) || lower.contains("password") || lower.contains("secret") || lower.contains("token")
    }

    /// Header lines with secret values masked.
    public static func redact(headers: [(name: String, value: String)]) -> String {
        headers.map { "\($0.name): \(secretHeaders.contains($0.name.lowercased()) ? mask : $0.value)" }.joined(separator: "; ")
    }

    /// The URL with secret query parameters masked.
    public static func redact(url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false), let items = parts.queryItems else { return url.absoluteString }
        parts.queryItems = items.map { isSecret($0.name) ? URLQueryItem(name: $0.name, value: mask) : $0 }
        return parts.string ?? url.absoluteString
    }

    /// A body as loggable text: JSON and form bodies with secret fields masked; anything else only by size.
    public static func redact(body: Data?, contentType: String?) -> String {
        guard let body, !body.isEmpty else { return "" }
        if let json = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]),
            json is [Any] || json is [String: Any],
            let data = try? JSONSerialization.data(withJSONObject: redact(json: json), options: [.sortedKeys, .withoutEscapingSlashes]),
            let text = String(data: data, encoding: .utf8)
        {
            return text
        }
        if contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true, let text = String(data: body, encoding: .utf8) {
            return text.split(separator: "&").map { pair in
                let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                return isSecret(name.removingPercentEncoding ?? name) ? "\(name)=\(mask)" : String(pair)
            }.joined(separator: "&")
        }
        return "<\(body.count) bytes>"
    }

    /// A JSON value with every secret field's value replaced by ``mask``, at any depth.
    static func redact(json: Any) -> Any {
        if let object = json as? [String: Any] {
            return object.reduce(into: [String: Any]()) { result, entry in
                result[entry.key] = isSecret(entry.key) ? mask : redact(json: entry.value)
            }
        }
        if let array = json as? [Any] { return array.map(redact(json:)) }
        return json
    }
}

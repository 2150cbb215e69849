import Foundation

/// A `WWW-Authenticate` challenge from a registry: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.
///
/// Source: the distribution token authentication spec (distribution/distribution `docs/spec/auth/token.md`,
/// "How to authenticate") and RFC 7235 §4.1 for the header's auth-param syntax.
public struct AuthChallenge: Sendable, Hashable {
    /// `bearer` or `basic`, lowercased.
    public var scheme: String
    /// The auth-params by lowercased name.
    public var parameters: [String: String]

    /// Parses the header value; nil when it names no scheme.
    public init?(_ header: String) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") ?? (trimmed.isEmpty ? nil : trimmed.endIndex) else { return nil }
        scheme = trimmed[..<space].lowercased()
        parameters = Self.parameters(String(trimmed[space...]))
    }

    /// `a="x, y",b=z` → ["a": "x, y", "b": "z"]; quoted values may hold commas and `\"`.
    static func parameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var chars = Substring(text)
        while true {
            chars = chars.drop(while: { $0 == " " || $0 == "," })
            guard let equals = chars.firstIndex(of: "=") else { break }
            let name = chars[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            chars = chars[chars.index(after: equals)...]
            var value = ""
            if chars.first == "\"" {
                chars = chars.dropFirst()
                while let char = chars.first, char != "\"" {
                    chars = chars.dropFirst()
                    if char == "\\", let next = chars.first { value.append(next); chars = chars.dropFirst() } else { value.append(char) }
                }
                chars = chars.dropFirst()
            } else {
                let end = chars.firstIndex(of: ",") ?? chars.endIndex
                value = chars[..<end].trimmingCharacters(in: .whitespaces)
                chars = chars[end...]
            }
            result[name] = value
        }
        return result
    }
}

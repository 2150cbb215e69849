import Foundation

/// A container image reference split into registry, repository, tag and digest, following the distribution
/// reference grammar (distribution/reference `reference.go`): the first path component is a registry when it
/// holds a `.` or `:` or is `localhost`; otherwise the image is on Docker Hub, under `library/` when unqualified.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry host (and port), `docker.io` when the reference names none.
    public var registry: String
    /// The repository path inside the registry, such as `windows/servercore` or `library/nginx`.
    public var repository: String
    /// The tag, nil when the reference has none (Kubernetes then pulls `latest`).
    public var tag: String?
    /// The `sha256:…` digest, when pinned.
    public var digest: String?

    /// Parses a reference such as `mcr.microsoft.com/windows/servercore:ltsc2022` or `nginx@sha256:…`.
    public init(_ text: String) {
        var rest = Self.isTrimmed(text) ? Substring(text) : Substring(text.trimmingCharacters(in: .whitespaces))
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains(where: { $0 == "/" }) {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count > 1, let first = parts.first, first.contains(where: { $0 == "." || $0 == ":" }) || first == "localhost" {
            registry = String(first)
            repository = parts.dropFirst().joined(separator: "/")
        } else {
            registry = "docker.io"
            repository = parts.count == 1 ? "library/\(rest)" : String(rest)
        }
    }

    /// True when `text` starts and ends with printable ASCII, so trimming whitespace (Foundation, slow) changes nothing.
    static func isTrimmed(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last else { return true }
        return (0x21..<0x7F).contains(first) && (0x21..<0x7F).contains(last)
    }

    /// The tag or digest to ask a registry for (`latest` when neither is given).
    public var manifestReference: String { digest ?? tag ?? "latest" }

    public var description: String {
        var text = "\(registry)/\(repository)"
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }
}

import Crypto
import Foundation

/// Object names as the API server checks and generates them.
enum KubeNames {
    /// The regular expression the API server quotes for a DNS-1123 subdomain (most kinds).
    static let subdomainPattern = #"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"#
    /// The regular expression the API server quotes for a DNS-1123 label (namespaces).
    static let labelPattern = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"

    /// Why `name` is not a valid name for `type`, or nil: namespaces are DNS-1123 labels (63), others subdomains (253).
    static func problem(_ name: String, type: KubeResourceType) -> String? {
        let label = type == KubeCatalog.namespaces
        let pattern = label ? labelPattern : subdomainPattern
        let limit = label ? 63 : 253
        if name.count > limit { return "must be no more than \(limit) characters" }
        guard name.wholeMatch(of: try! Regex(pattern)) == nil else { return nil }
        return label
            ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '\(pattern)')"
            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '\(pattern)')"
    }

    /// Five characters from the alphabet the API server uses for `generateName` suffixes (no vowels), derived
    /// from `seed` so runs are reproducible.
    static func suffix(seed: String, length: Int = 5) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        let digest = Array(SHA256.hash(data: Data(seed.utf8)))
        return String((0..<length).map { alphabet[Int(digest[$0]) % alphabet.count] })
    }

    /// A ten-character hash of a pod template, like a ReplicaSet's `pod-template-hash`.
    static func templateHash(_ template: JSONValue?) -> String {
        suffix(seed: (template ?? .null).encodedText, length: 10)
    }
}

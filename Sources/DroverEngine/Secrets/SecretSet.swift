import Foundation

/// Every secret value known to a run (from the state and from this run's outputs), to recognise and scrub them.
///
/// The engine's one scrubber: event messages and error texts leaving the engine pass through ``scrub(_:)`` whatever a
/// handler wrote, and an output whose value contains a known secret is itself recorded as sensitive, so sensitivity
/// follows a secret through any number of references.
public struct SecretSet: Sendable, Equatable {
    /// Shorter strings are not treated as secrets: scrubbing them would mangle ordinary words.
    public static let minimumLength = 6
    /// Inside a secret object or list, shorter strings are taken for the ordinary fields beside the secret (a node's
    /// role `worker`, an OS name) rather than secrets: generated secrets, tokens and keys are all longer.
    public static let minimumNestedLength = 16

    private(set) var values: Set<String> = []

    /// Creates an empty set.
    public init() {}

    /// Whether no secret is known.
    public var isEmpty: Bool { values.isEmpty }

    /// Adds `value` when it is a string, and the long strings inside it when it is an object or a list.
    public mutating func insert(contentsOf value: Value) { insert(contentsOf: value, nested: false) }

    private mutating func insert(contentsOf value: Value, nested: Bool) {
        switch value {
        case .string(let s) where s.count >= (nested ? Self.minimumNestedLength : Self.minimumLength): values.insert(s)
        case .array(let items): for item in items { insert(contentsOf: item, nested: true) }
        case .object(let fields): for field in fields.values { insert(contentsOf: field, nested: true) }
        default: break
        }
    }

    /// Adds the values at the sensitive paths of a recorded resource.
    public mutating func insert(sensitivePartsOf resource: ResourceState) {
        for path in resource.sensitivePaths {
            let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let root = parts[0] == "inputs" ? resource.inputs : resource.outputs
            if let value = root[parts[1]] { insert(contentsOf: value) }
        }
    }

    /// Whether any string inside `value` contains a known secret.
    public func isContained(in value: Value) -> Bool {
        guard !values.isEmpty else { return false }
        switch value {
        case .string(let s):
            guard s.utf8.count >= Self.minimumLength else { return false }
            return values.contains(s) || values.contains { Self.bytes(of: s, contain: $0) }
        case .array(let items): return items.contains { isContained(in: $0) }
        case .object(let fields): return fields.values.contains { isContained(in: $0) }
        default: return false
        }
    }

    /// `text` with every known secret replaced by `(sensitive)`, longest secrets first.
    public func scrub(_ text: String) -> String {
        guard !values.isEmpty else { return text }
        var result = text
        guard values.contains(where: { Self.bytes(of: text, contain: $0) }) else { return text }
        for secret in values.sorted(by: { $0.count > $1.count }) where Self.bytes(of: result, contain: secret) {
            result = result.replacingOccurrences(of: secret, with: "(sensitive)")
        }
        return result
    }
}

extension SecretSet {
    /// Whether `needle`'s UTF-8 bytes occur in `haystack`'s: a plain byte search, since Foundation's locale-aware
    /// `contains` costs more than the rest of planning put together once secrets are known.
    static func bytes(of haystack: String, contain needle: String) -> Bool {
        var haystack = haystack, needle = needle
        return haystack.withUTF8 { h in
            needle.withUTF8 { n in
                guard let first = n.first else { return true }
                guard n.count <= h.count else { return false }
                var start = 0
                let last = h.count - n.count
                while start <= last {
                    if h[start] == first {
                        var matched = 1
                        while matched < n.count, h[start + matched] == n[matched] { matched += 1 }
                        if matched == n.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }
}

extension StateSnapshot {
    /// Every secret the state holds: values at resources' sensitive paths and sensitive outputs.
    public var secrets: SecretSet {
        var set = SecretSet()
        for resource in resources.values { set.insert(sensitivePartsOf: resource) }
        for resource in deposed.values { set.insert(sensitivePartsOf: resource) }
        for output in outputs.values where output.sensitive { set.insert(contentsOf: output.value) }
        return set
    }
}

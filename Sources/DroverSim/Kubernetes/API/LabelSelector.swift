import Foundation

/// A label selector as `?labelSelector=` carries it: equality (`a=b`, `a==b`, `a!=b`) and set-based (`a in (x,y)`,
/// `a notin (x)`, `a`, `!a`) requirements joined by commas, all of which must hold.
struct LabelSelector: Sendable, Equatable {
    enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, [String])
        case notIn(String, [String])
        case exists(String)
        case doesNotExist(String)
    }

    let requirements: [Requirement]

    /// Parses the query form; a blank selector matches everything.
    init(parsing text: String) throws(KubeStatusError) {
        var requirements: [Requirement] = []
        for clause in Self.splitOutsideParentheses(text) {
            let part = clause.trimmingCharacters(in: .whitespaces)
            if part.isEmpty { continue }
            requirements.append(try Self.requirement(part))
        }
        self.requirements = requirements
    }

    /// The selector of a workload's `spec.selector` (`matchLabels` and `matchExpressions`).
    init(object selector: JSONValue?) {
        var requirements: [Requirement] = []
        for (key, value) in (selector?["matchLabels"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
            requirements.append(.equals(key, value.string ?? ""))
        }
        for expression in selector?["matchExpressions"]?.array ?? [] {
            let key = expression["key"]?.string ?? ""
            let values = (expression["values"]?.array ?? []).compactMap(\.string)
            switch expression["operator"]?.string {
            case "In": requirements.append(.isIn(key, values))
            case "NotIn": requirements.append(.notIn(key, values))
            case "Exists": requirements.append(.exists(key))
            case "DoesNotExist": requirements.append(.doesNotExist(key))
            default: break
            }
        }
        self.requirements = requirements
    }

    /// Whether `labels` satisfy every requirement.
    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): !(labels[key].map(values.contains) ?? false)
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            }
        }
    }

    private static func requirement(_ part: String) throws(KubeStatusError) -> Requirement {
        if let range = part.range(of: " notin ") ?? part.range(of: " in ") {
            let key = part[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let rest = part[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("("), rest.hasSuffix(")") else {
                throw .badRequest("unable to parse requirement: found '\(rest)', expected: '('")
            }
            let values = rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return part[range].contains("notin") ? .notIn(key, values) : .isIn(key, values)
        }
        for (op, make) in [("!=", Requirement.notEquals), ("==", Requirement.equals), ("=", Requirement.equals)] {
            if let range = part.range(of: op) {
                return make(part[..<range.lowerBound].trimmingCharacters(in: .whitespaces),
                            part[range.upperBound...].trimmingCharacters(in: .whitespaces))
            }
        }
        if part.hasPrefix("!") { return .doesNotExist(String(part.dropFirst()).trimmingCharacters(in: .whitespaces)) }
        return .exists(part)
    }

    fileprivate static func splitOutsideParentheses(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: parts.append(current); current = ""
            default: current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}

import Foundation

/// A field selector (`metadata.name=x,status.phase!=Failed`): each requirement compares the string at a dotted
/// path of the object; a missing field reads as the empty string (kubectl `describe node` sends
/// `involvedObject.namespace=`, kube-and-rancher-wire.md §A.4).
struct FieldSelector: Sendable, Equatable {
    struct Requirement: Sendable, Equatable {
        let path: String
        let value: String
        let negated: Bool
    }

    let requirements: [Requirement]

    /// Parses the query form; a blank selector matches everything.
    init(parsing text: String) throws(KubeStatusError) {
        var requirements: [Requirement] = []
        for part in text.split(separator: ",").map(String.init) where !part.isEmpty {
            if let range = part.range(of: "!=") {
                requirements.append(.init(path: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), negated: true))
            } else if let range = part.range(of: "==") ?? part.range(of: "=") {
                requirements.append(.init(path: String(part[..<range.lowerBound]), value: String(part[range.upperBound...]), negated: false))
            } else {
                throw .badRequest("invalid selector: '\(text)'; can't understand '\(part)'")
            }
        }
        self.requirements = requirements
    }

    /// The value `metadata.name=` asks for, if the selector names one object.
    var name: String? { requirements.first { $0.path == "metadata.name" && !$0.negated }?.value }

    /// Whether `object` satisfies every requirement.
    func matches(_ object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            let actual = object.at(requirement.path).map(Self.text) ?? ""
            return (actual == requirement.value) != requirement.negated
        }
    }

    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .bool(let flag): String(flag)
        default: ""
        }
    }
}

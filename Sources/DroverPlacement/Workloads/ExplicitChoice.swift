import Yams

/// The OS and Windows builds a user allowed by hand in a pod spec: `spec.os.name`, the `kubernetes.io/os` and
/// `node.kubernetes.io/windows-build` node selectors, and required node affinity `In` on those labels.
///
/// Node selectors and `spec.os` each allow one value and must all hold; required node affinity terms are ORed
/// (core/v1 NodeSelector: "The terms are ORed"), so they allow the union of their values, and a term that does not
/// constrain the label allows every value.
struct ExplicitChoice {
    /// Each value the user wrote for a label, with its field.
    struct Choice {
        var values: Set<String>
        var field: String
    }

    /// The OS constraints, all of which must hold.
    var systems: [Choice] = []
    /// The build constraints, all of which must hold.
    var builds: [Choice] = []

    static let osLabel = "kubernetes.io/os"
    static let buildLabel = "node.kubernetes.io/windows-build"

    /// Reads the choices of the pod spec at `prefix`.
    init(_ spec: Node, prefix: String) {
        if let name = spec.value(at: ["os", "name"])?.text { systems.append(Choice(values: [name], field: "\(prefix).os.name")) }
        let selector = spec.value("nodeSelector")
        if let os = selector?.value(Self.osLabel)?.text { systems.append(Choice(values: [os], field: "\(prefix).nodeSelector[\(Self.osLabel)]")) }
        if let build = selector?.value(Self.buildLabel)?.text { builds.append(Choice(values: [build], field: "\(prefix).nodeSelector[\(Self.buildLabel)]")) }
        let field = "\(prefix).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
        let terms = spec.value(at: ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"])?.items ?? []
        if let os = Self.union(of: terms, label: Self.osLabel) { systems.append(Choice(values: os, field: field)) }
        if let build = Self.union(of: terms, label: Self.buildLabel) { builds.append(Choice(values: build, field: field)) }
    }

    /// The values ORed terms allow for `label`, nil when some term (or none at all) leaves it free.
    static func union(of terms: [Node], label: String) -> Set<String>? {
        var allowed: Set<String> = []
        for term in terms {
            let expressions = (term.value("matchExpressions")?.items ?? []).filter { $0.value("key")?.text == label && $0.value("operator")?.text == "In" }
            guard !expressions.isEmpty else { return nil }
            // Expressions within one term are ANDed.
            allowed.formUnion(intersection(expressions.map { Set(($0.value("values")?.items ?? []).compactMap(\.text)) }) ?? [])
        }
        return terms.isEmpty ? nil : allowed
    }

    /// The OSes every choice allows, nil without choices, or a conflict when they allow none (or name no OS).
    func allowedSystems() -> Result<Set<OperatingSystem>?, ChoiceConflict> {
        guard let values = Self.intersection(systems) else { return .success(nil) }
        let known = Set(values.compactMap(OperatingSystem.init(rawValue:)))
        guard !known.isEmpty else {
            return .failure(ChoiceConflict(message: "the spec's own OS choices allow no OS together: \(Self.listing(systems))"))
        }
        return .success(known)
    }

    /// The builds every choice allows, nil without build choices.
    func allowedBuilds() -> Set<WindowsBuild>? {
        Self.intersection(builds).map { Set($0.compactMap(WindowsBuild.init(osVersion:))) }
    }

    /// The values all `choices` allow, nil when there are none.
    static func intersection(_ choices: [Choice]) -> Set<String>? {
        intersection(choices.map(\.values))
    }

    /// The values in every set, nil when there are no sets.
    static func intersection(_ sets: [Set<String>]) -> Set<String>? {
        guard var result = sets.first else { return nil }
        for set in sets.dropFirst() { result.formIntersection(set) }
        return result
    }

    /// `linux (field), windows (field)`.
    static func listing(_ choices: [Choice]) -> String {
        choices.map { "\($0.values.sorted().joined(separator: "|")) (\($0.field))" }.joined(separator: ", ")
    }
}

/// A contradiction between a user's explicit choices and each other or the evidence.
struct ChoiceConflict: Error {
    var message: String
}

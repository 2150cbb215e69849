import Yams

/// The OS and build a user chose by hand in a pod spec: `spec.os.name`, the `kubernetes.io/os` and
/// `node.kubernetes.io/windows-build` node selectors, and required node affinity on those labels.
struct ExplicitChoice {
    /// Each OS value the user wrote, with its field.
    var systems: [(value: String, field: String)] = []
    /// Each windows-build value the user wrote, with its field.
    var builds: [(value: String, field: String)] = []

    static let osLabel = "kubernetes.io/os"
    static let buildLabel = "node.kubernetes.io/windows-build"

    /// Reads the choices of the pod spec at `prefix`.
    init(_ spec: Node, prefix: String) {
        if let name = spec.value(at: ["os", "name"])?.text { systems.append((name, "\(prefix).os.name")) }
        let selector = spec.value("nodeSelector")
        if let os = selector?.value(Self.osLabel)?.text { systems.append((os, "\(prefix).nodeSelector[\(Self.osLabel)]")) }
        if let build = selector?.value(Self.buildLabel)?.text { builds.append((build, "\(prefix).nodeSelector[\(Self.buildLabel)]")) }
        let terms = spec.value(at: ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"])?.items ?? []
        for (index, term) in terms.enumerated() {
            for expression in term.value("matchExpressions")?.items ?? [] where expression.value("operator")?.text == "In" {
                let field = "\(prefix).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[\(index)]"
                let values = (expression.value("values")?.items ?? []).compactMap(\.text)
                switch expression.value("key")?.text {
                case Self.osLabel: systems += values.map { ($0, field) }
                case Self.buildLabel: builds += values.map { ($0, field) }
                default: break
                }
            }
        }
    }

    /// The single OS every choice names, a conflict message when they differ, or neither when there is no choice.
    func system() -> Result<OperatingSystem?, ChoiceConflict> {
        let distinct = Set(systems.map(\.value))
        guard let value = distinct.first else { return .success(nil) }
        guard distinct.count == 1, let os = OperatingSystem(rawValue: value) else {
            return .failure(ChoiceConflict(message: "the spec's own OS choices disagree or are not linux/windows: \(listing(systems))"))
        }
        return .success(os)
    }

    /// `value (field), …`.
    func listing(_ choices: [(value: String, field: String)]) -> String {
        choices.map { "\($0.value) (\($0.field))" }.joined(separator: ", ")
    }
}

/// A contradiction between a user's explicit choices and each other or the evidence.
struct ChoiceConflict: Error {
    var message: String
}

import Yams

/// Decides each workload's OS and Windows build and the additions that pin it there, keeping every explicit user
/// choice: a choice that contradicts the evidence is reported, never overwritten.
public struct WorkloadPlacer: Sendable {
    /// The cluster's preferences.
    public var options: PlacementOptions
    /// Reads pods' needs (with registry answers, when resolved).
    public var analyzer: PodAnalyzer

    /// Creates a placer.
    public init(options: PlacementOptions = PlacementOptions(), analyzer: PodAnalyzer = PodAnalyzer()) {
        self.options = options
        self.analyzer = analyzer
    }

    /// The placement of `object`, or nil when it is not a workload kind placement handles.
    public func place(_ object: Node) -> WorkloadPlacement? {
        guard let kind = object.value("kind")?.text.flatMap(WorkloadKind.init(rawValue:)),
              let spec = object.value(at: kind.podSpecPath), spec.mapping != nil else { return nil }
        let metadata = object.value("metadata")
        let name = [metadata?.value("namespace")?.text, metadata?.value("name")?.text ?? metadata?.value("generateName")?.text ?? "?"]
            .compactMap { $0 }.joined(separator: "/")
        let prefix = kind.podSpecPath.joined(separator: ".")
        let needs = analyzer.needs(of: spec, at: prefix)
        let workload = "\(kind.rawValue) \(name)"
        switch decide(needs, ExplicitChoice(spec, prefix: prefix)) {
        case let .failure(conflict):
            return WorkloadPlacement(workload: workload, outcome: .conflict(conflict.messages), evidence: needs.evidence, edits: [])
        case .success(nil):
            return WorkloadPlacement(workload: workload, outcome: .undecided, evidence: needs.evidence, edits: [])
        case let .success((os, build, source)?):
            let edits = self.edits(for: spec, at: kind.podSpecPath, os: os, build: build)
            return WorkloadPlacement(workload: workload, outcome: .placed(os, build: build, decidedBy: source), evidence: needs.evidence, edits: edits)
        }
    }

    /// Contradictions found while deciding.
    struct Conflicts: Error {
        var messages: [String]
    }

    /// The OS, build and who decided, nil when undecidable, or the contradictions.
    func decide(_ needs: PodNeeds, _ choice: ExplicitChoice) -> Result<(OperatingSystem, WindowsBuild?, WorkloadPlacement.DecisionSource)?, Conflicts> {
        guard needs.problems.isEmpty else { return .failure(Conflicts(messages: needs.problems)) }
        let allowed: Set<OperatingSystem>?
        switch choice.allowedSystems() {
        case let .failure(conflict): return .failure(Conflicts(messages: [conflict.message]))
        case let .success(systems): allowed = systems
        }
        if let inferred = needs.os, let allowed, !allowed.contains(inferred) {
            return .failure(Conflicts(messages: ["the spec allows \(ExplicitChoice.listing(choice.systems)) but \(Self.proof(needs) { $0.os == inferred }) \(inferred.rawValue)"]))
        }
        let chosen = allowed?.count == 1 ? allowed?.first : nil
        let fallback = options.defaultOS.flatMap { allowed?.contains($0) ?? true ? $0 : nil }
        guard let os = needs.os ?? chosen ?? fallback else { return .success(nil) }
        let source: WorkloadPlacement.DecisionSource = needs.os != nil ? .evidence : chosen != nil ? .userChoice : .defaultOS
        let build = os == .windows ? needs.build : nil
        if let builds = choice.allowedBuilds() {
            if os == .linux {
                return .failure(Conflicts(messages: ["a Linux workload selects a Windows build: \(ExplicitChoice.listing(choice.builds))"]))
            }
            if let build, !builds.contains(build) {
                return .failure(Conflicts(messages: ["the spec allows Windows build \(ExplicitChoice.listing(choice.builds)) but \(Self.proof(needs) { $0.build == build }) \(build.nodeLabel)"]))
            }
        }
        return .success((os, build, source))
    }

    /// "spec.containers[a].image needs" / "… and … need": the fields of the evidence that `matches`.
    static func proof(_ needs: PodNeeds, _ matches: (Evidence) -> Bool) -> String {
        let fields = needs.evidence.filter(matches).map(\.field)
        return fields.joined(separator: ", ") + (fields.count == 1 ? " needs" : " need")
    }

    /// The additions that pin the pod spec at `path` to `os`/`build`, skipping every field already there.
    func edits(for spec: Node, at path: [String], os: OperatingSystem, build: WindowsBuild?) -> [PlacementEdit] {
        var edits: [PlacementEdit] = []
        if spec.value(at: ["os", "name"])?.text == nil {
            edits.append(PlacementEdit(path: path + ["os"], value: .strings([("name", os.rawValue)])))
        }
        var labels: [(String, String)] = []
        let selector = spec.value("nodeSelector")
        if selector?.value(ExplicitChoice.osLabel)?.text == nil { labels.append((ExplicitChoice.osLabel, os.rawValue)) }
        if let build, selector?.value(ExplicitChoice.buildLabel)?.text == nil { labels.append((ExplicitChoice.buildLabel, build.nodeLabel)) }
        if selector?.mapping == nil, !labels.isEmpty {
            edits.append(PlacementEdit(path: path + ["nodeSelector"], value: .strings(labels)))
        } else {
            edits += labels.map { PlacementEdit(path: path + ["nodeSelector", $0.0], value: .string($0.1)) }
        }
        let existing = spec.value("tolerations")?.items ?? []
        let missing = options.requiredTolerations(for: os).filter { taint in !existing.contains { Self.tolerates($0, taint) } }
        if !missing.isEmpty {
            // JSONPatch cannot append to a missing list, so a missing list is added whole.
            edits += spec.value("tolerations")?.sequence == nil
                ? [PlacementEdit(path: path + ["tolerations"], value: .list(missing.map(\.toleration)))]
                : missing.map { PlacementEdit(path: path + ["tolerations"], value: $0.toleration, append: true) }
        }
        return edits
    }

    /// Whether `toleration` already tolerates `taint` (core/v1 Toleration semantics: an empty key with `Exists`
    /// matches every taint; an empty effect matches every effect; `Exists` matches any value).
    static func tolerates(_ toleration: Node, _ taint: NodeTaint) -> Bool {
        let key = toleration.value("key")?.text ?? ""
        let exists = toleration.value("operator")?.text == "Exists"
        let effect = toleration.value("effect")?.text ?? ""
        guard key == taint.key || (key.isEmpty && exists), effect.isEmpty || effect == taint.effect else { return false }
        return exists || (toleration.value("value")?.text ?? "") == taint.value
    }
}

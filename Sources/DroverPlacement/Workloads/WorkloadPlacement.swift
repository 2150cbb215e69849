/// What placement decided for one workload, why, and the edits that carry the decision out.
public struct WorkloadPlacement: Sendable, Hashable {
    /// How the decision was reached.
    public enum Outcome: Sendable, Hashable {
        /// Placed on `os` (and `build`), decided by evidence, the user's own choice, or the default OS.
        case placed(OperatingSystem, build: WindowsBuild?, decidedBy: DecisionSource)
        /// Nothing decides the OS and no default was given.
        case undecided
        /// The evidence or the user's choices contradict each other; nothing was changed.
        case conflict([String])
    }

    /// Who decided the OS.
    public enum DecisionSource: String, Sendable, Hashable {
        case evidence
        case userChoice = "user's choice"
        case defaultOS = "default OS"
    }

    /// `Deployment default/web`.
    public var workload: String
    /// The decision.
    public var outcome: Outcome
    /// Every fact considered.
    public var evidence: [Evidence]
    /// The additions to make; empty when the workload already says everything or nothing is to be done.
    public var edits: [PlacementEdit]

    /// Creates a placement.
    public init(workload: String, outcome: Outcome, evidence: [Evidence], edits: [PlacementEdit]) {
        self.workload = workload
        self.outcome = outcome
        self.evidence = evidence
        self.edits = edits
    }

    /// True when nothing stopped a decision.
    public var isConflict: Bool {
        if case .conflict = outcome { return true }
        return false
    }

    /// One line for the report: `Deployment default/web: windows 20348 (evidence), 3 fields added`.
    public var summary: String {
        switch outcome {
        case let .placed(os, build, source):
            let target = build.map { "\(os.rawValue) \($0)" } ?? os.rawValue
            let change = edits.isEmpty ? "already placed" : "\(edits.count) field\(edits.count == 1 ? "" : "s") added"
            return "\(workload): \(target) (\(source.rawValue)), \(change)"
        case .undecided:
            return "\(workload): undecided, nothing says which OS it needs; left unchanged (give --default-os)"
        case let .conflict(messages):
            return "\(workload): conflict, left unchanged: \(messages.joined(separator: "; "))"
        }
    }
}

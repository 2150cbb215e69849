/// The text `place` prints to standard error: one line per workload, and with `explain` the evidence under it.
public enum PlacementReport {
    /// The report of `placements`.
    public static func render(_ placements: [WorkloadPlacement], explain: Bool) -> String {
        var lines: [String] = []
        for placement in placements {
            lines.append(placement.summary)
            guard explain else { continue }
            lines += placement.evidence.map { "    \($0)" }
            lines += placement.edits.map { edit in "    + \(edit.path.joined(separator: "."))\(edit.append ? "[]" : ""): \(edit.value.flow)" }
        }
        let undecided = placements.filter { $0.outcome == .undecided }.count
        let conflicts = placements.filter(\.isConflict).count
        lines.append("\(placements.count) workload\(placements.count == 1 ? "" : "s"): \(conflicts) conflict\(conflicts == 1 ? "" : "s"), \(undecided) undecided")
        return lines.joined(separator: "\n") + "\n"
    }
}

import Foundation

/// The text summary of a ``Timeline``: makespan, the critical path, and waiting against working time per stage.
enum TimelineText {
    static func render(_ timeline: Timeline) -> String {
        var lines = ["\(timeline.command) started \(timeline.startedAt): \(timeline.bars.count) operations, makespan \(seconds(timeline.makespan))"]
        let failed = timeline.bars.filter { $0.outcome != "succeeded" }
        if !failed.isEmpty {
            lines.append("not finished: " + failed.map { "\($0.address) (\($0.outcome))" }.joined(separator: ", "))
        }
        lines.append("")
        lines.append("Critical path (\(timeline.criticalPath.count) operations):")
        let bars = Dictionary(timeline.bars.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        for address in timeline.criticalPath {
            guard let bar = bars[address] else { continue }
            lines.append("  \(seconds(bar.start).leftPad(7)) → \(seconds(bar.end).leftPad(7))  \(address)  (\(bar.operation), waiting \(seconds(bar.waiting)))")
        }
        lines.append("")
        let rows = [["stage", "resources", "from", "to", "working", "waiting"]] + timeline.stages.map { stage in
            ["\(stage.stage). \(stage.title)", "\(stage.resources)", seconds(stage.start), seconds(stage.end), seconds(stage.working), seconds(stage.waiting)]
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.enumerated().map { index, cell in index == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0) : cell.leftPad(widths[index]) }
                .joined(separator: "  "))
        }
        lines.append("")
        lines.append("working and waiting add up each operation's own time; operations overlap, so the sums exceed the makespan.")
        return lines.joined(separator: "\n")
    }

    /// `12.3s`, `4m05s`.
    static func seconds(_ value: Double) -> String {
        if value < 60 { return String(format: "%.1fs", value) }
        let whole = Int(value.rounded())
        return String(format: "%dm%02ds", whole / 60, whole % 60)
    }
}

extension String {
    /// Right-aligns in `width` columns.
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

import DroverBlueprint
import Foundation

/// One run laid out in time: a bar per resource operation, the waits inside each, the critical path, and the
/// waiting and working time per stage (what `drover timeline` shows).
struct Timeline: Sendable, Equatable, Encodable {
    /// One resource's operation.
    struct Bar: Sendable, Equatable, Encodable {
        var address: String
        var stage: Int
        var operation: String
        /// Seconds since the run started.
        var start: Double
        var end: Double
        /// `succeeded`, `failed`, `interrupted`, or `running` (the record ends before the operation did).
        var outcome: String
        /// Spans spent waiting on the engine clock (polling, backing off), inside start...end.
        var waits: [Span]
        /// Whether the bar is on the critical path.
        var critical: Bool

        var duration: Double { end - start }
        var waiting: Double { waits.reduce(0) { $0 + $1.end - $1.start } }
    }

    /// A span of time.
    struct Span: Sendable, Equatable, Encodable {
        var start: Double
        var end: Double
    }

    /// Totals of one stage.
    struct StageTotal: Sendable, Equatable, Encodable {
        var stage: Int
        var title: String
        var resources: Int
        var start: Double
        var end: Double
        var working: Double
        var waiting: Double
    }

    var command: String
    var startedAt: String
    var bars: [Bar]
    /// Seconds from the first start to the last end.
    var makespan: Double
    /// Addresses on the critical path, first to last.
    var criticalPath: [String]
    var stages: [StageTotal]

    /// Lays out `record`.
    init(_ record: RunRecord) {
        command = record.header.command
        startedAt = record.header.startedAt
        let stageOf = Dictionary(record.header.resources.map { ($0.address, $0.stage) }, uniquingKeysWith: { a, _ in a })
        var bars = Self.bars(record.lines, stageOf: stageOf)
        let path = Self.criticalPath(bars, record: record)
        for index in bars.indices where path.contains(bars[index].address) { bars[index].critical = true }
        self.bars = bars.sorted { ($0.stage, $0.start, $0.address) < ($1.stage, $1.start, $1.address) }
        makespan = (bars.map(\.end).max() ?? 0) - (bars.map(\.start).min() ?? 0)
        criticalPath = path
        stages = Dictionary(grouping: bars, by: \.stage).keys.sorted().map { stage in
            let members = bars.filter { $0.stage == stage }
            let waiting = members.reduce(0) { $0 + $1.waiting }
            return StageTotal(
                stage: stage, title: PipelineStage(rawValue: stage)?.title ?? "stage \(stage)", resources: members.count,
                start: members.map(\.start).min() ?? 0, end: members.map(\.end).max() ?? 0,
                working: members.reduce(0) { $0 + $1.duration } - waiting, waiting: waiting)
        }
    }

    /// A bar per started operation, closed by its success, failure or interruption (or the record's last time).
    private static func bars(_ lines: [RunRecord.Line], stageOf: [String: Int]) -> [Bar] {
        var open: [String: Bar] = [:]
        var closed: [Bar] = []
        let lastTime = lines.last?.t ?? 0
        for line in lines {
            guard let address = line.event.address?.description else { continue }
            switch line.event.kind {
            case .started:
                open[address] = Bar(
                    address: address, stage: stageOf[address] ?? 1, operation: line.event.operation ?? "", start: line.t, end: line.t,
                    outcome: "running", waits: [], critical: false)
            case .waited:
                guard var bar = open[address] else { continue }
                bar.waits.append(Span(start: max(line.t - (line.event.elapsedSeconds ?? 0), bar.start), end: line.t))
                open[address] = bar
            case .succeeded, .failed, .skipped:
                guard var bar = open.removeValue(forKey: address) else { continue }
                bar.end = line.t
                bar.outcome = line.event.kind == .skipped ? "interrupted" : line.event.kind.rawValue
                closed.append(bar)
            default:
                continue
            }
        }
        for var bar in open.values {
            bar.end = lastTime
            closed.append(bar)
        }
        return closed
    }

    /// From the bar that ended last, back through whichever prerequisite ended last before it started: the chain that
    /// decided the makespan. Prerequisites are dependencies for an apply and dependents for a destroy.
    private static func criticalPath(_ bars: [Bar], record: RunRecord) -> [String] {
        let byAddress = Dictionary(bars.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        var prerequisites: [String: [String]] = [:]
        for resource in record.header.resources {
            for dependency in resource.dependsOn {
                if record.header.command == "destroy" {
                    prerequisites[dependency, default: []].append(resource.address)
                } else {
                    prerequisites[resource.address, default: []].append(dependency)
                }
            }
        }
        guard var current = bars.max(by: { ($0.end, $1.address) < ($1.end, $0.address) }) else { return [] }
        var path = [current.address]
        while let previous = (prerequisites[current.address] ?? []).compactMap({ byAddress[$0] })
            .filter({ $0.end <= current.start + 1e-9 && !path.contains($0.address) })
            .max(by: { ($0.end, $1.address) < ($1.end, $0.address) })
        {
            path.append(previous.address)
            current = previous
        }
        return path.reversed()
    }
}

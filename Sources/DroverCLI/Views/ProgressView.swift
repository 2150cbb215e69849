import DroverEngine
import Foundation

/// Turns engine events into the human progress lines (Terraform's UI hook): one line per start and finish,
/// and "Still creating... [1m20s elapsed]" for work that takes long.
public final class ProgressView: @unchecked Sendable {
    // @unchecked: `write` is called under `lock`, so lines from concurrent events never interleave.
    private let lock = NSLock()
    private let write: @Sendable (String) -> Void
    /// "Apply" or "Destroy", from the plan's mode, for the closing line.
    private var run = "Apply"

    /// Creates a view writing lines through `write`.
    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// The sink to give the engine.
    public var sink: EngineEventSink { { [self] event in self.handle(event) } }

    private static func verb(_ operation: String?) -> (ing: String, noun: String) {
        switch operation {
        case "create": return ("Creating", "Creation")
        case "update": return ("Modifying", "Modifications")
        case "delete": return ("Destroying", "Destruction")
        default: return ("Reading", "Read")
        }
    }

    /// Formats seconds as `45s`, `1m20s` or `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }

    /// A progress table as aligned columns, heading first.
    static func lines(of table: ProgressTable) -> [String] {
        let rows = [table.columns] + table.rows
        let widths = table.columns.indices.map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }

    func handle(_ event: EngineEvent) {
        lock.lock()
        defer { lock.unlock() }
        let name = event.address?.description ?? ""
        let verb = Self.verb(event.operation)
        switch event.kind {
        case .started:
            write("\(name): \(verb.ing)...\(event.message.map { " (\($0))" } ?? "")")
        case .progress:
            write("\(name): \(event.message ?? "")")
            if let table = event.table { for line in Self.lines(of: table) { write("    \(line)") } }
        case .stillRunning:
            write("\(name): Still \(verb.ing.lowercased())... [\(Self.duration(event.elapsedSeconds ?? 0)) elapsed]")
        case .succeeded:
            write("\(name): \(verb.noun) complete after \(Self.duration(event.elapsedSeconds ?? 0))")
        case .failed:
            write("\(name): \(verb.noun) failed after \(Self.duration(event.elapsedSeconds ?? 0)): \(event.message ?? "")")
        case .skipped:
            write("\(name): Skipped (\(event.message ?? "a dependency failed"))")
        case .drift:
            write("\(name): Drift: \(event.message ?? "")\(event.paths.map { " [\($0.joined(separator: ", "))]" } ?? "")")
        case .finished:
            let c = event.counts ?? [:]
            let done = "\(c["create"] ?? 0) added, \(c["update"] ?? 0) changed, \(c["delete"] ?? 0) destroyed."
            if let stopped = c["interrupted"] {
                write("\n\(run) interrupted: \(stopped) not started, \(c["failed"] ?? 0) failed, \(c["skipped"] ?? 0) skipped; \(done)")
            } else if let failed = c["failed"] {
                write("\n\(run) incomplete: \(failed) failed, \(c["skipped"] ?? 0) skipped; \(done)")
            } else {
                write("\n\(run) complete! Resources: \(done)")
            }
        case .planned:
            run = event.message == PlanMode.destroy.rawValue ? "Destroy" : "Apply"
        case .outputs, .waited:
            break
        }
    }
}

/// Writes every engine event as one JSON object per line (`--json`).
public struct JSONEventView: Sendable {
    private let write: @Sendable (String) -> Void

    /// Creates a view writing lines through `write`.
    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    /// The sink to give the engine.
    public var sink: EngineEventSink {
        { event in
            // Waits are for the timeline (`drover timeline`); a line per poll would drown the stream.
            if event.kind != .waited { write(JSONLines.line("event", event)) }
        }
    }
}

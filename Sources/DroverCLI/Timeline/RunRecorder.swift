import DroverEngine
import Foundation
import Synchronization

/// Writes a ``RunRecord`` as the run goes: wraps the view's event sink, stamps each event with the clock, and
/// appends it to the record file at once (so a killed run keeps what happened up to the kill).
final class RunRecorder: Sendable {
    /// Where the record is written.
    let url: URL
    private let clock: any EngineClock
    private let start: Double
    private let handle: Mutex<FileHandle?>

    /// Starts a record of `command` on `configuration` in `directory` (created 0700 if missing); returns nil when the
    /// directory cannot be written, since a timeline must never stop a run.
    init?(directory: URL, command: String, configuration: Configuration, clock: any EngineClock, now: Date = Date()) {
        let stamp = Self.stamp(now)
        url = directory.appendingPathComponent("\(stamp)-\(command).jsonl")
        self.clock = clock
        start = clock.now()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else { return nil }
            let handle = try FileHandle(forWritingTo: url)
            self.handle = Mutex(handle)
        } catch { return nil }
        append(RunRecord.header(command: command, startedAt: now, configuration: configuration))
    }

    /// A sink that records every event, then hands it to `next`.
    func sink(forwardingTo next: @escaping EngineEventSink) -> EngineEventSink {
        { [self] event in
            append(RunRecord.Line(t: clock.now() - start, event: event))
            next(event)
        }
    }

    /// Closes the file.
    func close() { handle.withLock { try? $0?.close(); $0 = nil } }

    private func append<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(value) else { return }
        data.append(0x0A)
        handle.withLock { try? $0?.write(contentsOf: data) }
    }

    /// Where the runs of the state at `statePath` are recorded: `.drover/runs/` beside it.
    static func directory(forState statePath: String) -> URL {
        CompositionRoot.Environment.toolDirectory(forState: statePath).appendingPathComponent("runs")
    }

    /// `20261128T094501.123Z`: sorts as time does, safe in a file name.
    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return formatter.string(from: date)
    }
}

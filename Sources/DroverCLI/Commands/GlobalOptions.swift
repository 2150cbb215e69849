import Foundation
import ArgumentParser
import DroverBlueprint
import DroverEngine
import Synchronization

/// Options every command that reads the spec or the state takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The cluster spec.")
    var spec = "drover.yaml"

    @Option(name: .long, help: "The state file (kept with mode 0600; it holds secrets).")
    var state = "drover.state.json"

    @Flag(name: .long, help: "Write events as JSON lines instead of human progress.")
    var json = false

    /// Remembers `--json` for everything this run writes, error lines included.
    mutating func validate() throws { Console.setJSON(json) }

    /// Where engine events go: JSON lines with `--json`, progress lines otherwise.
    var eventSink: EngineEventSink {
        json ? JSONEventView(write: { Console.out($0) }).sink : ProgressView(write: { Console.out($0) }).sink
    }
}

/// Whether this run writes JSON lines (`--json`); set once the options are parsed.
private let jsonMode = Atomic<Bool>(false)

/// Standard output and error, unbuffered line by line.
enum Console {
    /// Whether this run writes JSON lines only.
    static var isJSON: Bool { jsonMode.load(ordering: .relaxed) }

    static func setJSON(_ on: Bool) { jsonMode.store(on, ordering: .relaxed) }

    /// A `--json` line of `type` with `body`'s fields.
    static func json<Body: Encodable>(_ type: String, _ body: Body) { out(JSONLines.line(type, body)) }

    /// A notice: a `note` line with `--json`, a line on standard error otherwise.
    static func note(_ text: String) {
        if isJSON { json("note", JSONLines.Note(message: text)) } else { err(text) }
    }

    /// Spec problems: `diagnostic` lines with `--json`, text on standard error otherwise.
    static func diagnostics(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics.ordered {
            if isJSON { json("diagnostic", diagnostic) } else { err(diagnostic.description) }
        }
    }

    /// Writes and flushes, so a prompt shows before input is read and a closed pipe is noticed at once.
    static func out(_ text: String, terminator: String = "\n") {
        print(text, terminator: terminator)
        fflush(nil)
    }
    static func err(_ text: String) {
        var stderr = StandardError()
        print(text, to: &stderr)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.writeToStandardError(string)
    }
}

import Foundation
import ArgumentParser
import DroverEngine

/// Options every command that reads the spec or the state takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The cluster spec.")
    var spec = "drover.yaml"

    @Option(name: .long, help: "The state file (kept with mode 0600; it holds secrets).")
    var state = "drover.state.json"

    @Flag(name: .long, help: "Write events as JSON lines instead of human progress.")
    var json = false

    /// Where engine events go: JSON lines with `--json`, progress lines otherwise.
    var eventSink: EngineEventSink {
        json ? JSONEventView(write: { Console.out($0) }).sink : ProgressView(write: { Console.out($0) }).sink
    }
}

/// Standard output and error, unbuffered line by line.
enum Console {
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

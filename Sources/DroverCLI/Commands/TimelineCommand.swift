import ArgumentParser
import DroverEngine
import Foundation

/// `drover timeline`: the last apply or destroy as a text summary, an SVG Gantt chart, or JSON.
struct TimelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Show how the last apply or destroy spent its time: makespan, critical path, waiting and working per stage.",
        discussion: "Every apply and destroy records its events in .drover/runs/ beside the state; this reads the newest.")

    @Option(help: "The state file (runs are recorded in .drover/runs/ beside it).") var state = "drover.state.json"
    @Option(help: "A run record to read instead of the newest.") var run: String?
    @Option(help: "Where to write the SVG chart.") var svg = ".drover/timeline.svg"
    @Flag(help: "Print the timeline as JSON instead of text (no SVG is written).") var json = false

    func run() async throws {
        let directory = RunRecorder.directory(forState: state)
        guard let url = run.map({ URL(fileURLWithPath: $0) }) ?? RunRecord.latest(in: directory) else {
            throw CodedError(code: "NoRunRecorded", message: "no run is recorded in \(directory.path)", remediation: "run `drover apply` (or `drover up`) first")
        }
        let timeline = Timeline(try RunRecord.read(url))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(timeline), as: UTF8.self))
            return
        }
        try OutputFile.createFolder(URL(fileURLWithPath: svg).deletingLastPathComponent().path, mode: 0o755)
        try OutputFile.save(Data(TimelineSVG.render(timeline).utf8), to: svg, mode: 0o644)
        Console.out(TimelineText.render(timeline))
        Console.out("\nChart: \(svg) (from \(url.path))")
    }
}

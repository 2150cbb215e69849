import Foundation

/// The Gantt chart of a ``Timeline`` as a standalone SVG: one bar per resource grouped by stage, waits drawn lighter
/// and hatched inside their bars, the critical path outlined in red, failures in red.
enum TimelineSVG {
    private static let labelWidth = 360.0, chartWidth = 840.0, rowHeight = 18.0, top = 48.0

    static func render(_ timeline: Timeline) -> String {
        let span = max(timeline.makespan, 0.001)
        let origin = timeline.bars.map(\.start).min() ?? 0
        func x(_ t: Double) -> Double { labelWidth + (t - origin) / span * chartWidth }
        var body: [String] = []
        var y = top
        for stage in timeline.stages {
            body.append(#"<text x="4" y="\#(f(y + 13))" class="stage">\#(stage.stage). \#(escape(stage.title)) — working \#(TimelineText.seconds(stage.working)), waiting \#(TimelineText.seconds(stage.waiting))</text>"#)
            y += rowHeight
            for bar in timeline.bars where bar.stage == stage.stage {
                body.append(#"<text x="12" y="\#(f(y + 13))" class="label">\#(escape(bar.address))</text>"#)
                let width = max(x(bar.end) - x(bar.start), 1)
                let classes = ["bar", bar.outcome == "succeeded" ? "" : "failed", bar.critical ? "critical" : ""].filter { !$0.isEmpty }
                body.append(#"<rect x="\#(f(x(bar.start)))" y="\#(f(y + 3))" width="\#(f(width))" height="12" class="\#(classes.joined(separator: " "))"><title>\#(escape(bar.address)) \#(bar.operation): \#(TimelineText.seconds(bar.duration)), waiting \#(TimelineText.seconds(bar.waiting))</title></rect>"#)
                for wait in bar.waits where wait.end > wait.start {
                    body.append(#"<rect x="\#(f(x(wait.start)))" y="\#(f(y + 3))" width="\#(f(max(x(wait.end) - x(wait.start), 0.5)))" height="12" class="wait"/>"#)
                }
                y += rowHeight
            }
        }
        let height = y + 24
        var axis: [String] = []
        let step = niceStep(span)
        var tick = 0.0
        while tick <= span + 1e-9 {
            axis.append(#"<line x1="\#(f(x(origin + tick)))" y1="\#(f(top - 6))" x2="\#(f(x(origin + tick)))" y2="\#(f(y))" class="grid"/><text x="\#(f(x(origin + tick)))" y="\#(f(top - 10))" class="tick">\#(TimelineText.seconds(tick))</text>"#)
            tick += step
        }
        let title = "drover \(timeline.command), \(timeline.startedAt): makespan \(TimelineText.seconds(timeline.makespan)); critical path outlined in red, waiting hatched"
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(labelWidth + chartWidth + 20))" height="\(f(height))" font-family="sans-serif" font-size="11">
            <defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="4" stroke="#5b7fa6" stroke-width="1.5"/></pattern></defs>
            <style>.bar{fill:#5b7fa6}.failed{fill:#c0392b}.critical{stroke:#d62728;stroke-width:2}.wait{fill:url(#hatch);fill-opacity:0.9}.grid{stroke:#ddd}.tick{fill:#666;text-anchor:middle}.stage{font-weight:bold}.label{fill:#333}</style>
            <rect width="100%" height="100%" fill="white"/>
            <text x="4" y="16" font-size="13">\(escape(title))</text>
            \((axis + body).joined(separator: "\n"))
            </svg>

            """
    }

    /// A tick spacing giving five to ten ticks.
    private static func niceStep(_ span: Double) -> Double {
        let raw = span / 8
        let magnitude = pow(10, floor(log10(raw)))
        return [1, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

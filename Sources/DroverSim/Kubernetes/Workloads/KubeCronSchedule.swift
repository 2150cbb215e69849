import Foundation

/// A five-field cron schedule (`minute hour day-of-month month day-of-week`) with `*`, `*/n`, `a-b`, `a-b/n` and
/// lists, plus the `@hourly`/`@daily`/`@weekly`/`@monthly`/`@yearly` shorthands, evaluated in UTC.
struct KubeCronSchedule: Sendable {
    private let fields: [Set<Int>]
    private static let ranges = [0...59, 0...23, 1...31, 1...12, 0...6]
    private static let shorthands = ["@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
                                     "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *"]

    init?(_ text: String) {
        let expanded = Self.shorthands[text.trimmingCharacters(in: .whitespaces)] ?? text
        let parts = expanded.split(separator: " ").map(String.init)
        guard parts.count == 5 else { return nil }
        var fields: [Set<Int>] = []
        for (part, range) in zip(parts, Self.ranges) {
            guard let values = Self.values(part, range) else { return nil }
            fields.append(values)
        }
        self.fields = fields
    }

    private static func values(_ field: String, _ range: ClosedRange<Int>) -> Set<Int>? {
        var result: Set<Int> = []
        for item in field.split(separator: ",") {
            let pieces = item.split(separator: "/", maxSplits: 1)
            let step = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let step, step > 0 else { return nil }
            let span: ClosedRange<Int>
            if pieces[0] == "*" {
                span = range
            } else if let dash = pieces[0].firstIndex(of: "-") {
                guard let low = Int(pieces[0][..<dash]), let high = Int(pieces[0][pieces[0].index(after: dash)...]),
                      range.contains(low), range.contains(high), low <= high else { return nil }
                span = low...high
            } else {
                guard let single = Int(pieces[0]), range.contains(single) else { return nil }
                span = pieces.count == 2 ? single...range.upperBound : single...single
            }
            result.formUnion(stride(from: span.lowerBound, through: span.upperBound, by: step))
        }
        return result
    }

    /// Whether the schedule fires at the minute starting at `date`.
    func fires(at date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: date)
        return fields[0].contains(parts.minute!) && fields[1].contains(parts.hour!) && fields[2].contains(parts.day!)
            && fields[3].contains(parts.month!) && fields[4].contains(parts.weekday! - 1)
    }

    /// The last minute in (`after`, `until`] at which the schedule fires, checking at most a day back.
    func lastFiring(after: Date, until: Date) -> Date? {
        var minute = (until.timeIntervalSince1970 / 60).rounded(.down) * 60
        let floor = max(after.timeIntervalSince1970, until.timeIntervalSince1970 - 86400)
        while minute > floor {
            let date = Date(timeIntervalSince1970: minute)
            if fires(at: date) { return date }
            minute -= 60
        }
        return nil
    }
}

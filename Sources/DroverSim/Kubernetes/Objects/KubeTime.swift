import Foundation

/// Timestamps as the API server writes them: RFC 3339 in UTC to the second.
enum KubeTime {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        return ISO8601DateFormatter().date(from: text)
    }

    /// A duration as kubectl's AGE column shows it (`45s`, `3m20s`, `5h10m`, `3d4h`, `12d`): the examples of
    /// kube-and-rancher-wire.md §A.5, with the apimachinery `HumanDuration` thresholds.
    static func human(_ seconds: TimeInterval) -> String {
        if seconds < -1 { return "<invalid>" }
        let total = max(0, Int(seconds))
        let minutes = total / 60, hours = total / 3600, days = hours / 24
        switch total {
        case ..<120: return "\(total)s"
        case ..<600: return total % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(total % 60)s"
        case ..<(3 * 3600): return "\(minutes)m"
        case ..<(8 * 3600): return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m"
        case ..<(48 * 3600): return "\(hours)h"
        case ..<(8 * 86400): return hours % 24 == 0 ? "\(days)d" : "\(days)d\(hours % 24)h"
        case ..<(2 * 365 * 86400): return "\(days)d"
        case ..<(8 * 365 * 86400): return days % 365 == 0 ? "\(days / 365)y" : "\(days / 365)y\(days % 365)d"
        default: return "\(days / 365)y"
        }
    }
}

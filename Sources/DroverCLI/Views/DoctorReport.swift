import DroverPlacement
import Foundation

/// `drover doctor`'s output: a table of findings with their fixes, or the same as one JSON document.
enum DoctorReport {
    /// The JSON document (`-o json`).
    struct Document: Encodable {
        struct Cluster: Encodable {
            var nodes: Int
            var linuxNodes: Int
            var windowsNodes: Int
            var windowsBuilds: [String]
        }

        var cluster: Cluster
        var findings: [DoctorFinding]
        var errors: Int
        var warnings: Int
    }

    static func document(_ cluster: ClusterDescription, _ findings: [DoctorFinding]) -> Document {
        Document(
            cluster: .init(
                nodes: cluster.nodes.count, linuxNodes: cluster.nodes.filter { $0.os == .linux }.count,
                windowsNodes: cluster.nodes.filter { $0.os == .windows }.count, windowsBuilds: cluster.windowsBuilds.sorted().map(\.nodeLabel)),
            findings: findings, errors: findings.filter { $0.severity == .error }.count, warnings: findings.filter { $0.severity == .warning }.count)
    }

    /// Pretty JSON with sorted keys.
    static func json(_ cluster: ClusterDescription, _ findings: [DoctorFinding]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document(cluster, findings)), as: UTF8.self) + "\n"
    }

    /// The table: a cluster line, one row per finding with its fix under it, and the totals.
    static func table(_ cluster: ClusterDescription, _ findings: [DoctorFinding]) -> String {
        let summary = document(cluster, findings)
        let builds = summary.cluster.windowsBuilds.isEmpty ? "" : " (\(summary.cluster.windowsBuilds.joined(separator: ", ")))"
        var lines = ["Cluster: \(summary.cluster.nodes) nodes, \(summary.cluster.linuxNodes) Linux, \(summary.cluster.windowsNodes) Windows\(builds)"]
        guard !findings.isEmpty else { return (lines + ["No problems found."]).joined(separator: "\n") + "\n" }
        let header = ["SEVERITY", "CHECK", "OBJECT", "PROBLEM"]
        let rows = findings.map { [$0.severity.rawValue, $0.check, $0.object, $0.problem] }
        let widths = (0..<3).map { column in (rows.map { $0[column] } + [header[column]]).map(\.count).max() ?? 0 }
        func row(_ cells: [String]) -> String {
            (0..<3).map { cells[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + cells[3]
        }
        lines.append(row(header))
        for (finding, cells) in zip(findings, rows) {
            lines.append(row(cells))
            lines.append(String(repeating: " ", count: widths[0] + 2) + "fix: \(finding.fix)")
        }
        lines.append("\(summary.errors) error\(summary.errors == 1 ? "" : "s"), \(summary.warnings) warning\(summary.warnings == 1 ? "" : "s")")
        return lines.joined(separator: "\n") + "\n"
    }
}

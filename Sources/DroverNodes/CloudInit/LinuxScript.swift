/// A POSIX shell script run by the Linux CustomScript extension: strict mode, everything logged to one file.
public struct LinuxScript: Sendable {
    /// The script's text.
    public let text: String

    /// Builds a script logging to `log` from the given lines.
    public init(log: String, @LinesBuilder _ lines: () -> [String]) {
        text = (["#!/bin/sh", "set -eu", "umask 077", "exec >>\(POSIXShell.quote(log)) 2>&1", "echo \"drover: $(date -u) start\""]
            + lines() + ["echo \"drover: $(date -u) done\""]).joined(separator: "\n") + "\n"
    }

    /// Waits for first-boot cloud-init; on failure shows the end of its log and stops (peers.md P8).
    public static let waitForCloudInit =
        "cloud-init status --wait >/dev/null || { echo 'drover: cloud-init failed:'; tail -n 50 /var/log/cloud-init-output.log; exit 1; }"

    /// Writes `content` to `path` (mode 0600) through a quoted here-document whose delimiter cannot occur in it.
    public static func writeFile(_ path: String, _ content: String) -> String {
        var delimiter = "DROVER_EOF"
        while content.contains(delimiter) { delimiter += "_" }
        let body = content.hasSuffix("\n") ? content : content + "\n"
        return "mkdir -p \(POSIXShell.quote(parent(of: path)))\ncat > \(POSIXShell.quote(path)) <<'\(delimiter)'\n\(body)\(delimiter)"
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}

/// Collects script lines written one per statement; `if` blocks add their lines only when taken.
@resultBuilder
public enum LinesBuilder {
    // The builder methods below are the result-builder protocol; each only concatenates lines.
    public static func buildExpression(_ line: String) -> [String] { [line] }
    public static func buildExpression(_ lines: [String]) -> [String] { lines }
    public static func buildBlock(_ parts: [String]...) -> [String] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [String]?) -> [String] { part ?? [] }
    public static func buildEither(first: [String]) -> [String] { first }
    public static func buildEither(second: [String]) -> [String] { second }
}

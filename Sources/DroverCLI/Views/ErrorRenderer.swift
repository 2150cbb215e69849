import ArgumentParser
import Foundation
import DroverBlueprint
import DroverEngine

/// The spec has errors; nothing was touched.
public struct SpecInvalidError: Error, Sendable {
    /// Every diagnostic, errors and warnings.
    public var diagnostics: [Diagnostic]
}

/// An apply or destroy finished with failures; the diagnostics were already shown as they happened.
public struct RunIncompleteError: Error, Sendable {
    /// The failures.
    public var failures: [ResourceFailure]
    /// How many resources were skipped.
    public var skipped: Int
    /// How many resources were not started because the run was interrupted.
    public var notStarted: Int = 0
}

/// The one place that turns any error into the text the user reads and the process exit code.
public enum ErrorRenderer {
    /// The message for `error` (without a trailing newline), or nil when the error is not Drover's own and belongs
    /// to the argument parser (usage errors, `--help`, `--version`).
    public static func message(for error: any Error) -> String? {
        switch error {
        case let error as SpecInvalidError:
            let errors = error.diagnostics.filter { $0.severity == .error }.count
            return error.diagnostics.ordered.map(\.description).joined(separator: "\n")
                + "\n\n\(errors) error\(errors == 1 ? "" : "s") in the spec; nothing was created."
        case let error as CodedError:
            return "Error: \(error.message)" + serviceLine(error.code, status: error.status, requestId: error.requestId, details: error.details)
                + fixLine(error.remediation)
        case let error as StateLockedError:
            return "Error: \(error.description)" + fixLine(error.remediation)
        case let error as StateFileError:
            return "Error: state file \(error.description)" + fixLine(error.remediation)
        case let error as FileSystemError:
            return "Error: cannot \(error.operation) \(error.path): \(error.reason)" + fixLine(error.fix)
        case let error as CocoaError:
            // Foundation's file errors, should any remain: the path and the system's reason, never the raw domain.
            let path = error.filePath ?? error.url?.path ?? "a file"
            let reason = (error.underlying as? POSIXError).map { String(cString: strerror($0.code.rawValue)) } ?? error.localizedDescription
            return "Error: cannot use \(path): \(reason)"
        case let error as RunIncompleteError:
            var lines = [
                error.notStarted > 0
                    ? "Error: interrupted; \(error.notStarted) not started, \(error.failures.count) failed, \(error.skipped) skipped."
                    : "Error: \(error.failures.count) resource\(error.failures.count == 1 ? "" : "s") failed, \(error.skipped) skipped:",
            ]
            for failure in error.failures {
                lines.append("  \(failure.address): \(failure.operation): \(failure.code.map { "\($0): " } ?? "")\(failure.message)")
                if failure.status != nil || failure.requestId != nil {
                    lines.append("    " + serviceLine(nil, status: failure.status, requestId: failure.requestId, details: []).dropFirst(3))
                }
                if let fix = failure.remediation { lines.append("    fix: \(fix)") }
            }
            lines.append("Everything that succeeded is recorded; run the same command again to continue.")
            return lines.joined(separator: "\n")
        default:
            return nil
        }
    }

    /// What the remote service said beyond its message (code, status, request id, details), or nothing.
    private static func serviceLine(_ code: String?, status: Int?, requestId: String?, details: [String]) -> String {
        guard status != nil || requestId != nil else { return "" }
        var parts = [code.map { "code \($0)" }, status.map { "status \($0)" }, requestId.map { "request id \($0)" }].compactMap { $0 }
        parts += details
        return "\n  " + parts.joined(separator: "; ")
    }

    /// `fix` as the indented line that follows an error, or nothing.
    private static func fixLine(_ fix: String?) -> String { fix.map { "\n  fix: \($0)" } ?? "" }

    /// The exit code for `error`: 1 for every failure of Drover's own (2 is `plan --detailed-exitcode`'s
    /// "changes"); the argument parser's own errors keep theirs (64 for a usage error, 0 for `--help`).
    public static func exitCode(for error: any Error) -> ExitCode {
        message(for: error) == nil ? DroverCommand.exitCode(for: error) : .failure
    }

    /// The `--json` lines for `error`: `diagnostic` lines for spec problems, then one `error` line; nil for
    /// `--help` and `--version`, which print their text, and for an exit whose reason was already written.
    public static func jsonLines(for error: any Error) -> [String]? {
        let status = exitCode(for: error).rawValue
        if error is ExitCode || status == 0 { return nil }
        func failure(_ code: String, _ message: String, _ fix: String? = nil, _ failures: [ResourceFailure]? = nil) -> String {
            JSONLines.line("error", JSONLines.Failure(
                code: code, message: message, fix: fix, exitCode: status, failures: failures?.map(JSONLines.ResourceFailureLine.init)))
        }
        switch error {
        case let error as SpecInvalidError:
            let errors = error.diagnostics.filter { $0.severity == .error }.count
            return error.diagnostics.ordered.map { JSONLines.line("diagnostic", $0) }
                + [failure("SpecInvalid", "\(errors) error\(errors == 1 ? "" : "s") in the spec; nothing was created")]
        case let error as CodedError:
            return [failure(error.code, error.message, error.remediation)]
        case let error as StateLockedError:
            return [failure("StateLocked", error.description, error.remediation)]
        case let error as StateFileError:
            return [failure("StateFile", error.description, error.remediation)]
        case let error as FileSystemError:
            return [failure("FileSystem", "cannot \(error.operation) \(error.path): \(error.reason)", error.fix)]
        case is CocoaError:
            return [failure("FileSystem", message(for: error).map { String($0.dropFirst("Error: ".count)) } ?? "\(error)")]
        case let error as RunIncompleteError:
            let text = message(for: error)?.split(separator: "\n").first.map(String.init) ?? "the run is incomplete"
            return [failure("RunIncomplete", text.replacingOccurrences(of: "Error: ", with: "").trimmingCharacters(in: [":"]), "run the same command again to continue", error.failures)]
        default:
            return [failure("Usage", DroverCommand.message(for: error), "see `drover help`")]
        }
    }
}

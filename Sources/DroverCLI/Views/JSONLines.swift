import DroverBlueprint
import DroverEngine
import Foundation

/// The `--json` output: one JSON object per line on standard output, each with a `type` (schema: `docs/json-output.md`).
enum JSONLines {
    /// The line for `body`'s fields plus `"type": type`; keys are sorted.
    static func line<Body: Encodable>(_ type: String, _ body: Body) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Typed(type: type, body: body)) else {
            return #"{"message":"a line could not be encoded","type":"note"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `body`'s fields and the `type` key in one object.
    private struct Typed<Body: Encodable>: Encodable {
        var type: String
        var body: Body
        private enum Key: String, CodingKey { case type }

        func encode(to encoder: any Encoder) throws {
            try body.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(type, forKey: .type)
        }
    }

    /// `note`: something the user should know that is neither an error nor a diagnostic.
    struct Note: Encodable { var message: String }

    /// `error`: why the command failed; `exitCode` is the process's exit status.
    struct Failure: Encodable {
        var code: String
        var message: String
        var fix: String?
        var exitCode: Int32
        var failures: [ResourceFailureLine]?
    }

    /// One failed resource inside an `error` line of an incomplete apply.
    struct ResourceFailureLine: Encodable {
        var address: String
        var operation: String
        var code: String?
        var message: String
        var fix: String?

        init(_ failure: ResourceFailure) {
            address = failure.address.description
            operation = failure.operation
            code = failure.code
            message = failure.message
            fix = failure.remediation
        }
    }

    /// `change`: one resource the plan would touch; values are never included, only the changed field paths.
    struct Change: Encodable {
        var address: String
        var action: String
        var reason: String?
        var changedPaths: [String]?
        var replacePaths: [String]?

        init(_ change: ResourceChange) {
            address = change.address.description
            action = change.action.rawValue
            reason = change.reason
            changedPaths = change.changedPaths.isEmpty ? nil : change.changedPaths
            replacePaths = change.replacePaths.isEmpty ? nil : change.replacePaths
        }
    }

    /// `validated`: the end of `drover validate`.
    struct Validated: Encodable {
        var valid: Bool
        var errors: Int
        var warnings: Int
    }

    /// `refreshed`: the end of `drover refresh`.
    struct Refreshed: Encodable { var drifted: Int }

    /// `resource`: one node of `drover graph`.
    struct Resource: Encodable {
        var address: String
        var dependsOn: [String]
    }

    /// `artifact`: one file `drover render` wrote.
    struct Artifact: Encodable {
        var path: String
        var delivery: String
        var sensitive: Bool
    }

    /// `rendered`: the end of `drover render`.
    struct Rendered: Encodable {
        var folder: String
        var files: Int
    }
}

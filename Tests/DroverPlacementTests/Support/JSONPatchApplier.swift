import Foundation

/// An independent RFC 6902 `add` applier over `JSONSerialization` values, to check the webhook's patches against
/// `place`'s output without reusing the code that made them.
enum JSONPatchApplier {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `document` with every operation of `patch` applied in order.
    static func apply(_ patch: [[String: Any]], to document: Any) throws -> Any {
        try patch.reduce(document) { document, operation in
            guard operation["op"] as? String == "add", let path = operation["path"] as? String, let value = operation["value"] else {
                throw Failure(description: "unsupported operation \(operation)")
            }
            let tokens = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
                .map { $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") }
            return try add(value, at: tokens[...], in: document)
        }
    }

    static func add(_ value: Any, at tokens: ArraySlice<String>, in node: Any) throws -> Any {
        guard let token = tokens.first else { return value }
        let last = tokens.count == 1
        if var object = node as? [String: Any] {
            if last { object[token] = value; return object }
            guard let child = object[token] else { throw Failure(description: "missing parent \(token)") }
            object[token] = try add(value, at: tokens.dropFirst(), in: child)
            return object
        }
        if var array = node as? [Any] {
            let index = token == "-" ? array.count : Int(token) ?? -1
            guard index >= 0, index <= array.count else { throw Failure(description: "bad index \(token)") }
            if last { array.insert(value, at: index); return array }
            array[index] = try add(value, at: tokens.dropFirst(), in: array[index])
            return array
        }
        throw Failure(description: "cannot add under a scalar at \(token)")
    }
}

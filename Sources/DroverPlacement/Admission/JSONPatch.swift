import Foundation
import Yams

/// RFC 6902 JSON Patch `add` operations for placement edits, as the webhook returns them base64-encoded in
/// `response.patch` with `patchType: JSONPatch` (kube-and-rancher-wire.md §B).
public enum JSONPatch {
    /// The operations carrying out `edits`, each path an RFC 6901 JSON Pointer (`~` → `~0`, `/` → `~1`).
    public static func operations(for edits: [PlacementEdit]) -> [[String: Any]] {
        edits.map { edit in
            let pointer = "/" + edit.path.map(escape).joined(separator: "/") + (edit.append ? "/-" : "")
            return ["op": "add", "path": pointer, "value": edit.value.json]
        }
    }

    /// The operations as JSON bytes.
    public static func encoded(_ edits: [PlacementEdit]) throws -> Data {
        try JSONSerialization.data(withJSONObject: operations(for: edits), options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// A JSON Pointer reference token (RFC 6901 §3).
    static func escape(_ token: String) -> String {
        token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}

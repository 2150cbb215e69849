/// RFC 6902 JSON Patch `add` operations for placement edits, as the webhook returns them base64-encoded in
/// `response.patch` with `patchType: JSONPatch` (kube-and-rancher-wire.md §B).
public enum JSONPatch {
    /// The operations as JSON bytes.
    public static func encoded(_ edits: [PlacementEdit]) -> [UInt8] {
        JSONText.array(edits.map { .object([("op", .string("add")), ("path", .string(pointer(to: $0))), ("value", $0.value.jsonText)]) }).bytes
    }

    /// The JSON Pointer of the field (or, appending, the end of the list) an edit adds.
    static func pointer(to edit: PlacementEdit) -> String {
        "/" + edit.path.map(escape).joined(separator: "/") + (edit.append ? "/-" : "")
    }

    /// A JSON Pointer reference token (RFC 6901 §3).
    static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var escaped = ""
        for character in token.unicodeScalars {
            switch character {
            case "~": escaped += "~0"
            case "/": escaped += "~1"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}

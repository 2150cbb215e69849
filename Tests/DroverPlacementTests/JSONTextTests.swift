@testable import DroverPlacement
import Foundation
import Testing

/// The webhook's JSON writer prints what `JSONSerialization` printed before it (sorted keys, slashes unescaped).
@Suite struct JSONTextTests {
    @Test(arguments: ["plain", "quote \" and backslash \\", "path /a/b~c", "line\nbreak\ttab\r\u{8}\u{c}", "control \u{1}\u{1f}", "ünïcødé ✓ 🪟", ""])
    func stringsMatchJSONSerialization(_ text: String) throws {
        let value = JSONText.object([("b", .string(text)), ("a", .array([.integer(-413), .boolean(true), .boolean(false)]))])
        let expected = try JSONSerialization.data(withJSONObject: ["b": text, "a": [-413, true, false] as [Any]], options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(String(decoding: value.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    @Test(arguments: [("a~b/c", "a~0b~1c"), ("kubernetes.io/os", "kubernetes.io~1os"), ("plain", "plain"), ("~/", "~0~1")])
    func pointerTokensAreEscaped(_ token: String, _ escaped: String) {
        #expect(JSONPatch.escape(token) == escaped)
    }
}

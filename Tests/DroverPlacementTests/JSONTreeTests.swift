@testable import DroverPlacement
import Foundation
import Testing
import Yams

/// The webhook's JSON reader accepts and refuses what `JSONSerialization` does, and reads strings the same.
@Suite struct JSONTreeTests {
    @Test(arguments: [
        #"{"a":"x","b":[1,-2.5e3,true,false,null],"c":{}}"#, #" [ ] "#, #"{"s":"q\" b\\ s\/ \b\f\n\r\t \u00e9 \ud83e\ude9f"}"#, #""plain""#,
        "{\"u\":\"ünï ✓\"}", #"{"k":1,"k":2}"#,
        "", "{", #"{"a":}"#, #"{"a":1,}"#, "[1,]", "01", "1.", "-", "1e", "tru", #""\x""#, #""\ud83e""#, "\"a\u{1}\"", #"{"a" 1}"#, "[1] 2", "not json", #"{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"ka":10,"kb":11,"kc":12,"kd":13,"ke":14,"kf":15,"kg":16,"k1":"again","kh":"é"}"#, "{,}", "[,]", "[1,,]", #"{"a":1,,}"#,
    ])
    func agreesWithJSONSerialization(_ text: String) {
        let foundation = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
        let tree = try? JSONTree.parse(Array(text.utf8))
        #expect((foundation == nil) == (tree == nil), "\(text)")
        if let foundation, let tree { #expect(Self.strings(foundation) == Self.strings(tree), "\(text)") }
    }

    @Test func aRepeatedKeyKeepsItsLastValue() throws {
        let tree = try JSONTree.parse(Array(#"{"k":"first","o":"x","k":"last"}"#.utf8))
        #expect(tree.mapping?.count == 2)
        #expect(tree.value("k")?.text == "last")
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: JSONTree.Malformed.self) { try JSONTree.parse([0x22, 0xFF, 0x22]) }
    }

    /// Every string in a `JSONSerialization` value, keys included, sorted.
    static func strings(_ value: Any) -> [String] {
        switch value {
        case let object as [String: Any]: object.flatMap { [$0.key] + strings($0.value) }.sorted()
        case let array as [Any]: array.flatMap(strings).sorted()
        case let string as String: [string]
        default: []
        }
    }

    /// Every double-quoted scalar in a tree, sorted.
    static func strings(_ node: Node) -> [String] {
        switch node {
        case let .mapping(mapping): mapping.flatMap { strings($0.key) + strings($0.value) }.sorted()
        case let .sequence(sequence): sequence.flatMap(strings).sorted()
        case let .scalar(scalar): scalar.style == .doubleQuoted ? [scalar.string] : []
        default: []
        }
    }
}

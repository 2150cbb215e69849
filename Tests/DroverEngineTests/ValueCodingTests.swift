import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// State files round-trip every kind of value, whatever order decoding tries them in.
@Suite struct ValueCodingTests {
    @Test(arguments: [
        Value.null, .bool(true), .bool(false), .number(0), .number(1), .number(-2.5), .string(""), .string("true"), .string("1"),
        .array([]), .array([.bool(true), .number(1), .string("x"), .null]), .object([:]),
        .object(["a": .object(["b": .array([.object(["c": .bool(false)])])]), "n": .number(4096)]),
    ])
    func jsonRoundTripKeepsEveryKind(_ value: Value) throws {
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(Value.self, from: data) == value)
    }
}

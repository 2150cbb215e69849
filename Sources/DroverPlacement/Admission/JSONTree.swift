import Yams

/// Reads JSON (RFC 8259) straight into the tree placement reads, so the webhook and `place` share one analysis.
///
/// Strings become double-quoted scalars; numbers, booleans and null plain scalars of their JSON text (numbers as
/// written: kube-apiserver sends the fields placement reads as strings). Decoding through `JSONSerialization` and
/// converting its `Any` values cost more than placing the workload. A key given twice keeps its last value, in its
/// first place, as a dictionary would; a comma before a closing bracket is allowed, as Foundation's reader allows it.
struct JSONTree {
    /// Why a body is not JSON.
    struct Malformed: Error {}

    private let bytes: [UInt8]
    private var index = 0
    // One tag for the whole tree, which is only read: each Yams `Tag` built anew constructs its constructor tables.
    private let tag = Tag(.implicit, .basic)

    /// The tree of `bytes`, a single JSON value in UTF-8 with optional surrounding whitespace.
    static func parse(_ bytes: [UInt8]) throws -> Node {
        var reader = JSONTree(bytes: bytes)
        let node = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw Malformed() }
        return node
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Deeper nesting is refused rather than risking the stack (Foundation's reader stops at 512 too).
    private static let maximumDepth = 512

    private mutating func value(depth: Int) throws -> Node {
        guard depth < Self.maximumDepth else { throw Malformed() }
        skipWhitespace()
        guard index < bytes.count else { throw Malformed() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return Node(try string(), tag, .doubleQuoted)
        case UInt8(ascii: "t"): return try literal("true")
        case UInt8(ascii: "f"): return try literal("false")
        case UInt8(ascii: "n"): return try literal("null")
        default: return Node(try number(), tag)
        }
    }

    private mutating func object(depth: Int) throws -> Node {
        index += 1
        var pairs: [(Node, Node)] = []
        var keys: [String] = []
        // Repeated keys are looked for by scanning while objects are small, by hashing once they are not.
        var positions: [String: Int]?
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return Node(pairs, tag) }
        repeat {
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { break }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Malformed() }
            let key = try string()
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw Malformed() }
            let value = try value(depth: depth + 1)
            if keys.count == 16 { positions = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }) }
            if let position = positions.map({ $0[key] }) ?? keys.firstIndex(of: key) {
                pairs[position].1 = value
            } else {
                positions?[key] = pairs.count
                keys.append(key)
                pairs.append((Node(key, tag, .doubleQuoted), value))
            }
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "}")) else { throw Malformed() }
        return Node(pairs, tag)
    }

    private mutating func array(depth: Int) throws -> Node {
        index += 1
        var items: [Node] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return Node(items, tag) }
        repeat {
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { break }
            items.append(try value(depth: depth + 1))
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        guard consume(UInt8(ascii: "]")) else { throw Malformed() }
        return Node(items, tag)
    }

    /// A string literal at `index`, escapes decoded; the bytes must be valid UTF-8.
    private mutating func string() throws -> String {
        index += 1
        var decoded: [UInt8] = []
        var start = index
        var plainASCII = true
        while true {
            guard index < bytes.count else { throw Malformed() }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20 else { throw Malformed() }
            guard byte == UInt8(ascii: "\\") else {
                if byte >= 0x80 { plainASCII = false }
                index += 1
                continue
            }
            plainASCII = false
            decoded += bytes[start..<index]
            index += 1
            guard index < bytes.count else { throw Malformed() }
            switch bytes[index] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(bytes[index])
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"): decoded += String(try escapedScalar()).utf8
            default: throw Malformed()
            }
            index += 1
            start = index
        }
        defer { index += 1 }
        // ASCII without escapes (most of a Kubernetes object) needs no copy and no UTF-8 validation.
        if plainASCII { return String(decoding: bytes[start..<index], as: UTF8.self) }
        decoded += bytes[start..<index]
        guard let text = String(validating: decoded, as: UTF8.self) else { throw Malformed() }
        return text
    }

    /// The scalar of `\uXXXX` (or a `\uD8xx\uDCxx` surrogate pair) whose `u` is at `index`; leaves `index` on its last digit.
    private mutating func escapedScalar() throws -> Unicode.Scalar {
        let high = try hexQuad()
        guard (0xD800..<0xDC00).contains(high) else {
            guard let scalar = Unicode.Scalar(high) else { throw Malformed() }
            return scalar
        }
        guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\"), bytes[index + 2] == UInt8(ascii: "u") else { throw Malformed() }
        index += 2
        let low = try hexQuad()
        guard (0xDC00..<0xE000).contains(low), let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else { throw Malformed() }
        return scalar
    }

    /// The four hex digits after the `u` at `index`; leaves `index` on the last.
    private mutating func hexQuad() throws -> UInt32 {
        guard index + 4 < bytes.count else { throw Malformed() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            index += 1
            guard let digit = Character(Unicode.Scalar(bytes[index])).hexDigitValue else { throw Malformed() }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// A number's text, checked against RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number() throws -> String {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        guard index < bytes.count else { throw Malformed() }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { guard digits() > 0 else { throw Malformed() } }
        if consume(UInt8(ascii: ".")) { guard digits() > 0 else { throw Malformed() } }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            _ = consume(UInt8(ascii: "+")) || consume(UInt8(ascii: "-"))
            guard digits() > 0 else { throw Malformed() }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Skips ASCII digits, returning how many.
    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }

    private mutating func literal(_ word: StaticString) throws -> Node {
        let text = word.withUTF8Buffer { Array($0) }
        guard bytes[index...].starts(with: text) else { throw Malformed() }
        index += text.count
        return Node(String(decoding: text, as: UTF8.self), tag)
    }

    /// Steps over `byte` when it is next.
    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }
}

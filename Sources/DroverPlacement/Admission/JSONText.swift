/// The few JSON values the webhook writes (strings, integers, booleans, arrays, objects), rendered straight to UTF-8
/// bytes: `JSONSerialization` spent over half of each review bridging `[String: Any]` to Foundation and back.
///
/// The text is what `JSONSerialization` printed with `.sortedKeys` and `.withoutEscapingSlashes` (RFC 8259 §7:
/// `"`, `\` and control characters escaped, everything else as UTF-8), so answers are byte for byte unchanged.
indirect enum JSONText {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case array([JSONText])
    case object([(String, JSONText)])

    /// The value as UTF-8 JSON, object keys sorted.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case let .string(text): Self.write(text, into: &out)
        case let .integer(number): out += String(number).utf8
        case let .boolean(flag): out += (flag ? "true" : "false").utf8
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(fields):
            out.append(UInt8(ascii: "{"))
            for (index, field) in fields.sorted(by: { $0.0 < $1.0 }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.write(field.0, into: &out)
                out.append(UInt8(ascii: ":"))
                field.1.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string literal of `text`.
    static func write(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case 0x08: out += #"\b"#.utf8
            case 0x0C: out += #"\f"#.utf8
            case UInt8(ascii: "\n"): out += #"\n"#.utf8
            case UInt8(ascii: "\r"): out += #"\r"#.utf8
            case UInt8(ascii: "\t"): out += #"\t"#.utf8
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += #"\u00"#.utf8
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

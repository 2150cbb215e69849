import Foundation

/// A JSON-shaped value used for resource inputs, outputs and state, with references and unknowns for planning.
///
/// `reference` and `unknown` exist only in desired configuration and plans; state never stores them.
public indirect enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([Value])
    case object([String: Value])
    /// A reference to an output of another resource, resolved during apply.
    case reference(OutputReference)
    /// A value that will only be known after apply.
    case unknown

    /// Whether this value contains a reference or an unknown anywhere inside it.
    public var isFullyKnown: Bool {
        switch self {
        case .reference, .unknown: return false
        case .array(let items): return items.allSatisfy(\.isFullyKnown)
        case .object(let fields): return fields.values.allSatisfy(\.isFullyKnown)
        default: return true
        }
    }

    /// Every output reference inside this value.
    public var references: [OutputReference] {
        switch self {
        case .reference(let ref): return [ref]
        case .array(let items): return items.flatMap(\.references)
        case .object(let fields): return fields.keys.sorted().flatMap { fields[$0]!.references }
        default: return []
        }
    }

    /// Whether any output reference inside this value satisfies `predicate`; walks without building arrays.
    public func containsReference(where predicate: (OutputReference) -> Bool) -> Bool {
        switch self {
        case .reference(let ref): return predicate(ref)
        case .array(let items): return items.contains { $0.containsReference(where: predicate) }
        case .object(let fields): return fields.values.contains { $0.containsReference(where: predicate) }
        default: return false
        }
    }

    /// The member at `key` when this is an object.
    public subscript(key: String) -> Value? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// The value found by following `path` through objects and arrays (array steps are decimal indexes).
    public func value(at path: [String]) -> Value? {
        var current = self
        for step in path {
            switch current {
            case .object(let fields):
                guard let next = fields[step] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(step), items.indices.contains(index) else { return nil }
                current = items[index]
            case .unknown:
                return .unknown
            default:
                return nil
            }
        }
        return current
    }

    /// Replaces every reference using `resolve`; a nil answer leaves the value unknown.
    public func resolvingReferences(_ resolve: (OutputReference) -> Value?) -> Value {
        switch self {
        case .reference(let ref): return resolve(ref) ?? .unknown
        case .array(let items): return .array(items.map { $0.resolvingReferences(resolve) })
        case .object(let fields): return .object(fields.mapValues { $0.resolvingReferences(resolve) })
        default: return self
        }
    }

    /// The string payload, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

/// A pointer to an output of another resource: its address and a path inside its outputs.
public struct OutputReference: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The resource whose outputs are read.
    public var address: ResourceAddress
    /// The path inside that resource's outputs, such as `["id"]`.
    public var path: [String]

    /// Creates a reference to `path` inside the outputs of `address`.
    public init(_ address: ResourceAddress, _ path: String...) {
        self.address = address
        self.path = path
    }

    /// Creates a reference from an explicit path array.
    public init(address: ResourceAddress, path: [String]) {
        self.address = address
        self.path = path
    }

    public var description: String { "\(address).\(path.joined(separator: "."))" }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension Value: Codable {
    /// The keys that mark a reference or an unknown in a plan written as JSON; objects holding only such a key are
    /// read back as the marker, so keys starting with `$` are reserved.
    private enum MarkerKey: String { case ref = "$ref", unknown = "$unknown" }

    private static func marker(in object: [String: Value]) -> Value? {
        guard object.count == 1, let (key, value) = object.first, let marker = MarkerKey(rawValue: key) else { return nil }
        switch marker {
        case .unknown:
            return value == .bool(true) ? .unknown : nil
        case .ref:
            guard let text = value["address"]?.stringValue, let address = ResourceAddress(parsing: text),
                case .array(let steps)? = value["path"]
            else { return nil }
            let path = steps.compactMap(\.stringValue)
            return path.count == steps.count ? .reference(OutputReference(address: address, path: path)) : nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Most common first (strings, then objects): every failed attempt builds a DecodingError, which dominates
        // the time to load a large state file.
        if container.decodeNil() {
            self = .null
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let o = try? container.decode([String: Value].self) {
            self = Value.marker(in: o) ?? .object(o)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else {
            self = .array(try container.decode([Value].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { try container.encode(Int64(n)) } else { try container.encode(n) }
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        case .reference(let ref):
            try container.encode([MarkerKey.ref.rawValue: Value.object(["address": .string(ref.address.description), "path": .array(ref.path.map(Value.string))])])
        case .unknown: try container.encode([MarkerKey.unknown.rawValue: true])
        }
    }
}

extension Value {
    /// Encodes any `Encodable` into a `Value`.
    public static func encode<T: Encodable>(_ value: T) throws -> Value {
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode(Value.self, from: data)
    }

    /// Decodes this value into a `Decodable` type.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try ValueDecoder().decode(T.self, from: self)
    }

    /// A compact, stable, human-readable rendering (sorted keys, integers without a fraction).
    public var rendered: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { return String(Int64(n)) }
            return String(n)
        case .string(let s): return Value.quote(s)
        case .array(let items): return "[" + items.map(\.rendered).joined(separator: ", ") + "]"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { "\($0) = \(fields[$0]!.rendered)" }.joined(separator: ", ") + "}"
        case .reference(let ref): return "${\(ref)}"
        case .unknown: return "(known after apply)"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }
}

/// Decodes a `Decodable` type straight from a `Value`, without a JSON round trip.
///
/// Written by hand because Foundation's decoders read only bytes. In `lenient` mode an unknown or a reference
/// stands for any value of the type asked for, so the planner can check a resource's inputs against its handler's
/// `Inputs` type before apply knows every value: a missing field or a wrong type is still an error naming its path.
struct ValueDecoder {
    /// Whether unknowns and references decode as placeholders instead of failing.
    var lenient = false

    func decode<T: Decodable>(_ type: T.Type, from value: Value) throws -> T {
        try ValueDecoding(value: value, codingPath: [], lenient: lenient).decodeValue(T.self)
    }
}

private struct ValueDecoding: Decoder {
    let value: Value
    let codingPath: [any CodingKey]
    let lenient: Bool
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Whether this value is a stand-in for a value known only after apply.
    var isPlaceholder: Bool {
        switch value {
        case .unknown, .reference: return lenient
        default: return false
        }
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Value.self { return value as! T }
        return try T(from: self)
    }

    func mismatch(_ expected: Any.Type) -> DecodingError {
        DecodingError.typeMismatch(
            expected, .init(codingPath: codingPath, debugDescription: "found \(value.kindName)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if isPlaceholder { return KeyedDecodingContainer(KeyedValueContainer<Key>(fields: nil, decoder: self)) }
        guard case .object(let fields) = value else { throw mismatch([String: Value].self) }
        return KeyedDecodingContainer(KeyedValueContainer<Key>(fields: fields, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        if isPlaceholder { return UnkeyedValueContainer(items: [], decoder: self) }
        guard case .array(let items) = value else { throw mismatch([Value].self) }
        return UnkeyedValueContainer(items: items, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }

    func child(_ value: Value, _ key: any CodingKey) -> ValueDecoding {
        ValueDecoding(value: value, codingPath: codingPath + [key], lenient: lenient)
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

private struct KeyedValueContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// nil when the whole object is a placeholder: every key is then present, as a placeholder.
    let fields: [String: Value]?
    let decoder: ValueDecoding
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { (fields?.keys.sorted() ?? []).compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { fields == nil || fields?[key.stringValue] != nil }

    func field(_ key: Key) throws -> ValueDecoding {
        guard let fields else { return decoder.child(.unknown, key) }
        guard let value = fields[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return decoder.child(value, key)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let fields else { return false }
        return fields[key.stringValue].map { $0 == .null } ?? true
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try field(key).decodeValue(T.self) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        if let fields, fields[key.stringValue] == nil || fields[key.stringValue] == .null { return nil }
        return try field(key).decodeValue(T.self)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    { try field(key).container(keyedBy: type) }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try field(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { try field(key) }
}

private struct UnkeyedValueContainer: UnkeyedDecodingContainer {
    let items: [Value]
    let decoder: ValueDecoding
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func next() throws -> ValueDecoding {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Value.self, .init(codingPath: codingPath + [IndexKey(intValue: currentIndex)], debugDescription: "no more items"))
        }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], IndexKey(intValue: currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    { try next().container(keyedBy: type) }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoding
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        if decoder.isPlaceholder { return false }
        guard case .bool(let b) = decoder.value else { throw decoder.mismatch(type) }
        return b
    }

    func decode(_ type: String.Type) throws -> String {
        if decoder.isPlaceholder { return "" }
        guard case .string(let s) = decoder.value else { throw decoder.mismatch(type) }
        return s
    }

    func decode(_ type: Double.Type) throws -> Double {
        if decoder.isPlaceholder { return 0 }
        guard case .number(let n) = decoder.value else { throw decoder.mismatch(type) }
        return n
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        if decoder.isPlaceholder { return 0 }
        guard case .number(let n) = decoder.value else { throw decoder.mismatch(type) }
        guard n.rounded() == n, let exact = I(exactly: n) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(n) is not a whole \(type)"))
        }
        return exact
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }
}

extension Value {
    /// A short name of this value's kind, for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        case .reference: return "a reference"
        case .unknown: return "a value known only after apply"
        }
    }
}

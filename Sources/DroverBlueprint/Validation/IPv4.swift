/// An IPv4 address and CIDR arithmetic; written by hand since Foundation has none on Linux and it is a few lines.
public struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The address as a 32-bit number.
    public var value: UInt32

    /// Creates an address from its numeric value.
    public init(_ value: UInt32) { self.value = value }

    /// Parses dotted-quad notation; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                let octet = UInt32(part), octet <= 255, !(part.count > 1 && part.first == "0")
            else { return nil }
            value = value << 8 | octet
        }
        self.value = value
    }

    public var description: String {
        [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xff) }.joined(separator: ".")
    }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }
}

/// An IPv4 network in CIDR notation, such as `10.0.1.0/24`.
public struct IPv4Network: Sendable, Hashable, CustomStringConvertible {
    /// The first address.
    public var base: IPv4Address
    /// The prefix length, 0–32.
    public var prefix: Int

    /// Why a CIDR string is not valid.
    public enum ParseError: Error, Equatable {
        case syntax
        case hostBitsSet(suggestion: String)
    }

    /// Parses `a.b.c.d/n`; the address must be the network's first one.
    public static func parse(_ text: String) -> Result<IPv4Network, ParseError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(String(parts[0])), parts[1].allSatisfy(\.isASCII),
            let prefix = Int(parts[1]), (0...32).contains(prefix), parts[1].count <= 2
        else { return .failure(.syntax) }
        let network = IPv4Network(base: IPv4Address(address.value & mask(prefix)), prefix: prefix)
        guard network.base == address else { return .failure(.hostBitsSet(suggestion: network.description)) }
        return .success(network)
    }

    private static func mask(_ prefix: Int) -> UInt32 { prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix) }

    /// The number of addresses.
    public var size: UInt64 { UInt64(1) << UInt64(32 - prefix) }

    /// The last address (broadcast).
    public var last: IPv4Address { IPv4Address(base.value | ~IPv4Network.mask(prefix)) }

    /// Whether `address` is inside.
    public func contains(_ address: IPv4Address) -> Bool { address.value & IPv4Network.mask(prefix) == base.value }

    /// Whether `other` lies entirely inside.
    public func contains(_ other: IPv4Network) -> Bool { other.prefix >= prefix && contains(other.base) }

    /// Addresses Azure lets a NIC use: all but the first four (network, gateway, two DNS) and the last (broadcast).
    public var azureAssignable: ClosedRange<UInt32>? {
        guard size >= 8 else { return nil }
        return (base.value + 4)...(last.value - 1)
    }

    public var description: String { "\(base)/\(prefix)" }
}

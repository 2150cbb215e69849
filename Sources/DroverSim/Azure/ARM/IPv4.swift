/// IPv4 addresses and CIDR prefixes, for subnet membership and private address allocation.
struct IPv4Prefix: Sendable, Equatable {
    let network: UInt32
    let length: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = IPv4Prefix.parse(String(parts[0])), let length = Int(parts[1]),
              (0...32).contains(length) else { return nil }
        self.length = length
        network = address & IPv4Prefix.mask(length)
    }

    static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }

    static func parse(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 <= 255 }) else { return nil }
        return octets.reduce(0) { $0 << 8 | $1 }
    }

    static func format(_ value: UInt32) -> String {
        [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
    }

    var broadcast: UInt32 { network | ~IPv4Prefix.mask(length) }

    func contains(_ address: UInt32) -> Bool { address & IPv4Prefix.mask(length) == network }

    func contains(_ other: IPv4Prefix) -> Bool { other.length >= length && contains(other.network) }

    /// Azure keeps .0–.3 and the last address of every subnet (azure-api.md §5.2, §10).
    func isAssignable(_ address: UInt32) -> Bool {
        contains(address) && address >= network + 4 && address < broadcast
    }
}

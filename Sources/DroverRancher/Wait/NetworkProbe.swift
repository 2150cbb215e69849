import DroverEngine
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The name lookup and TCP connect the server wait checks before TLS; replaced by a scripted one in tests.
public protocol NetworkProbe: Sendable {
    /// The addresses `host` resolves to.
    func resolve(_ host: String) async throws -> [String]
    /// Opens and closes a TCP connection to `address:port` within `timeout` seconds.
    func connect(_ address: String, port: Int, timeout: Double) async throws
}

/// The operating system's resolver and sockets.
public struct SystemNetworkProbe: NetworkProbe {
    /// Creates the probe.
    public init() {}

    public func resolve(_ host: String) async throws -> [String] {
        try await Task.detached { try Self.addresses(host, port: nil).map(\.text) }.value
    }

    public func connect(_ address: String, port: Int, timeout: Double) async throws {
        try await Task.detached { try Self.connectNow(address, port: port, timeout: timeout) }.value
    }

    struct Resolved { var text: String; var family: Int32; var address: [UInt8]; var length: socklen_t }

    static func addresses(_ host: String, port: Int?) throws -> [Resolved] {
        var hints = addrinfo()
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, port.map(String.init), &hints, &list)
        guard status == 0, let first = list else {
            throw CodedError(code: "DNSFailed", message: "\(host) does not resolve: \(String(cString: gai_strerror(status)))", retryable: true)
        }
        defer { freeaddrinfo(list) }
        var found: [Resolved] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let address = entry.pointee.ai_addr,
                getnameinfo(address, entry.pointee.ai_addrlen, &name, socklen_t(name.count), nil, 0, NI_NUMERICHOST) == 0
            {
                let bytes = [UInt8](UnsafeRawBufferPointer(start: address, count: Int(entry.pointee.ai_addrlen)))
                let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                found.append(Resolved(text: text, family: entry.pointee.ai_family, address: bytes, length: entry.pointee.ai_addrlen))
            }
            cursor = entry.pointee.ai_next
        }
        return found
    }

    static func connectNow(_ host: String, port: Int, timeout: Double) throws {
        guard let target = try addresses(host, port: port).first else {
            throw CodedError(code: "DNSFailed", message: "\(host) has no address", retryable: true)
        }
        #if canImport(Glibc)
            let fd = socket(target.family, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(target.family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw failure(host, port, errno) }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let started = target.address.withUnsafeBytes { raw in
            #if canImport(Glibc)
                Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), target.length)
            #else
                Darwin.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), target.length)
            #endif
        }
        if started == 0 { return }
        guard errno == EINPROGRESS else { throw failure(host, port, errno) }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&poller, 1, Int32(max(1, timeout * 1000)))
        guard ready > 0 else {
            throw CodedError(code: "ConnectTimeout", message: "no TCP answer from \(host):\(port) within \(Int(timeout))s", retryable: true)
        }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
        if code != 0 { throw failure(host, port, code) }
    }

    static func failure(_ host: String, _ port: Int, _ code: Int32) -> CodedError {
        CodedError(code: "ConnectFailed", message: "TCP connect to \(host):\(port) failed: \(String(cString: strerror(code)))", retryable: true)
    }
}

import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// A request as the test server received it.
public struct RecordedRequest: Sendable {
    /// The method, such as `PUT`.
    public var method: String
    /// The path and query, such as `/subscriptions/s/resourcegroups/rg?api-version=2021-04-01`.
    public var uri: String
    /// Header fields in order.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: Data
    /// The TLS server name the client sent (SNI), if any.
    public var serverName: String?

    /// The path without the query.
    public var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }
    /// The value of query parameter `name`.
    public func query(_ name: String) -> String? {
        URLComponents(string: "http://x\(uri)")?.queryItems?.first { $0.name == name }?.value
    }
    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    /// The body parsed as a JSON object.
    public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
}

/// What the test server answers.
public enum ScriptedResponse: Sendable {
    /// A status, headers and a body.
    case reply(status: Int, headers: [(String, String)], body: Data)
    /// Closes the connection without answering.
    case drop
    /// Never answers (for timeout tests).
    case hang
    /// A chunked reply whose body parts are flushed one by one (a watch stream), then ended.
    case chunks(status: Int, headers: [(String, String)], parts: [Data])

    /// A JSON reply.
    public static func json(_ status: Int, _ object: Any, headers: [(String, String)] = []) -> ScriptedResponse {
        .reply(
            status: status, headers: headers + [("Content-Type", "application/json")],
            body: (try? JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed])) ?? Data())
    }

    /// An empty reply.
    public static func empty(_ status: Int, headers: [(String, String)] = []) -> ScriptedResponse {
        .reply(status: status, headers: headers, body: Data())
    }
}

/// An HTTPS server on 127.0.0.1 at a free port that answers through a closure and records every request.
///
/// With `silent: true` it accepts TCP connections and never speaks (for connect/handshake timeout tests).
public final class TestHTTPSServer: Sendable {
    /// The port it listens on.
    public let port: Int
    private let channel: any Channel
    private let log: NIOLockedValueBox<[RecordedRequest]>

    /// Starts a server presenting a certificate for `hostnames` issued by `ca`; with `clientCA`, the TLS handshake
    /// demands a client certificate issued by it.
    public static func start(
        ca: TestCertificateAuthority, hostnames: [String] = ["localhost"], silent: Bool = false,
        clientCA: TestCertificateAuthority? = nil,
        respond: @escaping @Sendable (RecordedRequest) -> ScriptedResponse
    ) async throws -> TestHTTPSServer {
        let issued = try ca.issue(hostnames: hostnames)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(issued.certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(issued.keyPEM.utf8), format: .pem)))
        tls.applicationProtocols = ["http/1.1"]
        if let clientCA {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(clientCA.certificatePEM.utf8)))
        }
        let context = try NIOSSLContext(configuration: tls)
        let log = NIOLockedValueBox<[RecordedRequest]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                if silent { return channel.eventLoop.makeSucceededVoidFuture() }
                return channel.pipeline.addHandler(
                    ByteToMessageHandler(
                        SNIHandler { result in
                            var serverName: String?
                            if case .hostname(let name) = result { serverName = name }
                            return channel.eventLoop.makeCompletedFuture {
                                let sync = channel.pipeline.syncOperations
                                try sync.addHandler(NIOSSLServerHandler(context: context))
                                try sync.configureHTTPServerPipeline()
                                try sync.addHandler(RequestHandler(serverName: serverName, log: log, respond: respond))
                            }
                        }))
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestHTTPSServer(channel: channel, log: log)
    }

    private init(channel: any Channel, log: NIOLockedValueBox<[RecordedRequest]>) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.log = log
    }

    /// Every request received so far, in order.
    public var requests: [RecordedRequest] { log.withLockedValue { $0 } }

    /// Stops listening.
    public func stop() async throws { try await channel.close() }
}

private final class RequestHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let serverName: String?
    let log: NIOLockedValueBox<[RecordedRequest]>
    let respond: @Sendable (RecordedRequest) -> ScriptedResponse
    var head: HTTPRequestHead?
    var body = Data()

    init(serverName: String?, log: NIOLockedValueBox<[RecordedRequest]>, respond: @escaping @Sendable (RecordedRequest) -> ScriptedResponse) {
        self.serverName = serverName
        self.log = log
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = Data()
        case .body(var buffer):
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            guard let head else { return }
            let request = RecordedRequest(
                method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body,
                serverName: serverName)
            log.withLockedValue { $0.append(request) }
            switch respond(request) {
            case .hang: return
            case .drop: context.close(promise: nil)
            case .reply(let status, let headers, let body):
                var fields = HTTPHeaders(headers)
                fields.replaceOrAdd(name: "Content-Length", value: "\(body.count)")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: fields))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .chunks(let status, let headers, let parts):
                var fields = HTTPHeaders(headers)
                fields.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: fields))), promise: nil)
                for part in parts { context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: part)))), promise: nil) }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}

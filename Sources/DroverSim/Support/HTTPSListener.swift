import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// The request context of a simulator listener: it keeps the channel so a fault can drop the connection.
struct SimRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// One TLS listener on 127.0.0.1 (port 0 unless given) that hands every request to a handler.
public final class HTTPSListener: Sendable {
    /// The bound port.
    public let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// Starts the listener; returns once it accepts connections.
    public static func start(
        name: String, port: Int = 0, certificatePEM: String, keyPEM: String,
        maximumBodyBytes: Int = 8 << 20,
        handler: @escaping @Sendable (SimRequest) async -> SimResponse
    ) async throws -> HTTPSListener {
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)))
        let responder = CallbackResponder<SimRequestContext> { request, context in
            let body = try await request.body.collect(upTo: maximumBodyBytes)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let path = request.uri.path.removingPercentEncoding ?? request.uri.path
            let simRequest = SimRequest(method: request.method.rawValue, path: path,
                                        query: SimRequest.parseQuery(request.uri.query), headers: headers,
                                        body: Data(buffer: body))
            let answer = await handler(simRequest)
            if answer.dropConnection {
                try? await context.channel.close()
                throw HTTPError(.internalServerError)
            }
            var fields = HTTPFields()
            for (key, value) in answer.headers {
                if let fieldName = HTTPField.Name(key) { fields[fieldName] = value }
            }
            if let chunks = answer.stream {
                let first = answer.body
                return Response(status: .init(code: answer.status), headers: fields, body: ResponseBody { writer in
                    if !first.isEmpty { try await writer.write(ByteBuffer(bytes: first)) }
                    for await chunk in chunks { try await writer.write(ByteBuffer(bytes: chunk)) }
                    try await writer.finish(nil)
                })
            }
            return Response(status: .init(code: answer.status), headers: fields,
                            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        var logger = Logger(label: "drover.sim.\(name)")
        logger.logLevel = .critical
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: responder,
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var iterator = stream.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            throw SimulatorError.notStarted(reason: "listener \(name) did not bind")
        }
        return HTTPSListener(port: bound, task: task)
    }

    /// Stops accepting and closes the listener.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}

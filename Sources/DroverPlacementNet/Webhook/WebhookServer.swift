import DroverPlacement
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// The admission webhook over HTTPS: `POST /mutate` answers AdmissionReviews through an `AdmissionReviewer`,
/// `GET /healthz` answers readiness probes.
public struct WebhookServer: Sendable {
    /// Answers reviews.
    public var reviewer: AdmissionReviewer
    /// The serving certificate and key.
    public var identity: ServingIdentity
    /// The address to bind (`0.0.0.0` in a cluster, `127.0.0.1` in tests).
    public var host: String
    /// The port to bind; 0 picks a free one, reported to `onStarted`.
    public var port: Int

    /// Creates a server.
    public init(reviewer: AdmissionReviewer, identity: ServingIdentity, host: String = "0.0.0.0", port: Int = 8443) {
        self.reviewer = reviewer
        self.identity = identity
        self.host = host
        self.port = port
    }

    /// Serves until the task is cancelled (or, with `handlesSignals`, SIGTERM/SIGINT arrives, as the kubelet sends
    /// on pod deletion), then drains gracefully; `onStarted` receives the bound port.
    public func run(handlesSignals: Bool = false, logger: Logger = Logger(label: "drover.webhook"),
                    onStarted: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        let reviewer = self.reviewer
        router.post("/mutate") { request, _ -> Response in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: reviewer.maxBodyBytes)
            } catch {
                return Self.json(reviewer.tooLarge())
            }
            return Self.json(reviewer.review(Data(buffer: body)))
        }
        router.get("/healthz") { _, _ in "ok" }
        let app = Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: identity.serverConfiguration()),
            configuration: .init(address: .hostname(host, port: port), serverName: "drover-placement"),
            onServerRunning: { channel in await onStarted(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService(gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [])
    }

    /// A 200 response with a JSON body.
    static func json(_ data: Data) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

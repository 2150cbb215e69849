import AsyncHTTPClient
import DroverEngine
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The one HTTPS transport of Drover (Azure, Graph, Rancher, Kubernetes): verified TLS with an optional extra CA,
/// host overrides, timeouts, retries through an injected sleeper, REST failures as `CodedError`, redacted logging.
public final class HTTPTransport: Sendable {
    /// Sleeps for the given seconds; handlers pass `context.sleep(seconds:)` so retries wait on the engine's clock.
    public typealias Sleeper = @Sendable (Double) async throws -> Void

    /// The configuration in use.
    public let configuration: TransportConfiguration
    let client: HTTPClient
    private let overrides: [String: HostOverride]

    /// Creates a transport and its connection pool; call ``shutdown()`` when done.
    /// - Throws: `CodedError` `InvalidCAFile` when the extra CA bundle cannot be read as PEM certificates,
    ///   `InvalidCACertificate` when the pinned CA is not PEM.
    public init(configuration: TransportConfiguration = TransportConfiguration()) throws {
        self.configuration = configuration
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let file = configuration.extraCAFile {
            // The system store stays trusted: the bundle is added to it, never used instead of it.
            do {
                let certificates = try NIOSSLCertificate.fromPEMFile(file)
                guard !certificates.isEmpty else { throw CodedError(code: "InvalidCAFile", message: "no certificate in \(file)") }
                tls.additionalTrustRoots = [.certificates(certificates)]
            } catch {
                throw CodedError(
                    code: "InvalidCAFile", message: "cannot read the extra CA bundle \(file): \(error)",
                    remediation: "point DROVER_CA_FILE (or the spec's caFile) at a PEM file of CA certificates", nothingApplied: true)
            }
        }
        if let pem = configuration.pinnedCAPEM {
            // Pinned: exactly these roots, nothing from the system store.
            let certificates = (try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))) ?? []
            guard !certificates.isEmpty else {
                throw CodedError(
                    code: "InvalidCACertificate", message: "the pinned CA is not a PEM certificate",
                    remediation: "give the CA as PEM text starting with -----BEGIN CERTIFICATE-----", nothingApplied: true)
            }
            tls.trustRoots = .certificates(certificates)
            tls.additionalTrustRoots = []
        }
        try Self.addMemoryTrust(configuration, to: &tls)
        var settings = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(Int64(configuration.connectTimeout * 1000))))
        settings.dnsOverride = Dictionary(configuration.hostOverrides.map { ($0.host, $0.address) }, uniquingKeysWith: { _, last in last })
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
        overrides = Dictionary(configuration.hostOverrides.map { ("\($0.host):\($0.port)", $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Adds the in-memory CA, the client certificate and (opted in) unverified TLS to `tls`.
    /// - Throws: `CodedError` `InvalidCAData` or `InvalidClientCertificate` naming what could not be read.
    static func addMemoryTrust(_ configuration: TransportConfiguration, to tls: inout TLSConfiguration) throws {
        if let pem = configuration.extraCAPEM {
            let certificates = (try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))) ?? []
            guard !certificates.isEmpty else {
                throw CodedError(
                    code: "InvalidCAData", message: "the extra CA data holds no PEM certificate",
                    remediation: "give the CA certificate as PEM (-----BEGIN CERTIFICATE-----)", nothingApplied: true)
            }
            // Added to the trust roots, like the CA file: the system store stays trusted.
            tls.additionalTrustRoots.append(.certificates(certificates))
        }
        if let identity = configuration.clientIdentity {
            do {
                let chain = try NIOSSLCertificate.fromPEMBytes(Array(identity.certificatePEM.utf8))
                guard !chain.isEmpty else { throw CodedError(code: "InvalidClientCertificate", message: "no certificate") }
                tls.certificateChain = chain.map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(identity.keyPEM.utf8), format: .pem))
            } catch {
                // The key's text is never part of the message.
                throw CodedError(
                    code: "InvalidClientCertificate", message: "the client certificate or its key is not valid PEM",
                    remediation: "give the certificate and its unencrypted private key as PEM", nothingApplied: true)
            }
        }
        if configuration.skipsTLSVerification { tls.certificateVerification = .none }
    }

    /// Closes every connection.
    public func shutdown() async throws { try await client.shutdown() }

    /// Sends `request`, retrying a 408/429/5xx answer or a dropped connection while attempts remain and the request is
    /// idempotent or certainly had no effect (a 429, which is not processed, or a failed connect), waiting through
    /// `sleep` (the server's `Retry-After` when given).
    /// - Returns: the response when its status is below 400.
    /// - Throws: `CodedError` from ``ServiceErrorDecoder`` for a status of 400 or more, or a connection error.
    public func send(_ request: HTTPRequest, sleep: Sleeper) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            let outcome: Result<HTTPResponse, CodedError>
            do { outcome = .success(try await sendOnce(request)) } catch let error as CodedError { outcome = .failure(error) }
            let failure: CodedError
            var retryAfter: Double?
            switch outcome {
            case .success(let response) where response.status < 400:
                return response
            case .success(let response):
                failure = ServiceErrorDecoder.error(for: response, request: request)
                retryAfter = RetryPolicy.retryAfterSeconds(response.header("Retry-After"))
            case .failure(let error):
                failure = error
            }
            guard failure.retryable, request.idempotent || failure.nothingApplied, attempt < configuration.retry.maxAttempts else {
                throw failure
            }
            let delay = configuration.retry.delay(afterAttempt: attempt, retryAfter: retryAfter)
            configuration.logger.debug(
                "retrying \(request.method) \(LogRedactor.redact(url: request.url)) in \(delay)s after \(failure.code) (attempt \(attempt) of \(configuration.retry.maxAttempts))")
            try await sleep(delay)
            attempt += 1
        }
    }

    /// Sends `request` once and returns whatever status came back.
    /// - Throws: `CodedError` `ConnectFailed`, `ConnectionLost`, `Timeout` or `TLSFailed` when no response arrived.
    public func sendOnce(_ request: HTTPRequest) async throws -> HTTPResponse {
        let logger = configuration.logger
        logger.debug(
            "→ \(request.method) \(LogRedactor.redact(url: request.url)) [\(LogRedactor.redact(headers: request.headers))] \(LogRedactor.redact(body: request.body, contentType: request.header("Content-Type")))")
        let prepared = prepare(request)
        do {
            let response = try await client.execute(prepared, timeout: .milliseconds(Int64(configuration.requestTimeout * 1000)))
            let bytes = try await response.body.collect(upTo: 64 << 20)
            let result = HTTPResponse(
                status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(bytes.readableBytesView))
            logger.debug(
                "← \(result.status) \(request.method) \(LogRedactor.redact(url: request.url)) [\(LogRedactor.redact(headers: result.headers))] \(LogRedactor.redact(body: result.body, contentType: result.header("Content-Type")))")
            return result
        } catch {
            let coded = Self.connectionError(error, request: request)
            logger.debug("✗ \(request.method) \(LogRedactor.redact(url: request.url)): \(coded.code): \(coded.message)")
            throw coded
        }
    }

    /// Rewrites the URL's port for a matching host override and keeps the original authority in `Host`.
    func prepare(_ request: HTTPRequest) -> HTTPClientRequest {
        var url = request.url
        var headers = HTTPHeaders(request.headers.map { ($0.name, $0.value) })
        let host = url.host?.lowercased() ?? ""
        let port = url.port ?? 443
        if let override = overrides["\(host):\(port)"], override.targetPort != port,
            var parts = URLComponents(url: url, resolvingAgainstBaseURL: false)
        {
            parts.port = override.targetPort
            url = parts.url ?? url
            if !headers.contains(name: "Host") { headers.add(name: "Host", value: port == 443 ? host : "\(host):\(port)") }
        }
        var prepared = HTTPClientRequest(url: url.absoluteString)
        prepared.method = HTTPMethod(rawValue: request.method)
        prepared.headers = headers
        if let body = request.body { prepared.body = .bytes(ByteBuffer(bytes: body)) }
        return prepared
    }

    /// Classifies a failure that left no response: TLS (never retried), connect (nothing sent), timeout, lost.
    static func connectionError(_ error: any Error, request: HTTPRequest) -> CodedError {
        let target = "\(request.method) \(LogRedactor.redact(url: request.url))"
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return CodedError(
                code: "TLSFailed", message: "TLS with \(request.url.host ?? "?") failed for \(target): \(error)",
                remediation: "if the server uses a private CA, give its PEM bundle in DROVER_CA_FILE; Drover never skips verification",
                nothingApplied: true)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .tlsHandshakeTimeout:
                return CodedError(code: "ConnectTimeout", message: "could not connect in time for \(target)", retryable: true, nothingApplied: true)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return CodedError(code: "Timeout", message: "no complete answer in time for \(target)", retryable: true)
            default: break
            }
        }
        if error is NIOConnectionError || error is ChannelError && String(describing: error).contains("connectTimeout") {
            return CodedError(code: "ConnectFailed", message: "could not connect for \(target): \(error)", retryable: true, nothingApplied: true)
        }
        if let error = error as? IOError, [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode) {
            return CodedError(code: "ConnectFailed", message: "could not connect for \(target): \(error)", retryable: true, nothingApplied: true)
        }
        return CodedError(code: "ConnectionLost", message: "the connection failed during \(target): \(error)", retryable: true)
    }
}

import AsyncHTTPClient
import DroverEngine
import Foundation
import NIOCore

/// A response whose body arrives piece by piece (a Kubernetes watch, kube-and-rancher-wire.md §A.7).
public struct HTTPStreamedResponse: Sendable {
    /// The HTTP status code (below 400; failures are thrown by ``HTTPTransport/stream(_:timeout:)``).
    public var status: Int
    /// Header fields in order.
    public var headers: [(name: String, value: String)]
    /// The body in the pieces the server flushed; ends when the server ends the response.
    public var body: AsyncThrowingStream<Data, any Error>

    /// The first value of header `name`, if present (case-insensitive).
    public func header(_ name: String) -> String? { headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
}

extension HTTPTransport {
    /// Sends `request` once and hands over its body as it arrives, for long-lived answers; `timeout` bounds the
    /// whole exchange, the last byte included. Not retried: the caller resumes a stream from where it stopped.
    /// - Throws: `CodedError` from ``ServiceErrorDecoder`` for a status of 400 or more, or a connection error.
    public func stream(_ request: HTTPRequest, timeout: Double) async throws -> HTTPStreamedResponse {
        let logger = configuration.logger
        logger.debug("→ \(request.method) \(LogRedactor.redact(url: request.url)) [\(LogRedactor.redact(headers: request.headers))] (streamed)")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(prepare(request), timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            throw Self.connectionError(error, request: request)
        }
        let status = Int(response.status.code)
        let headers = response.headers.map { ($0.name, $0.value) }
        logger.debug("← \(status) \(request.method) \(LogRedactor.redact(url: request.url)) (streamed)")
        guard status < 400 else {
            let bytes = (try? await response.body.collect(upTo: 1 << 20)).map { Data($0.readableBytesView) } ?? Data()
            throw ServiceErrorDecoder.error(for: HTTPResponse(status: status, headers: headers, body: bytes), request: request)
        }
        let body = AsyncThrowingStream<Data, any Error> { continuation in
            let task = Task {
                do {
                    for try await buffer in response.body { continuation.yield(Data(buffer.readableBytesView)) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: Self.connectionError(error, request: request))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return HTTPStreamedResponse(status: status, headers: headers, body: body)
    }
}

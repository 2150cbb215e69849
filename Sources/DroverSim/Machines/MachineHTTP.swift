import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// HTTPS as a machine does it: the host name resolved through the ``SimulatedNetwork`` (SNI and the certificate check
/// use the real name), the certificate verified against given roots or not at all (`curl --insecure`).
struct MachineHTTP: Sendable {
    let network: SimulatedNetwork

    /// How a request ended without an HTTP answer, with the words curl uses.
    enum Failure: Error, Sendable {
        case couldNotResolve(String)
        case connectionRefused(String, Int)
        case untrusted(String)
        case other(String)

        /// curl's exit code and message.
        var curl: (Int, String) {
            switch self {
            case .couldNotResolve(let host): (6, "curl: (6) Could not resolve host: \(host)")
            case .connectionRefused(let host, let port): (7, "curl: (7) Failed to connect to \(host) port \(port) after 0 ms: Couldn't connect to server")
            case .untrusted(let detail): (60, "curl: (60) SSL certificate problem: \(detail)")
            case .other(let detail): (35, "curl: (35) \(detail)")
            }
        }
    }

    /// An HTTP answer.
    struct Answer: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
    }

    /// Sends one request to `url`. `trust` nil = no verification (`--insecure`); otherwise the roots (PEM) to trust.
    func send(_ method: String = "GET", url: String, headers: [String: String] = [:], body: Data? = nil,
              trust: [String]?) async -> Result<Answer, Failure> {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased() else {
            return .failure(.other("URL rejected: Malformed input to a URL function"))
        }
        let port = components.port ?? 443
        guard let loopback = network.loopbackPort(host: host, port: port) else {
            return .failure(.connectionRefused(host, port))
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let trust {
            let certificates = trust.flatMap { (try? NIOSSLCertificate.fromPEMBytes(Array($0.utf8))) ?? [] }
            // An empty trust store trusts nothing (a certificate no root signs).
            tls.trustRoots = .certificates(certificates)
        } else {
            tls.certificateVerification = .none
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.dnsOverride = [host: "127.0.0.1"]
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let result = await exchange(client, components: components, loopback: loopback, host: host, port: port, method: method,
                                    headers: headers, body: body, url: url)
        try? await client.shutdown()
        return result
    }

    private func exchange(_ client: HTTPClient, components: URLComponents, loopback: Int, host: String, port: Int, method: String,
                          headers: [String: String], body: Data?, url: String) async -> Result<Answer, Failure> {
        var rewritten = components
        rewritten.port = loopback
        var request = HTTPClientRequest(url: rewritten.string ?? url)
        request.method = .RAW(value: method)
        request.headers.add(name: "Host", value: port == 443 ? host : "\(host):\(port)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            let data = Data(buffer: try await response.body.collect(upTo: 16 << 20))
            var names: [String: String] = [:]
            for (name, value) in response.headers { names[name.lowercased()] = value }
            return .success(Answer(status: Int(response.status.code), headers: names, body: data))
        } catch let error as NIOSSLError {
            return .failure(.untrusted("unable to get local issuer certificate (\(error))"))
        } catch let error as BoringSSLError {
            return .failure(.untrusted("unable to get local issuer certificate (\(error))"))
        } catch {
            let text = "\(error)"
            if text.contains("certificate") || text.contains("handshake") || text.contains("SSL") {
                return .failure(.untrusted("unable to get local issuer certificate (\(text))"))
            }
            return .failure(.other(text))
        }
    }
}

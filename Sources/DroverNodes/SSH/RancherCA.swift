import DroverEngine
import Foundation

/// Rancher's self-signed CA and the checksum agents are given (`--ca-checksum`), read from the server itself.
public struct RancherCA: Sendable, Equatable {
    /// The CA certificate, PEM.
    public var pem: String
    /// Lowercase hex SHA-256 of the PEM with a trailing newline ensured (rancher-api.md §6.1, `CAChecksum()`).
    public var checksum: String

    /// Creates a CA record.
    public init(pem: String, checksum: String) {
        self.pem = pem
        self.checksum = checksum
    }

    /// Where a server serves its CA: `/cacerts` from 2.6, the `cacerts` setting's JSON before.
    public static func url(fqdn: String, legacyAPI: Bool) -> String {
        "https://\(fqdn)\(legacyAPI ? "/v3/settings/cacerts" : "/cacerts")"
    }
}

extension SSHRunner {
    /// Reads Rancher's CA on `server` over the pinned SSH channel and checksums it there, so Drover's first HTTPS
    /// call to Rancher can already verify the certificate instead of trusting it blindly.
    ///
    /// On the server the request goes to its own loopback (`--resolve FQDN:443:127.0.0.1`); skipping verification
    /// there is what lets the CA be learnt, and the channel to it is authenticated by the recorded SSH host key.
    /// `url` defaults to `RancherCA.url`; `legacyAPI` unwraps the 2.3-era JSON `{"value": PEM}`.
    public func fetchRancherCA(from server: SSHTarget, fqdn: String, legacyAPI: Bool, url: String? = nil) async throws -> RancherCA {
        let source = url ?? RancherCA.url(fqdn: fqdn, legacyAPI: legacyAPI)
        var read = "curl -sf --insecure --resolve \(POSIXShell.quote("\(fqdn):443:127.0.0.1")) \(POSIXShell.quote(source))"
        if legacyAPI { read += " | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)[\"value\"])'" }
        // $(…) drops trailing newlines and printf adds one: the "trailing newline ensured" of Rancher's checksum.
        let command = "ca=$(\(read)) && [ -n \"$ca\" ] && printf '%s\\n' \"$ca\" && printf '%s\\n' \"$ca\" | sha256sum"
        let output = try await check(command, on: server)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let sumLine = lines.last(where: { !$0.isEmpty }), let checksum = sumLine.split(separator: " ").first.map(String.init),
            checksum.count == 64, let end = lines.lastIndex(of: sumLine)
        else {
            throw CodedError(code: "NoRancherCA", message: "\(server.host) returned no CA from \(source)",
                remediation: "Rancher may still be starting; `drover apply` again waits for it")
        }
        return RancherCA(pem: lines[..<end].joined(separator: "\n"), checksum: checksum)
    }
}

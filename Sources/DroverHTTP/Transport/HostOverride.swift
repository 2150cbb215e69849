import DroverEngine

/// Sends requests for one host and port to another address, keeping the host name for TLS (SNI and the certificate
/// check) and the `Host` header, like curl's `--connect-to HOST:PORT:ADDRESS:PORT`.
public struct HostOverride: Sendable, Equatable {
    /// The host name the URL names, such as `rancher.eastus2.cloudapp.azure.com`.
    public var host: String
    /// The URL's port (443 when the URL names none).
    public var port: Int
    /// Where to connect instead, such as `127.0.0.1`.
    public var address: String
    /// The port to connect to.
    public var targetPort: Int

    /// Creates an override.
    public init(host: String, port: Int = 443, address: String, targetPort: Int? = nil) {
        self.host = host.lowercased()
        self.port = port
        self.address = address
        self.targetPort = targetPort ?? port
    }

    /// Parses `HOST:PORT:ADDRESS[:TARGETPORT]` (curl's `--resolve` form, with an optional port to connect to).
    /// - Throws: `CodedError` `InvalidHostOverride` naming the text and the expected form.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 || parts.count == 4, !parts[0].isEmpty, !parts[2].isEmpty,
            let port = Int(parts[1]), (1...65535).contains(port),
            parts.count == 3 || Int(parts[3]).map({ (1...65535).contains($0) }) == true
        else {
            throw CodedError(
                code: "InvalidHostOverride", message: "host override \"\(text)\" is not HOST:PORT:ADDRESS[:TARGETPORT]",
                remediation: "write it like rancher.eastus2.cloudapp.azure.com:443:127.0.0.1:8443", nothingApplied: true)
        }
        self.init(host: parts[0], port: port, address: parts[2], targetPort: parts.count == 4 ? Int(parts[3]) : nil)
    }

    /// Parses a comma-separated list of overrides, as `DROVER_CONNECT_TO` holds them (empty entries ignored); an
    /// error names `source`.
    /// - Throws: `CodedError` `InvalidHostOverride` for the first entry that does not parse.
    public static func list(parsing text: String?, source: String = "DROVER_CONNECT_TO") throws -> [HostOverride] {
        guard let text else { return [] }
        return try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { entry in
            do { return try HostOverride(parsing: entry) } catch var error as CodedError {
                error.message = "\(source): " + error.message
                throw error
            }
        }
    }
}

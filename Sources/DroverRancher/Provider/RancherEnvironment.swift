import DroverEngine
import DroverHTTP
import Foundation
import Logging

/// What the Rancher handlers are built from: host overrides, the extra CA file, where local files go, and the log.
public struct RancherEnvironment: Sendable {
    /// Host-to-address overrides from `DROVER_CONNECT_TO` (comma-separated `HOST:PORT:ADDRESS[:TARGETPORT]`).
    public var hostOverrides: [HostOverride]
    /// A PEM bundle trusted besides the system store when a resource pins no CA (`DROVER_CA_FILE`).
    public var extraCAFile: String?
    /// Where kubeconfig files are written (`.drover/` beside the state).
    public var workingDirectory: URL
    /// The user's home, for `~/.kube/config`.
    public var homeDirectory: URL
    /// Request and answer lines at debug level, secrets redacted by the transport.
    public var logger: Logger

    /// Creates an environment.
    public init(
        hostOverrides: [HostOverride] = [], extraCAFile: String? = nil, workingDirectory: URL,
        homeDirectory: URL = FileManager.default.homeDirectoryForCurrentUser, logger: Logger = Logger(label: "drover.rancher")
    ) {
        self.hostOverrides = hostOverrides
        self.extraCAFile = extraCAFile
        self.workingDirectory = workingDirectory
        self.homeDirectory = homeDirectory
        self.logger = logger
    }

    /// The environment described by process variables (`DROVER_CONNECT_TO`, `DROVER_CA_FILE`, `HOME`).
    /// - Throws: `CodedError` `InvalidHostOverride` naming the entry of `DROVER_CONNECT_TO` that does not parse.
    public static func from(variables: [String: String], workingDirectory: URL) throws -> RancherEnvironment {
        RancherEnvironment(
            hostOverrides: try hostOverrides(variables["DROVER_CONNECT_TO"]),
            extraCAFile: variables["DROVER_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }, workingDirectory: workingDirectory,
            homeDirectory: variables["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser)
    }

    /// Parses a comma-separated list of curl `--connect-to`-style overrides; empty entries are ignored.
    public static func hostOverrides(_ text: String?) throws -> [HostOverride] {
        guard let text else { return [] }
        return try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { entry in
            do { return try HostOverride(parsing: entry) } catch var error as CodedError {
                error.message = "DROVER_CONNECT_TO: " + error.message
                throw error
            }
        }
    }
}

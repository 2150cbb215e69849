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
    /// Why the environment is unusable (a bad `DROVER_CONNECT_TO`), raised when a handler first needs the network so
    /// that `drover plan` still works.
    public var problem: CodedError?

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

    /// The environment described by process variables (`DROVER_CONNECT_TO`, `DROVER_CA_FILE`, `HOME`); an entry of
    /// `DROVER_CONNECT_TO` that does not parse becomes ``problem``.
    public static func from(variables: [String: String], workingDirectory: URL) -> RancherEnvironment {
        var environment = RancherEnvironment(
            extraCAFile: variables["DROVER_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }, workingDirectory: workingDirectory,
            homeDirectory: variables["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser)
        do { environment.hostOverrides = try hostOverrides(variables["DROVER_CONNECT_TO"]) } catch let error as CodedError {
            environment.problem = error
        } catch {}
        return environment
    }

    /// Parses a comma-separated list of curl `--connect-to`-style overrides; empty entries are ignored.
    public static func hostOverrides(_ text: String?) throws -> [HostOverride] { try HostOverride.list(parsing: text) }
}

import Logging

/// How the transport connects: trust, host overrides, timeouts, retries and logging.
public struct TransportConfiguration: Sendable {
    /// A PEM bundle of extra CA certificates trusted besides the system store (a simulator's, a private Rancher CA).
    public var extraCAFile: String?
    /// PEM certificates that are the only trust roots when set (a pinned private CA, such as the one Drover issues for
    /// Rancher): the system store and ``extraCAFile`` are then not trusted for this transport.
    public var pinnedCAPEM: String?
    /// Extra CA certificates as PEM text, trusted besides the system store like ``extraCAFile`` (a kubeconfig's
    /// `certificate-authority-data`, a CA Drover issued and pins).
    public var extraCAPEM: String?
    /// The client certificate presented when a server asks for one.
    public var clientIdentity: ClientIdentity?
    /// Accept any server certificate. Only for an explicit, warned opt-in (a kubeconfig's
    /// `insecure-skip-tls-verify` that the user allowed); never a default.
    public var skipsTLSVerification: Bool = false
    /// Host-to-address overrides applied to every request.
    public var hostOverrides: [HostOverride]
    /// Seconds allowed to open a connection (TCP and TLS handshake).
    public var connectTimeout: Double
    /// Seconds allowed for one attempt of a request, from sending to the last byte of the response.
    public var requestTimeout: Double
    /// When and how often to send a failed request again.
    public var retry: RetryPolicy
    /// Where request and response lines go, at debug level, with secrets redacted.
    public var logger: Logger

    /// Creates a configuration with Azure-friendly defaults (10 s to connect, 120 s per attempt).
    public init(
        extraCAFile: String? = nil, pinnedCAPEM: String? = nil, hostOverrides: [HostOverride] = [], connectTimeout: Double = 10, requestTimeout: Double = 120,
        retry: RetryPolicy = RetryPolicy(), logger: Logger = Logger(label: "drover.http")
    ) {
        self.extraCAFile = extraCAFile
        self.pinnedCAPEM = pinnedCAPEM
        self.extraCAPEM = nil
        self.clientIdentity = nil
        self.hostOverrides = hostOverrides
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.logger = logger
    }
}

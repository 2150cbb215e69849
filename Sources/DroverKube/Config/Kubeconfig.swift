/// A kubeconfig (clientcmd `Config` v1): named clusters, users and contexts and the current context, after
/// merging every file it was read from (kube-and-rancher-wire.md §A.1).
public struct Kubeconfig: Sendable, Equatable {
    /// Where a cluster is and how its certificate is checked.
    public struct Cluster: Sendable, Equatable {
        /// The entry's name.
        public var name: String
        /// The API server's URL, such as `https://rancher.example.com/k8s/clusters/c-m-abcd1234`.
        public var server: String
        /// The CA certificates as PEM, from `certificate-authority-data` (which wins) or the `certificate-authority` file.
        public var certificateAuthorityPEM: String?
        /// The name to check the server's certificate against instead of the URL's host (`tls-server-name`).
        public var tlsServerName: String?
        /// `insecure-skip-tls-verify`: refused unless the user allows it.
        public var insecureSkipTLSVerify: Bool
        /// Where the entry was read, `FILE:LINE:COLUMN`.
        public var origin: String
    }

    /// A named credential: a bearer token, a client certificate, both (the certificate for TLS, the token in the
    /// header, as client-go sends them) or neither.
    public struct User: Sendable, Equatable {
        /// The entry's name.
        public var name: String
        /// The bearer token (`token`, or the contents of `token-file`); never logged.
        public var token: String?
        /// The client certificate as PEM.
        public var clientCertificatePEM: String?
        /// The client certificate's private key as PEM; never logged.
        public var clientKeyPEM: String?
        /// Where the entry was read, `FILE:LINE:COLUMN`.
        public var origin: String
    }

    /// A cluster, a user and a default namespace under one name.
    public struct Context: Sendable, Equatable {
        /// The entry's name.
        public var name: String
        /// The cluster entry it names.
        public var cluster: String
        /// The user entry it names.
        public var user: String
        /// The namespace for namespaced calls that name none; `default` when unset.
        public var namespace: String?
        /// Where the entry was read, `FILE:LINE:COLUMN`.
        public var origin: String
    }

    /// Cluster entries, first definition of each name kept.
    public var clusters: [Cluster] = []
    /// User entries, first definition of each name kept.
    public var users: [User] = []
    /// Context entries, first definition of each name kept.
    public var contexts: [Context] = []
    /// `current-context` of the first file that sets it.
    public var currentContext: String?
    /// The files read, in order.
    public var files: [String] = []

    /// Creates an empty kubeconfig.
    public init() {}

    /// Adds `other`'s entries under names not defined yet, as kubectl merges `KUBECONFIG` files: the first file to
    /// set a name or `current-context` wins (client-go `clientcmd` loading rules).
    public mutating func merge(_ other: Kubeconfig) {
        clusters += other.clusters.filter { entry in !clusters.contains { $0.name == entry.name } }
        users += other.users.filter { entry in !users.contains { $0.name == entry.name } }
        contexts += other.contexts.filter { entry in !contexts.contains { $0.name == entry.name } }
        if currentContext == nil { currentContext = other.currentContext }
        files += other.files
    }
}

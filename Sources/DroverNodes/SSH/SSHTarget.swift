/// A machine Drover reaches over SSH.
public struct SSHTarget: Sendable, Equatable {
    /// Host name or address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// The login user (the VM admin).
    public var user: String
    /// The private key file (the seed's `~/.ssh/id_rsa`).
    public var privateKeyPath: String

    /// Creates a target.
    public init(host: String, port: Int = 22, user: String, privateKeyPath: String) {
        self.host = host
        self.port = port
        self.user = user
        self.privateKeyPath = privateKeyPath
    }
}

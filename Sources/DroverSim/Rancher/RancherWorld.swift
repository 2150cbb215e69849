import Crypto
import Foundation

/// Everything the simulated Rancher holds; saved to `world.json` (0600) after every change so a restarted simulator
/// continues where it stopped. Secrets are kept only as hashes, as Rancher keeps the user's password (bcrypt in
/// `User.password`, rancher-api.md §1.2) and hashed tokens.
struct RancherWorld: Codable, Sendable {
    var version: RancherVersion
    var random: SeededGenerator
    var users: [String: RancherUser] = [:]
    var tokens: [String: RancherToken] = [:]
    var settings: [String: String]
    var clusters: [String: ManagementCluster] = [:]
    var provisioning: [String: ProvisioningCluster] = [:]
    var registrationTokens: [String: RegistrationToken] = [:]
    var machines: [String: RegisteredMachine] = [:]
    var resourceVersion: Int = 1
    /// The generated bootstrap password, as the `cattle-system/bootstrap-secret` Secret keeps it (rancher-api.md §1.3).
    var generatedBootstrapPassword: String?

    /// The user named `username`.
    func user(named username: String) -> RancherUser? { users.values.first { $0.username == username } }

    /// The cluster whose display name is `name`.
    func cluster(named name: String) -> ManagementCluster? { clusters.values.first { $0.name == name } }

    mutating func nextResourceVersion() -> String {
        resourceVersion += 1
        return String(resourceVersion)
    }
}

/// A local user (R-2.3 `app/role_data.go`; rancher-api.md §1.2, §1.3).
struct RancherUser: Codable, Sendable {
    var id: String
    var username: String
    var displayName: String
    var passwordHash: String
    var salt: String
    var mustChangePassword: Bool
    var created: Date

    func accepts(_ password: String) -> Bool { RancherSecrets.hash(password, salt: salt) == passwordHash }
}

/// An API, login (session) or kubeconfig token; the secret is kept as a hash (rancher-api.md §1.2 step 4, §6.5).
struct RancherToken: Codable, Sendable {
    var name: String
    var userId: String
    var secretHash: String
    var description: String
    /// Milliseconds; 0 = never expires.
    var ttl: Int64
    var created: Date
    var isLogin: Bool

    var expiresAt: Date? { ttl > 0 ? created.addingTimeInterval(Double(ttl) / 1000) : nil }
    func isExpired(at now: Date) -> Bool { expiresAt.map { now >= $0 } ?? false }
}

/// A management (`/v3`) cluster: RKE1 custom clusters, the management side of an RKE2 cluster, and `local`.
struct ManagementCluster: Codable, Sendable {
    var id: String
    var name: String
    var description: String
    /// `rke1`, `rke2` or `local`.
    var distribution: String
    /// The `/v3` body as accepted (RKE1: `rancherKubernetesEngineConfig`, `windowsPreferedCluster`, ...).
    var body: JSONValue
    var created: Date
    /// Hidden until then (RKE2: the controller makes it "within seconds", kube-and-rancher-wire.md §C.2).
    var visibleAt: Date
    /// Set once the cluster was first ready; `status.ready` never goes back (kube-and-rancher-wire.md §C.2).
    var firstReadyAt: Date?
    /// The plan ServiceAccount token the agents' kubeconfig carries (kube-and-rancher-wire.md §C.4); the proxy
    /// accepts it for this cluster only. Kept in clear, as Kubernetes keeps a ServiceAccount token Secret.
    var agentToken: String

    var windowsPreferred: Bool { body["windowsPreferedCluster"]?.bool ?? false }
}

/// A `provisioning.cattle.io/v1` Cluster (kube-and-rancher-wire.md §C.2) and the management cluster behind it.
struct ProvisioningCluster: Codable, Sendable {
    var namespace: String
    var name: String
    var uid: String
    var object: JSONValue
    var managementId: String
    var created: Date
    var generation: Int
    var resourceVersion: String

    var key: String { "\(namespace)/\(name)" }
    /// RKE2's CNI: `machineGlobalConfig.cni`, `canal` when unset (rancher-api.md §4.3).
    var cni: String { object.at("spec.rkeConfig.machineGlobalConfig")?["cni"]?.string ?? "canal" }
}

/// A cluster registration token (rancher-api.md §3; kube-and-rancher-wire.md §C.3).
struct RegistrationToken: Codable, Sendable {
    var clusterId: String
    var name: String
    var token: String
    var created: Date
    /// When the controller made it on its own, it shows from this instant.
    var visibleAt: Date

    var id: String { "\(clusterId):\(name)" }
}

/// A node that registered through `/v3/connect/agent` (RKE2) or `/v3/connect/register` (RKE1).
struct RegisteredMachine: Codable, Sendable {
    /// `custom-` + 12 hex of sha256(X-Cattle-Id) on RKE2 (kube-and-rancher-wire.md §C.4), `m-` + 5 on RKE1.
    var name: String
    var clusterId: String
    var nodeName: String
    var os: String
    var roles: Set<String>
    var address: String
    var internalAddress: String
    var labels: [String: String]
    var taints: [String]
    var cattleId: String
    var created: Date
    var uid: String
}

/// Random identifiers and the hashes of secrets.
enum RancherSecrets {
    /// Lower-case alphanumerics, as Rancher's generated names use (`token-abcde`, `user-xxxxx`, `c-m-xxxxxxxx`).
    static let nameAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    /// The CRT token alphabet (kube-and-rancher-wire.md §C.3 step 2, unverified there).
    static let tokenAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")

    static func draw(_ random: inout SeededGenerator, _ alphabet: [Character], _ length: Int) -> String {
        String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
    }

    static func hash(_ secret: String, salt: String = "") -> String {
        SHA256.hash(data: Data((salt + secret).utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

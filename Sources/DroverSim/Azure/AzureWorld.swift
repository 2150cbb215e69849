import Crypto
import Foundation

/// Everything the simulated cloud holds; saved to `world.json` (0600) after every change so a restarted simulator
/// still holds what was created and its operations in flight continue on the same clock (issue 8).
struct AzureWorld: Codable, Sendable {
    var tenantId: String
    var subscriptionId: String
    /// HMAC key the simulator signs its bearer tokens with.
    var tokenKey: String
    /// The pre-registered client (service principal) whose secret `start()` hands out.
    var bootstrapClientId: String
    var bootstrapClientSecret: String
    var resources: [String: StoredResource] = [:]
    var operations: [String: ArmOperation] = [:]
    var applications: [String: GraphApplication] = [:]
    var servicePrincipals: [String: GraphServicePrincipal] = [:]
    var nextPublicAddress: Int = 10
    var reads: TokenBucket?
    var writes: TokenBucket?
    var deletes: TokenBucket?
    var faultRandom: SeededGenerator
    /// The simulated machines behind the VMs, by lower-cased VM id (only with a machine simulator).
    var machines: [String: MachineRecord]?

    static func new(seed: UInt64, now: Date) -> AzureWorld {
        var random = SeededGenerator(seed: seed)
        func uuid() -> String { SimIDs.uuid(&random) }
        var world = AzureWorld(
            tenantId: uuid(), subscriptionId: uuid(), tokenKey: SimIDs.secret(&random, length: 48),
            bootstrapClientId: uuid(), bootstrapClientSecret: SimIDs.secret(&random, length: 40),
            faultRandom: SeededGenerator(seed: seed ^ 0x5EED))
        // The bootstrap client is an application with a service principal, replicated long ago.
        let app = GraphApplication(
            id: uuid(), appId: world.bootstrapClientId, displayName: "drover-simulator-bootstrap",
            createdDateTime: now, replicatedAt: now,
            passwords: [GraphPassword(keyId: uuid(), displayName: "bootstrap", hint: String(world.bootstrapClientSecret.prefix(3)),
                                      secretHash: SimIDs.hash(world.bootstrapClientSecret), startDateTime: now,
                                      endDateTime: now.addingTimeInterval(2 * 365 * 86400))])
        world.applications[app.id] = app
        let principal = GraphServicePrincipal(id: uuid(), appId: app.appId, displayName: app.displayName,
                                              createdDateTime: now, replicatedAt: now)
        world.servicePrincipals[principal.id] = principal
        return world
    }

    /// The resource stored under `id`, matched case-insensitively.
    func resource(_ id: String) -> StoredResource? { resources[id.lowercased()] }
}

/// One ARM resource: its last accepted body (kept to the definition) and its provisioning timeline.
struct StoredResource: Codable, Sendable {
    var id: String
    var type: String
    var resourceGroup: String
    var location: String?
    var body: JSONValue
    var createdAt: Date
    /// Set while a PUT or DELETE is in flight: the state shown until `readyAt`.
    var pending: PendingState?
    /// Set when the last operation ended Failed (fault plan), with the reason shown in instance views.
    var failed: Bool = false
    var failureMessage: String?
    /// SHA-256 of the VM's custom data: it cannot change after creation, and is never answered back.
    var customDataHash: String?
    /// The VM's decoded custom data, for its machine (custom data holds no secret by design, §6.1).
    var customData: String?
    /// An extension's protectedSettings, for its machine; secret (the world file is 0600), never answered.
    var protectedSettings: JSONValue?
    /// An extension's status message from its machine (the script's output).
    var statusMessage: String?

    var provisioningState: String { pending?.state ?? (failed ? "Failed" : "Succeeded") }
    var isDeleting: Bool { pending?.state == "Deleting" }
}

/// A provisioning state shown until an instant.
struct PendingState: Codable, Sendable {
    var state: String
    var readyAt: Date
    var operationId: String
}

/// A long-running operation (azure-api.md §2): polled through Azure-AsyncOperation or Location until `completesAt`.
struct ArmOperation: Codable, Sendable {
    enum Kind: String, Codable { case put, delete }
    var id: String
    var kind: Kind
    var resourceId: String
    var provider: String
    var location: String
    var apiVersion: String
    var startedAt: Date
    var completesAt: Date
    var fails: Bool
    var finished = false
    var errorCode: String?
    var errorMessage: String?
    /// Held open until the machine running the extension's script reports (a machine simulator is on).
    var waitsForMachine: Bool?
}

/// A Microsoft Graph application (msgraph-metadata extract, EntityType `application`).
struct GraphApplication: Codable, Sendable {
    var id: String
    var appId: String
    var displayName: String
    var createdDateTime: Date
    var replicatedAt: Date
    var passwords: [GraphPassword]
    var extra: [String: JSONValue] = [:]
}

/// A client secret (ComplexType `passwordCredential`); the secret itself is kept only as a hash.
struct GraphPassword: Codable, Sendable {
    var keyId: String
    var displayName: String?
    var hint: String
    var secretHash: String
    var startDateTime: Date
    var endDateTime: Date
}

/// A Microsoft Graph service principal (EntityType `servicePrincipal`).
struct GraphServicePrincipal: Codable, Sendable {
    var id: String
    var appId: String
    var displayName: String
    var createdDateTime: Date
    /// Until this instant the principal is unknown to role assignments (azure-api.md §8.4, §9).
    var replicatedAt: Date
}

/// Identifiers and secrets drawn from the world's seeded generator.
enum SimIDs {
    static func uuid(_ random: inout SeededGenerator) -> String {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    /// A secret of `length` characters from the alphabet Graph's generated secrets use (azure-api.md §1.1).
    static func secret(_ random: inout SeededGenerator, length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._-")
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

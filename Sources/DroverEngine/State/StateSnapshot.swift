import Foundation

/// What Drover knows it has built: every resource with its inputs, outputs and dependencies, plus unfinished operations.
///
/// Serialised as versioned JSON with sorted keys and resources in address order, so diffs of the file are readable.
public struct StateSnapshot: Sendable, Equatable {
    /// The state format version this build writes.
    public static let currentVersion = 1

    /// The format version.
    public var version: Int = StateSnapshot.currentVersion
    /// Incremented on every committed write.
    public var serial: Int = 0
    /// A random identifier fixed when the state is first created; two states with different lineages never mix.
    public var lineage: String = UUID().uuidString.lowercased()
    /// The Drover version that last wrote the state.
    public var toolVersion: String = DroverVersion.current
    /// The resources, by address.
    public var resources: [ResourceAddress: ResourceState] = [:]
    /// Operations that were started and not seen to finish, by address.
    public var pendingOperations: [ResourceAddress: PendingOperation] = [:]
    /// Objects replaced create-before-destroy whose deletion has not been seen to finish (Terraform's "deposed").
    public var deposed: [ResourceAddress: ResourceState] = [:]
    /// The outputs computed at the end of the last apply.
    public var outputs: [String: OutputState] = [:]

    /// Creates an empty state with a new lineage.
    public init() {}

    /// Applies one journal entry.
    public mutating func apply(_ entry: JournalEntry) {
        switch entry {
        case .pending(let op):
            pendingOperations[op.address] = op
        case .resumeToken(let address, let token):
            pendingOperations[address]?.resumeToken = token
        case .resource(let resource):
            resources[resource.address] = resource
            pendingOperations[resource.address] = nil
        case .removed(let address):
            resources[address] = nil
            pendingOperations[address] = nil
        case .pendingCleared(let address):
            pendingOperations[address] = nil
        case .deposed(let address):
            deposed[address] = resources[address]
            resources[address] = nil
        case .deposedRemoved(let address):
            deposed[address] = nil
        }
    }
}

extension StateSnapshot: Codable {
    private enum CodingKeys: String, CodingKey {
        case version, serial, lineage, toolVersion, resources, pendingOperations, deposed, outputs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        guard version <= StateSnapshot.currentVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: c,
                debugDescription: "state version \(version) is newer than this Drover understands (\(StateSnapshot.currentVersion)); upgrade Drover")
        }
        serial = try c.decode(Int.self, forKey: .serial)
        lineage = try c.decode(String.self, forKey: .lineage)
        toolVersion = try c.decodeIfPresent(String.self, forKey: .toolVersion) ?? "unknown"
        let list = try c.decodeIfPresent([ResourceState].self, forKey: .resources) ?? []
        resources = Dictionary(list.map { ($0.address, $0) }, uniquingKeysWith: { _, last in last })
        let ops = try c.decodeIfPresent([PendingOperation].self, forKey: .pendingOperations) ?? []
        pendingOperations = Dictionary(ops.map { ($0.address, $0) }, uniquingKeysWith: { _, last in last })
        let old = try c.decodeIfPresent([ResourceState].self, forKey: .deposed) ?? []
        deposed = Dictionary(old.map { ($0.address, $0) }, uniquingKeysWith: { _, last in last })
        outputs = try c.decodeIfPresent([String: OutputState].self, forKey: .outputs) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(serial, forKey: .serial)
        try c.encode(lineage, forKey: .lineage)
        try c.encode(toolVersion, forKey: .toolVersion)
        try c.encode(resources.values.sorted { $0.address < $1.address }, forKey: .resources)
        try c.encode(pendingOperations.values.sorted { $0.address < $1.address }, forKey: .pendingOperations)
        if !deposed.isEmpty { try c.encode(deposed.values.sorted { $0.address < $1.address }, forKey: .deposed) }
        try c.encode(outputs, forKey: .outputs)
    }
}

/// One resource as recorded after a successful operation.
public struct ResourceState: Codable, Sendable, Equatable {
    /// The resource's address.
    public var address: ResourceAddress
    /// The inputs it was last created or updated with (fully resolved).
    public var inputs: Value
    /// The outputs it reported.
    public var outputs: Value
    /// The resources it depended on when recorded; destroy deletes in the reverse of these.
    public var dependencies: [ResourceAddress]
    /// Paths such as `inputs.adminPassword` whose values are secret.
    public var sensitivePaths: [String]

    /// Creates a resource record.
    public init(
        address: ResourceAddress, inputs: Value, outputs: Value, dependencies: [ResourceAddress] = [],
        sensitivePaths: [String] = []
    ) {
        self.address = address
        self.inputs = inputs
        self.outputs = outputs
        self.dependencies = dependencies.sorted()
        self.sensitivePaths = sensitivePaths.sorted()
    }
}

/// A remote operation that was started: recorded before the call, cleared after it, so a crash leaves a trace.
public struct PendingOperation: Codable, Sendable, Equatable {
    /// What kind of operation was in flight.
    public enum Kind: String, Codable, Sendable { case create, update, delete }

    /// The resource being worked on.
    public var address: ResourceAddress
    /// The operation.
    public var kind: Kind
    /// When it was started.
    public var startedAt: Date
    /// A handler-supplied token to resume the operation (an Azure operation URL, say).
    public var resumeToken: String?
    /// The inputs the operation was started with.
    public var inputs: Value

    /// Creates a pending operation record.
    public init(address: ResourceAddress, kind: Kind, startedAt: Date, resumeToken: String? = nil, inputs: Value) {
        self.address = address
        self.kind = kind
        self.startedAt = startedAt
        self.resumeToken = resumeToken
        self.inputs = inputs
    }
}

/// An output value as recorded after apply.
public struct OutputState: Codable, Sendable, Equatable {
    /// The value.
    public var value: Value
    /// Whether it is hidden unless asked for.
    public var sensitive: Bool

    /// Creates an output record.
    public init(value: Value, sensitive: Bool) {
        self.value = value
        self.sensitive = sensitive
    }
}

/// One durable change to the state, appended to the journal before the snapshot is rewritten.
public enum JournalEntry: Codable, Sendable, Equatable {
    /// An operation is about to start.
    case pending(PendingOperation)
    /// A started operation got a resume token.
    case resumeToken(ResourceAddress, String)
    /// A resource was created, updated, adopted or refreshed; clears its pending operation.
    case resource(ResourceState)
    /// A resource was deleted; clears its pending operation.
    case removed(ResourceAddress)
    /// An operation finished without changing the resource (it failed cleanly).
    case pendingCleared(ResourceAddress)
    /// The current object is set aside to be deleted once its replacement exists (create-before-destroy).
    case deposed(ResourceAddress)
    /// The set-aside object was deleted.
    case deposedRemoved(ResourceAddress)
}

/// Drover's version, written into state files.
public enum DroverVersion {
    /// The version of this build.
    public static let current = "0.1.0"
}

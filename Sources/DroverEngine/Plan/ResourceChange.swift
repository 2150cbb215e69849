/// What apply will do to a resource.
public enum Action: String, Codable, Sendable, CaseIterable {
    /// Nothing: the resource already matches.
    case noop
    /// Create a resource that does not exist yet.
    case create
    /// Change the resource in place.
    case update
    /// Delete the resource and create it anew, because a field that cannot change in place did.
    case replace
    /// Delete a resource that is no longer wanted.
    case delete
    /// Read a data source (an object Drover uses but does not manage): nothing is written.
    case read
}

/// The planned change to one resource, with the reason for it.
public struct ResourceChange: Sendable, Equatable {
    /// The resource.
    public var address: ResourceAddress
    /// What will be done.
    public var action: Action
    /// The recorded inputs, if the resource exists.
    public var before: Value?
    /// The planned inputs (possibly with unknowns), unless the resource is being deleted.
    public var after: Value?
    /// Input paths whose values change, such as `tags.env`.
    public var changedPaths: [String]
    /// The changed paths that force a replacement.
    public var replacePaths: [String]
    /// Top-level input fields whose values are never shown.
    public var sensitiveFields: Set<String>
    /// Whether an interrupted earlier run left this operation unfinished; apply resumes it before acting.
    public var resuming: Bool
    /// For a replacement: whether the new object is created before the old one is deleted.
    public var createBeforeDestroy: Bool
    /// One line saying why, for the plan view.
    public var reason: String?

    /// Creates a change.
    public init(
        address: ResourceAddress, action: Action, before: Value?, after: Value?, changedPaths: [String] = [],
        replacePaths: [String] = [], sensitiveFields: Set<String> = [], resuming: Bool = false,
        createBeforeDestroy: Bool = false, reason: String? = nil
    ) {
        self.address = address
        self.action = action
        self.before = before
        self.after = after
        self.changedPaths = changedPaths
        self.replacePaths = replacePaths
        self.sensitiveFields = sensitiveFields
        self.resuming = resuming
        self.createBeforeDestroy = createBeforeDestroy
        self.reason = reason
    }
}

/// Whether a plan builds towards the configuration or tears everything down.
public enum PlanMode: String, Sendable, Codable {
    /// Make the world match the configuration.
    case apply
    /// Delete everything in the state.
    case destroy
    /// Only read every recorded resource and record what changed outside Drover.
    case refresh
}

/// The result of planning: one change per resource, in an order where dependencies come first.
public struct Plan: Sendable {
    /// Whether this plan applies or destroys.
    public var mode: PlanMode
    /// Every change, including no-ops, dependencies first.
    public var changes: [ResourceChange]
    /// The configuration the plan was made from (apply resolves references against it).
    public var configuration: Configuration
    /// The state the plan was made against.
    public var prior: StateSnapshot
    /// Resources limited by `--target`, if any.
    public var targets: Set<ResourceAddress>

    /// How many changes of each action.
    public var counts: [Action: Int] {
        Dictionary(grouping: changes, by: \.action).mapValues(\.count)
    }

    /// Objects set aside by an earlier create-before-destroy replacement, deleted by this apply or destroy.
    public var deposedDeletions: [ResourceAddress] { prior.deposed.keys.sorted() }

    /// Whether applying would change anything.
    public var hasChanges: Bool { changes.contains { $0.action != .noop } || !prior.deposed.isEmpty }

    /// The change for `address`, if planned.
    public func change(for address: ResourceAddress) -> ResourceChange? {
        changes.first { $0.address == address }
    }
}

/// One resource the user wants: its address, its inputs (which may reference other resources' outputs) and explicit dependencies.
public struct DesiredResource: Sendable, Hashable {
    /// Where the resource lives in the graph.
    public var address: ResourceAddress
    /// The inputs, as an object; references are resolved during apply.
    public var inputs: [String: Value]
    /// Dependencies that no input reference expresses.
    public var dependsOn: Set<ResourceAddress>

    /// Creates a desired resource.
    public init(_ address: ResourceAddress, inputs: [String: Value] = [:], dependsOn: Set<ResourceAddress> = []) {
        self.address = address
        self.inputs = inputs
        self.dependsOn = dependsOn
    }

    /// Explicit dependencies plus every resource an input refers to.
    public var dependencies: Set<ResourceAddress> {
        dependsOn.union(Value.object(inputs).references.map(\.address))
    }
}

/// A named value the user reads after apply (`drover output`).
public struct OutputDeclaration: Sendable, Hashable {
    /// The value, usually a reference to a resource output.
    public var value: Value
    /// Whether the value is hidden in plans and output listings unless asked for.
    public var sensitive: Bool
    /// One line telling the user what the value is.
    public var description: String

    /// Creates an output declaration.
    public init(_ value: Value, sensitive: Bool = false, description: String = "") {
        self.value = value
        self.sensitive = sensitive
        self.description = description
    }
}

/// The whole desired world: resources by address and outputs by name.
public struct Configuration: Sendable {
    /// The desired resources.
    public private(set) var resources: [ResourceAddress: DesiredResource] = [:]
    /// The outputs, by name.
    public var outputs: [String: OutputDeclaration] = [:]

    /// Creates an empty configuration.
    public init() {}

    /// Creates a configuration from a list of resources.
    public init(_ resources: [DesiredResource], outputs: [String: OutputDeclaration] = [:]) {
        for resource in resources { add(resource) }
        self.outputs = outputs
    }

    /// Adds or replaces a resource.
    public mutating func add(_ resource: DesiredResource) {
        resources[resource.address] = resource
    }

    /// The dependency graph of the desired resources.
    public func graph() -> DependencyGraph<ResourceAddress> {
        var graph = DependencyGraph<ResourceAddress>()
        for resource in resources.values {
            graph.add(resource.address)
            for dependency in resource.dependencies { graph.add(resource.address, dependsOn: dependency) }
        }
        return graph
    }
}

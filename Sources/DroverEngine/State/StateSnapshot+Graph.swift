extension StateSnapshot {
    /// The dependency graph recorded in the state (including addresses known only from pending operations).
    public func graph() -> DependencyGraph<ResourceAddress> {
        var graph = DependencyGraph<ResourceAddress>()
        for address in pendingOperations.keys { graph.add(address) }
        for resource in resources.values {
            graph.add(resource.address)
            for dependency in resource.dependencies where resources[dependency] != nil {
                graph.add(resource.address, dependsOn: dependency)
            }
        }
        return graph
    }
}

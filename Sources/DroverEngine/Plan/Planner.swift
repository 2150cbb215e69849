/// Decides, serially and without side effects, what apply must do to turn the recorded state into the configuration.
public struct Planner: Sendable {
    /// The handlers, consulted for replace triggers and sensitive fields.
    public var registry: ProviderRegistry

    /// Creates a planner.
    public init(registry: ProviderRegistry) { self.registry = registry }

    /// Plans `mode` for `configuration` against `state`, limited to `targets` when not empty.
    ///
    /// With targets, apply covers each target and everything it depends on; destroy covers each target and
    /// everything that depends on it.
    /// - Throws: `CodedError` for a cycle, a reference to a resource that does not exist, an unknown resource
    ///   type or an unknown target.
    public func plan(
        _ configuration: Configuration, state: StateSnapshot, mode: PlanMode = .apply,
        targets: Set<ResourceAddress> = []
    ) throws(CodedError) -> Plan {
        let graph = configuration.graph()
        for resource in configuration.resources.values {
            for dependency in resource.dependencies.sorted() where configuration.resources[dependency] == nil {
                throw CodedError(
                    code: "UnknownReference",
                    message: "\(resource.address) refers to \(dependency), which is not in the configuration")
            }
            if registry.handler(for: resource.address.type) == nil {
                throw CodedError(
                    code: "UnknownResourceType",
                    message: "no provider handles resource type \(resource.address.type) (used by \(resource.address))",
                    remediation: "known types: \(registry.types.joined(separator: ", "))")
            }
        }
        let order: [ResourceAddress]
        do { order = try graph.topologicalOrder() } catch {
            throw CodedError(
                code: "DependencyCycle",
                message: "the resources depend on each other in a cycle: "
                    + error.cycle.map(\.description).joined(separator: " -> "))
        }
        for target in targets where configuration.resources[target] == nil && state.resources[target] == nil {
            throw CodedError(
                code: "UnknownTarget", message: "--target \(target) is neither in the configuration nor in the state",
                remediation: "list addresses with `drover state list` or `drover graph`")
        }

        switch mode {
        case .destroy: return destroyPlan(configuration, state: state, targets: targets)
        case .refresh: return Plan(mode: mode, changes: [], configuration: configuration, prior: state, targets: targets)
        case .apply: break
        }

        let inScope: Set<ResourceAddress>? = targets.isEmpty ? nil : graph.dependencyClosure(of: targets)
        var changes: [ResourceChange] = []
        var planned: [ResourceAddress: Action] = [:]
        for address in order {
            guard inScope?.contains(address) ?? true, let desired = configuration.resources[address] else { continue }
            let handler = registry.handler(for: address.type)!
            let after = Value.object(desired.inputs).resolvingReferences { ref in
                switch planned[ref.address] {
                case .noop?, nil: return state.resources[ref.address]?.outputs.value(at: ref.path)
                default: return .unknown
                }
            }
            let prior = state.resources[address]
            let pending = state.pendingOperations[address]
            var change: ResourceChange
            if let prior, pending == nil {
                let paths = ValueDiff.changedPaths(prior.inputs, after)
                let replacing = paths.filter { handler.replaceTriggers.contains(ValueDiff.topField($0)) }
                let action: Action = paths.isEmpty ? .noop : (replacing.isEmpty ? .update : .replace)
                change = ResourceChange(
                    address: address, action: action, before: prior.inputs, after: after, changedPaths: paths,
                    replacePaths: replacing, sensitiveFields: handler.sensitiveInputs,
                    reason: action == .replace ? "\(replacing.joined(separator: ", ")) cannot change in place" : nil)
            } else {
                change = ResourceChange(
                    address: address, action: .create, before: prior?.inputs, after: after,
                    sensitiveFields: handler.sensitiveInputs, resuming: pending != nil,
                    reason: pending.map { "an interrupted \($0.kind.rawValue) is resumed: the resource is read before anything is sent" })
            }
            planned[address] = change.action
            changes.append(change)
        }
        // Orphans: recorded but no longer wanted (with targets, only when targeted).
        let orphans = Set(state.resources.keys).union(state.pendingOperations.keys)
            .filter { configuration.resources[$0] == nil && (targets.isEmpty || targets.contains($0)) }
        for address in orphans.sorted() {
            changes.append(
                ResourceChange(
                    address: address, action: .delete, before: state.resources[address]?.inputs, after: nil,
                    sensitiveFields: registry.handler(for: address.type)?.sensitiveInputs ?? [],
                    resuming: state.pendingOperations[address] != nil,
                    reason: "no longer in the configuration"))
        }
        return Plan(mode: .apply, changes: changes, configuration: configuration, prior: state, targets: targets)
    }

    private func destroyPlan(_ configuration: Configuration, state: StateSnapshot, targets: Set<ResourceAddress>) -> Plan {
        let graph = state.graph()
        let inScope = targets.isEmpty ? Set(graph.nodes) : graph.dependentClosure(of: targets)
        // Dependents are listed first: that is the order destroy runs in.
        let order = ((try? graph.topologicalOrder()) ?? graph.nodes).reversed().filter(inScope.contains)
        let changes = order.map { address in
            ResourceChange(
                address: address, action: .delete, before: state.resources[address]?.inputs, after: nil,
                sensitiveFields: registry.handler(for: address.type)?.sensitiveInputs ?? [],
                resuming: state.pendingOperations[address] != nil,
                reason: targets.isEmpty || targets.contains(address) ? nil : "depends on a destroyed target")
        }
        return Plan(mode: .destroy, changes: changes, configuration: configuration, prior: state, targets: targets)
    }
}

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

/// Decides, serially and without side effects, what apply must do to turn the recorded state into the configuration.
public struct Planner: Sendable {
    /// The handlers, consulted for replace triggers, sensitive fields and planned outputs.
    public var registry: ProviderRegistry

    /// Creates a planner.
    public init(registry: ProviderRegistry) { self.registry = registry }

    /// Plans `mode` for `configuration` against `state`, limited to `targets` when not empty.
    ///
    /// With targets, apply covers each target and everything it depends on; destroy covers each target and
    /// everything that depends on it.
    /// - Throws: `CodedError` for a cycle, a reference to a resource that does not exist, an unknown resource
    ///   type, inputs that do not fit their handler, or an unknown target.
    public func plan(
        _ configuration: Configuration, state: StateSnapshot, mode: PlanMode = .apply,
        targets: Set<ResourceAddress> = []
    ) throws(CodedError) -> Plan {
        let graph = configuration.graph()
        try check(configuration, graph: graph)
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
        var planning = PlanningState(state: state, registry: registry)
        var changes: [ResourceChange] = []
        for address in order {
            guard inScope?.contains(address) ?? true, let desired = configuration.resources[address] else { continue }
            let change = try planning.plan(desired, handler: registry.handler(for: address.type)!)
            changes.append(change)
        }
        // Orphans: recorded but no longer wanted (with targets, only when targeted).
        let orphans = Set(state.resources.keys).union(state.pendingOperations.keys)
            .filter { configuration.resources[$0] == nil && (targets.isEmpty || targets.contains($0)) }
        for address in orphans.sorted() {
            changes.append(
                ResourceChange(
                    address: address, action: .delete, before: state.resources[address]?.inputs, after: nil,
                    sensitiveFields: planning.recordedSensitiveFields(address),
                    resuming: state.pendingOperations[address] != nil,
                    reason: "no longer in the configuration"))
        }
        var planned = configuration
        for (name, output) in configuration.outputs where !output.sensitive && planning.containsSecret(output.value) {
            planned.outputs[name]?.sensitive = true
        }
        return Plan(mode: .apply, changes: changes, configuration: planned, prior: state, targets: targets)
    }

    /// Refuses references to missing resources, unknown types and inputs whose shape does not fit the handler.
    ///
    /// The first pass is unordered (sorting thousands of addresses costs more than the checks); only when something
    /// is wrong are the resources walked in address order, so the reported problem is always the same one.
    private func check(_ configuration: Configuration, graph: DependencyGraph<ResourceAddress>) throws(CodedError) {
        let problem = { (resource: DesiredResource) in self.problem(with: resource, in: configuration, graph: graph) }
        guard configuration.resources.values.contains(where: { problem($0) != nil }) else { return }
        for resource in configuration.resources.values.sorted(by: { $0.address < $1.address }) {
            if let error = problem(resource) { throw error }
        }
    }

    private func problem(
        with resource: DesiredResource, in configuration: Configuration, graph: DependencyGraph<ResourceAddress>
    ) -> CodedError? {
        let dependencies = graph.dependencies[resource.address] ?? []
        if dependencies.contains(where: { configuration.resources[$0] == nil }),
            let dependency = dependencies.filter({ configuration.resources[$0] == nil }).min()
        {
            return CodedError(
                code: "UnknownReference",
                message: "\(resource.address) refers to \(dependency), which is not in the configuration")
        }
        guard let handler = registry.handler(for: resource.address.type) else {
            return CodedError(
                code: "UnknownResourceType",
                message: "no provider handles resource type \(resource.address.type) (used by \(resource.address))",
                remediation: "known types: \(registry.types.joined(separator: ", "))")
        }
        if let problem = handler.checkInputs(.object(resource.inputs)) {
            return CodedError(
                code: "InvalidInputs", message: "inputs of \(resource.address) do not fit \(resource.address.type): \(problem)",
                remediation: "this is a bug in how the blueprint builds \(resource.address.type); please report it")
        }
        return nil
    }

    private func destroyPlan(_ configuration: Configuration, state: StateSnapshot, targets: Set<ResourceAddress>) -> Plan {
        let graph = state.graph()
        let inScope = targets.isEmpty ? Set(graph.nodes) : graph.dependentClosure(of: targets)
        // Dependents are listed first: that is the order destroy runs in.
        let order = ((try? graph.topologicalOrder()) ?? graph.nodes).reversed().filter(inScope.contains)
        let planning = PlanningState(state: state, registry: registry)
        let changes = order.map { address in
            ResourceChange(
                address: address, action: .delete, before: state.resources[address]?.inputs, after: nil,
                sensitiveFields: planning.recordedSensitiveFields(address),
                resuming: state.pendingOperations[address] != nil,
                reason: targets.isEmpty || targets.contains(address) ? nil : "depends on a destroyed target")
        }
        return Plan(mode: .destroy, changes: changes, configuration: configuration, prior: state, targets: targets)
    }
}

/// What the planner knows about the resources planned so far: their actions and the outputs they will have.
struct PlanningState {
    let state: StateSnapshot
    let registry: ProviderRegistry
    let secrets: SecretSet
    /// Each type's declared sensitive outputs and inputs, looked up once instead of per reference.
    let sensitiveOutputsByType: [String: Set<String>]
    let sensitiveInputsByType: [String: Set<String>]
    /// Per planned resource: its outputs once applied (nil when none is known before apply).
    var plannedOutputs: [ResourceAddress: Value?] = [:]
    /// Resources planned to be deleted before their replacement exists.
    var destroyedFirst: Set<ResourceAddress> = []

    init(state: StateSnapshot, registry: ProviderRegistry) {
        self.state = state
        self.registry = registry
        self.secrets = state.secrets
        var outputs: [String: Set<String>] = [:], inputs: [String: Set<String>] = [:]
        for type in registry.types {
            outputs[type] = registry.handler(for: type)?.sensitiveOutputs
            inputs[type] = registry.handler(for: type)?.sensitiveInputs
        }
        sensitiveOutputsByType = outputs
        sensitiveInputsByType = inputs
    }

    /// The outputs a reference will read once apply gets there, `.unknown` where only apply can tell.
    func resolve(_ reference: OutputReference) -> Value? {
        guard let outputs = plannedOutputs[reference.address] else {
            // Outside the plan's scope (--target): what the state holds.
            return state.resources[reference.address]?.outputs.value(at: reference.path)
        }
        return (outputs ?? .unknown).value(at: reference.path)
    }

    /// Whether a reference reads a secret: declared by its handler, recorded as sensitive, or holding a known secret.
    func isSensitive(_ reference: OutputReference) -> Bool {
        guard let field = reference.path.first else { return false }
        if sensitiveOutputsByType[reference.address.type]?.contains(field) == true { return true }
        if let recorded = state.resources[reference.address], !recorded.sensitivePaths.isEmpty,
            recorded.sensitivePaths.contains("outputs.\(field)")
        {
            return true
        }
        return !secrets.isEmpty && (resolve(reference).map(secrets.isContained(in:)) ?? false)
    }

    /// Whether `value` holds a secret directly or through a reference.
    func containsSecret(_ value: Value) -> Bool {
        secrets.isContained(in: value) || value.containsReference(where: isSensitive)
    }

    /// Top-level input fields of `desired` that are secret: declared, or carrying a secret in from elsewhere.
    func sensitiveFields(_ desired: DesiredResource, handler: AnyResourceHandler) -> Set<String> {
        var fields = handler.sensitiveInputs.union(recordedSensitiveFields(desired.address))
        for (field, value) in desired.inputs where containsSecret(value) { fields.insert(field) }
        return fields
    }

    /// Input fields the state records as sensitive for `address`.
    func recordedSensitiveFields(_ address: ResourceAddress) -> Set<String> {
        var fields = sensitiveInputsByType[address.type] ?? []
        for path in state.resources[address]?.sensitivePaths ?? [] where path.hasPrefix("inputs.") {
            fields.insert(String(path.dropFirst("inputs.".count)))
        }
        return fields
    }

    /// Whether the resource at `address` is planned to be deleted before its replacement exists.
    func isDestroyedFirst(_ address: ResourceAddress) -> Bool { destroyedFirst.contains(address) }

    mutating func plan(_ desired: DesiredResource, handler: AnyResourceHandler) throws(CodedError) -> ResourceChange {
        let address = desired.address
        let after = Value.object(desired.inputs).resolvingReferences(resolve)
        let prior = state.resources[address]
        let pending = state.pendingOperations[address]
        let sensitive = sensitiveFields(desired, handler: handler)
        var change: ResourceChange
        if let pending {
            let action: Action = pending.kind == .update ? .update : (pending.kind == .delete ? .replace : .create)
            change = ResourceChange(
                address: address, action: action, before: prior?.inputs, after: after, sensitiveFields: sensitive,
                resuming: true, reason: "an interrupted \(pending.kind.rawValue) is resumed before anything new is sent")
        } else if let prior {
            change = compare(prior, after: after, desired: desired, handler: handler, sensitive: sensitive)
        } else {
            change = ResourceChange(
                address: address, action: handler.kind == .dataSource ? .read : .create, before: nil, after: after,
                sensitiveFields: sensitive)
        }
        plannedOutputs[address] = outputs(after: change, prior: prior, handler: handler)
        if change.action == .replace, !change.createBeforeDestroy { destroyedFirst.insert(address) }
        return change
    }

    private func compare(
        _ prior: ResourceState, after: Value, desired: DesiredResource, handler: AnyResourceHandler, sensitive: Set<String>
    ) -> ResourceChange {
        let paths = ValueDiff.changedPaths(prior.inputs, after)
        if paths.isEmpty {
            return ResourceChange(address: desired.address, action: .noop, before: prior.inputs, after: after, sensitiveFields: sensitive)
        }
        if handler.kind == .dataSource {
            return ResourceChange(
                address: desired.address, action: .read, before: prior.inputs, after: after, changedPaths: paths,
                sensitiveFields: sensitive)
        }
        let replacing = paths.filter { handler.replaceTriggers.contains(ValueDiff.topField($0)) }
        // A dependent of an object deleted before its successor exists would point at nothing: it is replaced too.
        let orphaned = destroyedFirst.isEmpty ? [] : Value.object(desired.inputs).references.map(\.address).filter(isDestroyedFirst)
        // Create-before-destroy is impossible under a dependency that is itself deleted first: its old object would
        // have to outlive the dependency it points at (Terraform forces the same).
        let underDestroyFirst = !destroyedFirst.isEmpty && desired.dependencies.contains(where: isDestroyedFirst)
        let reason: String?
        if !replacing.isEmpty {
            reason = "\(replacing.joined(separator: ", ")) cannot change in place"
        } else if let first = orphaned.sorted().first {
            reason = "it refers to \(first), which is deleted before it is created anew"
        } else {
            reason = nil
        }
        return ResourceChange(
            address: desired.address, action: reason == nil ? .update : .replace, before: prior.inputs, after: after,
            changedPaths: paths, replacePaths: replacing, sensitiveFields: sensitive,
            createBeforeDestroy: reason != nil && handler.createBeforeDestroy && !underDestroyFirst, reason: reason)
    }

    private func outputs(after change: ResourceChange, prior: ResourceState?, handler: AnyResourceHandler) -> Value? {
        guard let after = change.after else { return nil }
        switch change.action {
        case .noop: return prior?.outputs
        case .update where !change.resuming:
            return handler.plannedOutputs(prior?.inputs, after, prior?.outputs)
        case .create where !change.resuming, .replace where !change.resuming:
            return handler.plannedOutputs(nil, after, nil)
        default: return nil
        }
    }
}

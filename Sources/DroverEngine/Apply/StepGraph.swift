/// The order of apply's steps: creations after what they depend on, deletions before what the deleted object
/// depended on, and a replaced object's dependents never left pointing at a deleted one.
enum StepGraph {
    /// One unit of work on one resource.
    struct Step: Hashable, Comparable, Sendable, CustomStringConvertible {
        /// What the step does.
        enum Phase: Int, Sendable {
            /// Delete the current object (a deletion, or the first half of a destroy-first replacement).
            case delete = 0
            /// Create, update or read the resource.
            case apply = 1
            /// Delete the object a create-before-destroy replacement set aside.
            case deleteDeposed = 2
        }
        var address: ResourceAddress
        var phase: Phase

        static func < (a: Step, b: Step) -> Bool {
            a.address != b.address ? a.address < b.address : a.phase.rawValue < b.phase.rawValue
        }

        var description: String { "\(address) (\(phase))" }

        /// The operation name shown in events.
        func operationName(_ change: ResourceChange?) -> String {
            switch phase {
            case .delete, .deleteDeposed: return "delete"
            case .apply:
                switch change?.action {
                case .update?: return "update"
                case .read?: return "read"
                default: return "create"
                }
            }
        }
    }

    static func build(for plan: Plan) -> DependencyGraph<Step> {
        var graph = DependencyGraph<Step>()
        var changes: [ResourceAddress: ResourceChange] = [:]
        for change in plan.changes where change.action != .noop {
            changes[change.address] = change
            let apply = Step(address: change.address, phase: .apply)
            let delete = Step(address: change.address, phase: .delete)
            switch change.action {
            case .create, .update, .read:
                graph.add(apply)
            case .replace where change.createBeforeDestroy:
                graph.add(Step(address: change.address, phase: .deleteDeposed), dependsOn: apply)
            case .replace:
                graph.add(apply, dependsOn: delete)
            case .delete:
                graph.add(delete)
            case .noop:
                break
            }
        }
        for address in plan.deposedDeletions where changes[address]?.createBeforeDestroy != true {
            graph.add(Step(address: address, phase: .deleteDeposed))
        }
        for (address, change) in changes where change.action != .delete {
            guard let desired = plan.configuration.resources[address] else { continue }
            for dependency in desired.dependencies where changes[dependency].map({ $0.action != .delete }) == true {
                graph.add(Step(address: address, phase: .apply), dependsOn: Step(address: dependency, phase: .apply))
            }
        }
        // An old object is deleted only once nothing refers to it any more: each recorded dependent is deleted first,
        // or (when updated in place) points at the new object first.
        for resource in plan.prior.resources.values {
            for dependency in resource.dependencies {
                guard let oldGone = oldObjectDeletion(changes[dependency]),
                    let released = release(of: resource.address, changes[resource.address], dependencyChange: changes[dependency]!)
                else { continue }
                graph.add(oldGone, dependsOn: released)
            }
        }
        return graph
    }

    /// The step that deletes the recorded object of a resource, if the plan deletes it.
    private static func oldObjectDeletion(_ change: ResourceChange?) -> Step? {
        guard let change else { return nil }
        switch change.action {
        case .delete: return Step(address: change.address, phase: .delete)
        case .replace: return Step(address: change.address, phase: change.createBeforeDestroy ? .deleteDeposed : .delete)
        default: return nil
        }
    }

    /// The step after which the recorded object of `address` no longer refers to a dependency being deleted.
    private static func release(of address: ResourceAddress, _ change: ResourceChange?, dependencyChange: ResourceChange) -> Step? {
        guard let change else { return nil }
        switch change.action {
        case .delete: return Step(address: address, phase: .delete)
        case .replace: return Step(address: address, phase: change.createBeforeDestroy ? .deleteDeposed : .delete)
        case .update where dependencyChange.action == .delete || dependencyChange.createBeforeDestroy:
            return Step(address: address, phase: .apply)
        default: return nil
        }
    }
}

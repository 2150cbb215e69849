import Foundation

/// Carries out a plan: builds the step graph, walks it in parallel, records every change, commits the state.
struct Applier: Sendable {
    let registry: ProviderRegistry
    let store: any StateStore
    let sink: EngineEventSink
    let clock: any EngineClock
    let parallelism: Int
    let stop: StopSignal?
    let stillRunningInterval: Double

    /// One unit of work: deleting a resource, or creating/updating it.
    struct Step: Hashable, Comparable, Sendable, CustomStringConvertible {
        enum Phase: Int, Sendable { case delete = 0, apply = 1 }
        var address: ResourceAddress
        var phase: Phase
        static func < (a: Step, b: Step) -> Bool {
            a.address != b.address ? a.address < b.address : a.phase.rawValue < b.phase.rawValue
        }
        var description: String { "\(address) (\(phase == .delete ? "delete" : "apply"))" }
    }

    /// Orders steps: creations after what they depend on, deletions before what the deleted resource depended on.
    static func stepGraph(for plan: Plan) -> DependencyGraph<Step> {
        var graph = DependencyGraph<Step>()
        var changes: [ResourceAddress: Action] = [:]
        for change in plan.changes where change.action != .noop {
            changes[change.address] = change.action
            switch change.action {
            case .create, .update:
                graph.add(Step(address: change.address, phase: .apply))
            case .replace:
                graph.add(Step(address: change.address, phase: .apply), dependsOn: Step(address: change.address, phase: .delete))
            case .delete:
                graph.add(Step(address: change.address, phase: .delete))
            case .noop:
                break
            }
        }
        for (address, action) in changes {
            if action != .delete, let desired = plan.configuration.resources[address] {
                for dependency in desired.dependencies where changes[dependency].map({ $0 != .delete }) == true {
                    graph.add(Step(address: address, phase: .apply), dependsOn: Step(address: dependency, phase: .apply))
                }
            }
        }
        // A resource is deleted only after everything recorded as depending on it is deleted, or updated away from it.
        for resource in plan.prior.resources.values {
            for dependency in resource.dependencies {
                guard let dependencyAction = changes[dependency], dependencyAction == .delete || dependencyAction == .replace else { continue }
                let deletion = Step(address: dependency, phase: .delete)
                switch changes[resource.address] {
                case .delete?, .replace?:
                    graph.add(deletion, dependsOn: Step(address: resource.address, phase: .delete))
                case .update? where dependencyAction == .delete:
                    graph.add(deletion, dependsOn: Step(address: resource.address, phase: .apply))
                default:
                    break
                }
            }
        }
        return graph
    }

    func run(_ plan: Plan) async throws -> ApplyResult {
        let recorder = StateRecorder(snapshot: plan.prior, store: store)
        let graph = Self.stepGraph(for: plan)
        let changes = Dictionary(plan.changes.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let failures = FailureLog()
        let heartbeat = Task { [clock, sink, stillRunningInterval] in
            while true {
                try await clock.sleep(seconds: stillRunningInterval)
                let now = clock.now()
                for (address, entry) in await failures.running.sorted(by: { $0.key < $1.key })
                where now - entry.since >= stillRunningInterval {
                    sink(EngineEvent(.stillRunning, address: address, operation: entry.operation, elapsedSeconds: now - entry.since))
                }
            }
        }
        defer { heartbeat.cancel() }
        let outcomes = await GraphWalker(graph: graph, parallelism: parallelism).walk(stop: stop) { step in
            guard let change = changes[step.address] else { return false }
            return await perform(step, change: change, plan: plan, recorder: recorder, failures: failures)
        }
        let skipped = outcomes.filter { $0.value == .skipped }.map(\.key.address)
        for address in Set(skipped).sorted() {
            sink(EngineEvent(.skipped, address: address, message: "not started: a resource it depends on failed"))
        }
        let notStarted = Set(graph.nodes.filter { outcomes[$0] == nil }.map(\.address)).subtracting(skipped).sorted()

        var outputs: [String: OutputState] = [:]
        if plan.mode == .apply {
            let live = await recorder.snapshot
            for (name, declaration) in plan.configuration.outputs {
                let value = declaration.value.resolvingReferences { live.resources[$0.address]?.outputs.value(at: $0.path) }
                if value.isFullyKnown { outputs[name] = OutputState(value: value, sensitive: declaration.sensitive) }
            }
        }
        let state = try await recorder.commit(outputs: outputs)
        let failed = await failures.all
        var completed: [String: Int] = [:]
        for entry in await failures.completed { completed[entry, default: 0] += 1 }
        if plan.mode == .apply {
            let visible = outputs.filter { !$0.value.sensitive }.mapValues(\.value)
            let hidden = outputs.filter(\.value.sensitive).keys.sorted()
            sink(EngineEvent(.outputs, paths: hidden.isEmpty ? nil : hidden, outputs: visible))
        }
        var counts = completed
        if !failed.isEmpty { counts["failed"] = failed.count }
        if !skipped.isEmpty { counts["skipped"] = Set(skipped).count }
        if !notStarted.isEmpty { counts["interrupted"] = notStarted.count }
        sink(EngineEvent(.finished, counts: counts))
        return ApplyResult(
            state: state, failures: failed.sorted { $0.address < $1.address }, skipped: Set(skipped).sorted(),
            notStarted: notStarted, completed: completed)
    }

    /// Collects running, failed and completed operations from concurrent steps.
    actor FailureLog {
        var all: [ResourceFailure] = []
        var completed: [String] = []
        var running: [ResourceAddress: (operation: String, since: Double)] = [:]
        func start(_ address: ResourceAddress, _ operation: String, at time: Double) { running[address] = (operation, time) }
        func add(_ failure: ResourceFailure) {
            running[failure.address] = nil
            all.append(failure)
        }
        func done(_ address: ResourceAddress, _ operation: String) {
            running[address] = nil
            completed.append(operation)
        }
    }

    private func perform(
        _ step: Step, change: ResourceChange, plan: Plan, recorder: StateRecorder, failures: FailureLog
    ) async -> Bool {
        let address = step.address
        let handler = registry.handler(for: address.type)
        var operation = step.phase == .delete ? "delete" : (change.action == .update ? "update" : "create")
        let started = clock.now()
        sink(EngineEvent(.started, address: address, operation: operation, message: change.resuming ? "resuming an interrupted operation" : nil))
        await failures.start(address, operation, at: started)
        do {
            guard let handler else {
                throw CodedError(code: "UnknownResourceType", message: "no provider handles \(address.type)")
            }
            if step.phase == .delete {
                try await delete(address, handler: handler, recorder: recorder)
            } else {
                operation = try await createOrUpdate(address, change: change, plan: plan, handler: handler, recorder: recorder)
            }
            sink(EngineEvent(.succeeded, address: address, operation: operation, elapsedSeconds: clock.now() - started))
            await failures.done(address, operation)
            return true
        } catch {
            if !(error is CancellationError), !Task.isCancelled, await recorder.pending(address) != nil {
                try? await recorder.record(.pendingCleared(address))
            }
            let failure = ResourceFailure(address: address, operation: operation, error: error)
            sink(
                EngineEvent(
                    .failed, address: address, operation: operation, message: failure.message, code: failure.code,
                    remediation: failure.remediation, elapsedSeconds: clock.now() - started))
            await failures.add(failure)
            return false
        }
    }

    private func context(
        _ address: ResourceAddress, _ operation: OperationKind, resumeToken: String?, recorder: StateRecorder
    ) -> OperationContext {
        let sink = self.sink
        return OperationContext(
            address: address, operation: operation, resumeToken: resumeToken, clock: clock, stop: stop,
            recordResumeToken: { token in try await recorder.record(.resumeToken(address, token)) },
            report: { message, table in sink(EngineEvent(.progress, address: address, message: message, table: table)) })
    }

    private func sensitivePaths(_ handler: AnyResourceHandler, inputs: Value, outputs: Value) -> [String] {
        handler.sensitiveInputs.filter { inputs[$0] != nil }.map { "inputs.\($0)" }
            + handler.sensitiveOutputs.filter { outputs[$0] != nil }.map { "outputs.\($0)" }
    }

    /// Creates, adopts or updates the resource; returns the operation actually performed.
    private func createOrUpdate(
        _ address: ResourceAddress, change: ResourceChange, plan: Plan, handler: AnyResourceHandler, recorder: StateRecorder
    ) async throws -> String {
        guard let desired = plan.configuration.resources[address] else {
            throw CodedError(code: "NotInConfiguration", message: "\(address) is not in the configuration")
        }
        var resolved: [OutputReference: Value] = [:]
        for reference in Value.object(desired.inputs).references {
            resolved[reference] = await recorder.outputs(reference)
        }
        let missing = Value.object(desired.inputs).references.filter { resolved[$0] == nil }
        guard missing.isEmpty else {
            throw CodedError(
                code: "MissingOutput",
                message: "referenced outputs do not exist: \(missing.map(\.description).joined(separator: ", "))")
        }
        let inputs = Value.object(desired.inputs).resolvingReferences { resolved[$0] }
        let dependencies = desired.dependencies.sorted()
        let prior = await recorder.resource(address)

        func record(_ outputs: Value) async throws {
            try await recorder.record(
                .resource(
                    ResourceState(
                        address: address, inputs: inputs, outputs: outputs, dependencies: dependencies,
                        sensitivePaths: sensitivePaths(handler, inputs: inputs, outputs: outputs))))
        }
        func update(from prior: ResourceState) async throws -> String {
            if prior.inputs == inputs {
                try await record(prior.outputs)
                return "read"
            }
            try await recorder.record(.pending(PendingOperation(address: address, kind: .update, startedAt: Date(), inputs: inputs)))
            let outputs = try await handler.update(
                prior.inputs, inputs, prior.outputs, context(address, .update, resumeToken: nil, recorder: recorder))
            try await record(outputs)
            return "update"
        }

        if change.resuming, let pending = await recorder.pending(address) {
            let ctx = context(address, .create, resumeToken: pending.resumeToken, recorder: recorder)
            if let found = try await handler.read(inputs, prior?.outputs, ctx)?.outputs {
                // The interrupted operation reached the remote side: adopt what exists instead of creating it twice.
                if let prior, prior.inputs != inputs {
                    return try await update(from: ResourceState(address: address, inputs: prior.inputs, outputs: found))
                }
                try await record(found)
                return "read"
            }
            let outputs = try await handler.create(inputs, ctx)
            try await record(outputs)
            return "create"
        }
        if change.action == .update, let prior {
            return try await update(from: prior)
        }
        try await recorder.record(.pending(PendingOperation(address: address, kind: .create, startedAt: Date(), inputs: inputs)))
        let outputs = try await handler.create(inputs, context(address, .create, resumeToken: nil, recorder: recorder))
        try await record(outputs)
        return "create"
    }

    private func delete(_ address: ResourceAddress, handler: AnyResourceHandler, recorder: StateRecorder) async throws {
        var prior = await recorder.resource(address)
        let pending = await recorder.pending(address)
        if prior == nil, let pending {
            // Only a pending operation is known: find out whether it left anything behind.
            let ctx = context(address, .read, resumeToken: pending.resumeToken, recorder: recorder)
            guard let found = try await handler.read(pending.inputs, nil, ctx)?.outputs else {
                try await recorder.record(.pendingCleared(address))
                return
            }
            prior = ResourceState(address: address, inputs: pending.inputs, outputs: found)
        }
        guard let prior else { return }
        try await recorder.record(.pending(PendingOperation(address: address, kind: .delete, startedAt: Date(), inputs: prior.inputs)))
        try await handler.delete(prior.inputs, prior.outputs, context(address, .delete, resumeToken: pending?.resumeToken, recorder: recorder))
        try await recorder.record(.removed(address))
    }
}

import Foundation

/// Carries out a plan: builds the step graph, walks it in parallel, records every change, commits the state.
struct Applier: Sendable {
    let registry: ProviderRegistry
    let store: any StateStore
    /// Already scrubbing: every event is passed through `scrubber` first.
    let sink: EngineEventSink
    let scrubber: Scrubber
    let clock: any EngineClock
    let parallelism: Int
    let stop: StopSignal?
    let stillRunningInterval: Double
    let operationTimeout: Double?

    /// How often a resumed operation re-reads a resource the remote side is still provisioning.
    static let settlePollSeconds = 5.0
    /// How long a resumed operation waits for a resource to stop provisioning.
    static let settleTimeoutSeconds = 3600.0

    func run(_ plan: Plan) async throws -> ApplyResult {
        let recorder = StateRecorder(snapshot: plan.prior, store: store, scrubber: scrubber)
        let graph = StepGraph.build(for: plan)
        let changes = Dictionary(plan.changes.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        let log = RunLog()
        let heartbeat = Task { [clock, sink, stillRunningInterval] in
            while true {
                try await clock.sleep(seconds: stillRunningInterval)
                let now = clock.now()
                for (address, entry) in await log.running.sorted(by: { $0.key < $1.key })
                where now - entry.since >= stillRunningInterval {
                    sink(EngineEvent(.stillRunning, address: address, operation: entry.operation, elapsedSeconds: now - entry.since))
                }
            }
        }
        defer { heartbeat.cancel() }
        let outcomes = await GraphWalker(graph: graph, parallelism: parallelism).walk(stop: stop) { step in
            await perform(step, change: changes[step.address], plan: plan, recorder: recorder, log: log)
        }
        let skipped = Set(outcomes.filter { $0.value == .skipped }.map(\.key.address))
        for address in skipped.sorted() {
            sink(EngineEvent(.skipped, address: address, message: "not started: a resource it depends on failed"))
        }
        let interrupted = await log.interrupted
        let notStarted = Set(graph.nodes.filter { outcomes[$0] == nil }.map(\.address)).union(interrupted)
            .subtracting(skipped).sorted()

        let outputs = plan.mode == .apply ? await resolveOutputs(plan, recorder: recorder) : [:]
        let state = try await recorder.commit(outputs: outputs)
        let failed = await log.failures
        var completed: [String: Int] = [:]
        for entry in await log.completed { completed[entry, default: 0] += 1 }
        if plan.mode == .apply {
            let visible = outputs.filter { !$0.value.sensitive }.mapValues(\.value)
            let hidden = outputs.filter(\.value.sensitive).keys.sorted()
            sink(EngineEvent(.outputs, paths: hidden.isEmpty ? nil : hidden, outputs: visible))
        }
        var counts = completed
        if !failed.isEmpty { counts["failed"] = failed.count }
        if !skipped.isEmpty { counts["skipped"] = skipped.count }
        if !notStarted.isEmpty { counts["interrupted"] = notStarted.count }
        sink(EngineEvent(.finished, counts: counts))
        return ApplyResult(
            state: state, failures: failed.sorted { $0.address < $1.address }, skipped: skipped.sorted(),
            notStarted: notStarted, completed: completed)
    }

    /// The configuration's outputs from the live state; an output holding a secret is sensitive whatever it declared.
    private func resolveOutputs(_ plan: Plan, recorder: StateRecorder) async -> [String: OutputState] {
        let live = await recorder.snapshot
        let secrets = live.secrets
        var outputs: [String: OutputState] = [:]
        for (name, declaration) in plan.configuration.outputs {
            let value = declaration.value.resolvingReferences { live.resources[$0.address]?.outputs.value(at: $0.path) }
            guard value.isFullyKnown else { continue }
            outputs[name] = OutputState(value: value, sensitive: declaration.sensitive || secrets.isContained(in: value))
        }
        return outputs
    }

    /// Collects running, failed, interrupted and completed operations from concurrent steps.
    actor RunLog {
        var failures: [ResourceFailure] = []
        var interrupted: [ResourceAddress] = []
        var completed: [String] = []
        var running: [ResourceAddress: (operation: String, since: Double)] = [:]
        func start(_ address: ResourceAddress, _ operation: String, at time: Double) { running[address] = (operation, time) }
        func fail(_ failure: ResourceFailure) {
            running[failure.address] = nil
            failures.append(failure)
        }
        func interrupt(_ address: ResourceAddress) {
            running[address] = nil
            interrupted.append(address)
        }
        func done(_ address: ResourceAddress, _ operation: String) {
            running[address] = nil
            completed.append(operation)
        }
    }

    private func perform(
        _ step: StepGraph.Step, change: ResourceChange?, plan: Plan, recorder: StateRecorder, log: RunLog
    ) async -> Bool {
        let address = step.address
        let handler = registry.handler(for: address.type)
        var operation = step.operationName(change)
        let started = clock.now()
        let resuming = change?.resuming == true && step.phase != .deleteDeposed
        sink(EngineEvent(.started, address: address, operation: operation, message: resuming ? "resuming an interrupted operation" : nil))
        await log.start(address, operation, at: started)
        do {
            guard let handler else {
                throw CodedError(code: "UnknownResourceType", message: "no provider handles \(address.type)", nothingApplied: true)
            }
            let operations = Operations(applier: self, address: address, handler: handler, recorder: recorder)
            switch step.phase {
            case .delete: operation = try await operations.delete()
            case .deleteDeposed: operation = try await operations.deleteDeposed()
            case .apply:
                guard let change, let desired = plan.configuration.resources[address] else {
                    throw CodedError(code: "NotInConfiguration", message: "\(address) is not in the configuration", nothingApplied: true)
                }
                operation = try await operations.apply(change, desired: desired)
            }
            sink(EngineEvent(.succeeded, address: address, operation: operation, elapsedSeconds: clock.now() - started))
            await log.done(address, operation)
            return true
        } catch {
            return await failed(address, operation: operation, error: error, started: started, recorder: recorder, log: log)
        }
    }

    /// Records a failed step: the pending operation stays unless the error says nothing was applied.
    private func failed(
        _ address: ResourceAddress, operation: String, error: any Error, started: Double, recorder: StateRecorder, log: RunLog
    ) async -> Bool {
        let coded = error as? CodedError
        if coded?.code == CodedError.interrupted.code || error is CancellationError {
            sink(EngineEvent(.skipped, address: address, operation: operation, message: CodedError.interrupted.message))
            await log.interrupt(address)
            return false
        }
        if coded?.nothingApplied == true, await recorder.pending(address) != nil {
            try? await recorder.record(.pendingCleared(address))
        }
        let failure = scrubber.scrub(ResourceFailure(address: address, operation: operation, error: error))
        sink(
            EngineEvent(
                .failed, address: address, operation: operation, message: failure.message, code: failure.code,
                remediation: failure.remediation, elapsedSeconds: clock.now() - started))
        await log.fail(failure)
        return false
    }

    func context(
        _ address: ResourceAddress, _ operation: OperationKind, resumeToken: String?, recorder: StateRecorder
    ) -> OperationContext {
        let sink = self.sink
        return OperationContext(
            address: address, operation: operation, resumeToken: resumeToken, clock: clock, stop: stop,
            deadline: operationTimeout.map { clock.now() + $0 }, recordResumeToken: { token in try await recorder.record(.resumeToken(address, token)) },
            report: { message, table in sink(EngineEvent(.progress, address: address, message: message, table: table)) },
            reportWait: { seconds in sink(EngineEvent(.waited, address: address, operation: operation.rawValue, elapsedSeconds: seconds)) })
    }
}

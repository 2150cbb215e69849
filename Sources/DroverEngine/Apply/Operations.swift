import Foundation

/// The calls apply makes on one resource's handler, with the state recorded around each so a crash or a failure
/// at any point leaves enough to resume without sending anything twice.
struct Operations {
    let applier: Applier
    let address: ResourceAddress
    let handler: AnyResourceHandler
    let recorder: StateRecorder

    private func context(_ operation: OperationKind, resumeToken: String? = nil) -> OperationContext {
        applier.context(address, operation, resumeToken: resumeToken, recorder: recorder)
    }

    // MARK: Create, update, read

    /// Creates, resumes, updates or reads the resource; returns the operation actually performed.
    func apply(_ change: ResourceChange, desired: DesiredResource) async throws -> String {
        let inputs = try await resolvedInputs(desired)
        if change.action == .read {
            return try await readDataSource(inputs, change: change, desired: desired)
        }
        let (pending, recorded) = await recorder.entry(address)
        if let pending {
            switch pending.kind {
            case .create: return try await resumeCreate(pending, inputs: inputs, change: change, desired: desired)
            case .update: return try await resumeUpdate(pending, inputs: inputs, change: change, desired: desired)
            case .delete: break  // the delete step finished it; what remains is a fresh create
            }
        }
        var prior = recorded
        if change.action == .replace, change.createBeforeDestroy, prior != nil {
            try await recorder.record(.deposed(address))
            prior = nil
        }
        if let prior {
            return try await update(from: prior, to: inputs, change: change, desired: desired)
        }
        return try await create(inputs, change: change, desired: desired)
    }

    private func resolvedInputs(_ desired: DesiredResource) async throws -> Value {
        var resolved: [OutputReference: Value] = [:]
        let references = Value.object(desired.inputs).references
        for reference in references { resolved[reference] = await recorder.outputs(reference) }
        let missing = references.filter { resolved[$0] == nil }
        guard missing.isEmpty else {
            throw CodedError(
                code: "MissingOutput",
                message: "referenced outputs do not exist: \(missing.map(\.description).joined(separator: ", "))",
                nothingApplied: true)
        }
        return Value.object(desired.inputs).resolvingReferences { resolved[$0] }
    }

    private func record(_ inputs: Value, _ outputs: Value, change: ResourceChange, desired: DesiredResource) async throws {
        try await recorder.recordResource(
            address, inputs: inputs, outputs: outputs, dependencies: desired.dependencies.sorted(), handler: handler,
            sensitiveInputs: change.sensitiveFields)
    }

    private func create(_ inputs: Value, change: ResourceChange, desired: DesiredResource) async throws -> String {
        try await recorder.record(.pending(PendingOperation(address: address, kind: .create, startedAt: Date(), inputs: inputs)))
        let outputs = try await handler.create(inputs, context(.create))
        try await record(inputs, outputs, change: change, desired: desired)
        return "create"
    }

    private func update(from prior: ResourceState, to inputs: Value, change: ResourceChange, desired: DesiredResource) async throws -> String {
        if prior.inputs == inputs {
            try await record(inputs, prior.outputs, change: change, desired: desired)
            return "read"
        }
        try await recorder.record(.pending(PendingOperation(address: address, kind: .update, startedAt: Date(), inputs: inputs)))
        let outputs = try await handler.update(prior.inputs, inputs, prior.outputs, context(.update))
        try await record(inputs, outputs, change: change, desired: desired)
        return "update"
    }

    private func readDataSource(_ inputs: Value, change: ResourceChange, desired: DesiredResource) async throws -> String {
        guard let found = try await handler.read(inputs, nil, context(.read)) else {
            throw CodedError(
                code: "NotFound", message: "\(address) names an object that does not exist", remediation: "check its name in the spec",
                notFound: true, nothingApplied: true)
        }
        try await record(inputs, found.outputs, change: change, desired: desired)
        return "read"
    }

    /// Finishes an interrupted creation: polls the recorded operation, or adopts what the remote side holds.
    private func resumeCreate(
        _ pending: PendingOperation, inputs: Value, change: ResourceChange, desired: DesiredResource
    ) async throws -> String {
        if let token = pending.resumeToken {
            let outputs = try await handler.create(pending.inputs, context(.create, resumeToken: token))
            try await record(pending.inputs, outputs, change: change, desired: desired)
        } else if let found = try await settled(pending.inputs) {
            // The interrupted creation reached the remote side: adopt it instead of creating it twice.
            try await record(pending.inputs, found, change: change, desired: desired)
        } else {
            return try await create(inputs, change: change, desired: desired)
        }
        guard pending.inputs != inputs, let adopted = await recorder.resource(address) else { return "read" }
        _ = try await update(from: adopted, to: inputs, change: change, desired: desired)
        return "update"
    }

    /// Finishes an interrupted update by polling its recorded operation, or sends the (idempotent) update again.
    private func resumeUpdate(
        _ pending: PendingOperation, inputs: Value, change: ResourceChange, desired: DesiredResource
    ) async throws -> String {
        guard let prior = await recorder.resource(address) else {
            return try await create(inputs, change: change, desired: desired)
        }
        guard let token = pending.resumeToken else { return try await update(from: prior, to: inputs, change: change, desired: desired) }
        let outputs = try await handler.update(prior.inputs, pending.inputs, prior.outputs, context(.update, resumeToken: token))
        try await record(pending.inputs, outputs, change: change, desired: desired)
        guard pending.inputs != inputs, let updated = await recorder.resource(address) else { return "update" }
        return try await update(from: updated, to: inputs, change: change, desired: desired)
    }

    /// Reads the resource, waiting on the engine clock while the remote side is still provisioning it.
    private func settled(_ inputs: Value, prior: Value? = nil) async throws -> Value? {
        let ctx = context(.read)
        guard var found = try await handler.read(inputs, prior, ctx) else { return nil }
        if !found.settled {
            ctx.report("still provisioning remotely; waiting for it to finish")
            found = try await ctx.wait(
                for: "\(address) to finish provisioning", every: Applier.settlePollSeconds, timeout: Applier.settleTimeoutSeconds
            ) {
                guard let again = try await handler.read(inputs, prior, ctx) else {
                    throw CodedError(code: "NotFound", message: "\(address) disappeared while it was provisioning", notFound: true)
                }
                return again.settled ? again : nil
            }
        }
        return found.outputs
    }

    // MARK: Delete

    /// Deletes the recorded object, finishing an interrupted deletion first; data sources are only forgotten.
    func delete() async throws -> String {
        let prior = await recorder.resource(address)
        let pending = await recorder.pending(address)
        if handler.kind == .dataSource {
            try await recorder.record(.removed(address))
            return "forget"
        }
        if let pending, pending.kind == .delete, let token = pending.resumeToken, let prior {
            try await handler.delete(prior.inputs, prior.outputs, context(.delete, resumeToken: token))
            try await recorder.record(.removed(address))
            return "delete"
        }
        var target = prior
        if let pending {
            // An operation was interrupted: find out what it left behind before deleting anything.
            guard let found = try await handler.read(pending.inputs, prior?.outputs, context(.read)) else {
                try await recorder.record(prior == nil ? .pendingCleared(address) : .removed(address))
                return "delete"
            }
            target = ResourceState(address: address, inputs: prior?.inputs ?? pending.inputs, outputs: found.outputs)
        }
        guard let target else { return "delete" }
        try await recorder.record(.pending(PendingOperation(address: address, kind: .delete, startedAt: Date(), inputs: target.inputs)))
        try await handler.delete(target.inputs, target.outputs, context(.delete))
        try await recorder.record(.removed(address))
        return "delete"
    }

    /// Deletes the object a create-before-destroy replacement set aside.
    func deleteDeposed() async throws -> String {
        guard let old = await recorder.deposed(address) else { return "delete" }
        try await handler.delete(old.inputs, old.outputs, context(.delete))
        try await recorder.record(.deposedRemoved(address))
        return "delete"
    }
}

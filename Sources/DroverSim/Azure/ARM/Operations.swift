import Foundation

/// Long-running operations (azure-api.md §2): start, the headers that announce them, their status endpoints, and
/// settling them on the simulator's clock (lazily, at each request, so a restarted simulator continues them).
extension AzureCloud {
    struct OperationFailure: Sendable {
        var code: String
        var message: String
    }

    func startOperation(_ kind: ArmOperation.Kind, resourceId: String, provider: String, location: String, apiVersion: String,
                        seconds: Double, canFail: Bool, failure: OperationFailure? = nil) -> ArmOperation {
        let injected = canFail && failure == nil && drawOperationFailure()
        let planned = failure ?? (injected ? OperationFailure(code: "InternalOperationError", message: "The operation failed (simulated fault).") : nil)
        let operation = ArmOperation(
            id: newUUID(), kind: kind, resourceId: resourceId, provider: provider, location: location.lowercased(),
            apiVersion: apiVersion, startedAt: now, completesAt: now.addingTimeInterval(scaled(seconds)),
            fails: planned != nil, errorCode: planned?.code, errorMessage: planned?.message)
        world.operations[operation.id] = operation
        return operation
    }

    /// Seconds until the next poll is worth it: the time left, at most the model's interval, rounded up.
    func retryAfter(_ operation: ArmOperation) -> String {
        let left = max(0, operation.completesAt.timeIntervalSince(now))
        return String(Int(min(left, scaled(configuration.latency.retryAfter) == 0 ? 0 : max(1, scaled(configuration.latency.retryAfter))).rounded(.up)))
    }

    func operationURL(_ operation: ArmOperation, results: Bool, monitor: Bool = false) -> String {
        let leaf = results ? "operationResults" : "operations"
        var url = "\(urls.arm)/subscriptions/\(world.subscriptionId)/providers/\(operation.provider)/locations/\(operation.location)/\(leaf)/\(operation.id)?api-version=\(operation.apiVersion)"
        if monitor { url += "&monitor=true" }
        return url
    }

    /// PUT headers: `Azure-AsyncOperation` + `Retry-After` for Network and Compute (definitions:
    /// final-state-via azure-async-operation; azure-api.md §2 step 3 for the Compute URL form).
    func asyncHeaders(_ operation: ArmOperation, kind: ResourceKind) -> [(String, String)] {
        switch kind.style {
        case .synchronous: return []
        case .network, .compute:
            var headers = [("Azure-AsyncOperation", operationURL(operation, results: false)), ("Retry-After", retryAfter(operation))]
            // The extension PUT also names a Location (example VirtualMachineExtensions_CreateOrUpdate.minimum.json, 201).
            if kind.type == ResourceKind.extensionKind.type { headers.append(("Location", operationURL(operation, results: false, monitor: true))) }
            return headers
        }
    }

    /// DELETE headers: Network `Location` …/operationResults/{id} (example PublicIPAddresses_Delete.json) with
    /// `Azure-AsyncOperation`; Compute `Location` …/operations/{id}?monitor=true (example VirtualMachines_Delete.force.json).
    func deleteHeaders(_ operation: ArmOperation, kind: ResourceKind) -> [(String, String)] {
        switch kind.style {
        case .network:
            return [("Location", operationURL(operation, results: true)),
                    ("Azure-AsyncOperation", operationURL(operation, results: false)), ("Retry-After", retryAfter(operation))]
        case .compute, .synchronous:
            return [("Location", operationURL(operation, results: false, monitor: true)), ("Retry-After", retryAfter(operation))]
        }
    }

    /// `GET` of an operation URL. Azure-AsyncOperation form: 200 with `status` InProgress/Succeeded/Failed and `error`
    /// when failed (azure-api.md §2 step 3). Location form: 202 while running, then 200 (the resource for a PUT)
    /// or the error (§2 step 4).
    func operationStatus(_ request: SimRequest, _ path: ArmPath, id: String, asLocation: Bool) throws -> SimResponse {
        guard let given = request.query["api-version"], !given.isEmpty else { throw ArmError.missingApiVersion() }
        guard let operation = world.operations[id.lowercased()] ?? world.operations.values.first(where: { $0.id.lowercased() == id.lowercased() }) else {
            throw ArmError(404, "OperationNotFound", "The operation '\(id)' could not be found.")
        }
        guard given == operation.apiVersion else {
            throw ArmError.unsupportedApiVersion(given, supported: operation.apiVersion, type: "\(operation.provider)/locations/operations", location: operation.location)
        }
        let done = operation.finished
        if asLocation {
            if !done {
                let self_ = "\(urls.arm)\(request.path)?" + request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
                return SimResponse(status: 202, headers: [("Location", self_), ("Retry-After", retryAfter(operation))])
            }
            if operation.fails {
                return ArmError(400, operation.errorCode ?? "OperationFailed", operation.errorMessage ?? "The operation failed.").response
            }
            if operation.kind == .put, let stored = world.resource(operation.resourceId), let kind = kindOf(stored) {
                return .json(200, try render(stored, kind: kind))
            }
            return SimResponse(status: 200)
        }
        var body: JSONValue = [
            "id": .string(String(operationURL(operation, results: false).dropFirst(urls.arm.count).split(separator: "?")[0])),
            "name": .string(operation.id),
            "status": .string(done ? (operation.fails ? "Failed" : "Succeeded") : "InProgress"),
            "startTime": .string(SimDates.format(operation.startedAt)),
        ]
        if done { body["endTime"] = .string(SimDates.format(operation.completesAt)) }
        if done, operation.fails {
            body["error"] = ["code": .string(operation.errorCode ?? "OperationFailed"), "message": .string(operation.errorMessage ?? "The operation failed.")]
        }
        return .json(200, body, headers: done ? [] : [("Retry-After", retryAfter(operation))])
    }

    /// Finishes every operation whose time has come: PUTs reach Succeeded (or Failed), DELETEs remove the resource
    /// and what goes with it.
    /// Returns whether anything changed.
    @discardableResult
    func settle() -> Bool {
        let due = world.operations.values.filter { !$0.finished && $0.waitsForMachine != true && $0.completesAt <= now }.sorted { $0.completesAt < $1.completesAt }
        for operation in due {
            world.operations[operation.id]?.finished = true
            switch operation.kind {
            case .put:
                guard var stored = world.resource(operation.resourceId), stored.pending?.operationId == operation.id else { continue }
                stored.pending = nil
                stored.failed = operation.fails
                stored.failureMessage = operation.fails ? operation.errorMessage : nil
                world.resources[stored.id.lowercased()] = stored
                if !operation.fails { machineProvisioned(stored) }
            case .delete:
                guard let stored = world.resource(operation.resourceId) else { continue }
                remove(stored)
            }
        }
        // Keep finished operations a while for late polls, then forget them.
        let horizon = now.addingTimeInterval(-max(3600, scaled(3600)))
        world.operations = world.operations.filter { !$0.value.finished || $0.value.completesAt > horizon }
        return !due.isEmpty
    }

    /// Removes a resource and everything deleted with it: a group's members (azure-api.md §4: deleting the RG deletes
    /// all its resources, role assignments included), a VM's extensions, and its OS disk and NICs whose deleteOption is
    /// Delete (azure-api.md §6.1).
    func remove(_ stored: StoredResource) {
        world.resources[stored.id.lowercased()] = nil
        if stored.type == ResourceKind.resourceGroup.type {
            world.resources = world.resources.filter { $0.value.resourceGroup != stored.resourceGroup }
        }
        if stored.type == ResourceKind.virtualMachine.type {
            let prefix = stored.id.lowercased() + "/extensions/"
            world.resources = world.resources.filter { !$0.key.hasPrefix(prefix) }
            if stored.body.at("properties.storageProfile.osDisk.deleteOption")?.string?.lowercased() == "delete",
               let disk = stored.body.at("properties.storageProfile.osDisk.managedDisk.id")?.string {
                world.resources[disk.lowercased()] = nil
            }
            for nic in stored.body.at("properties.networkProfile.networkInterfaces")?.array ?? []
            where nic.at("properties.deleteOption")?.string?.lowercased() == "delete" {
                if let id = nic["id"]?.string { world.resources[id.lowercased()] = nil }
            }
        }
    }

    func kindOf(_ stored: StoredResource) -> ResourceKind? {
        ([ResourceKind.resourceGroup, .extensionKind, .roleAssignment] + ResourceKind.topLevel).first { $0.type == stored.type }
    }
}

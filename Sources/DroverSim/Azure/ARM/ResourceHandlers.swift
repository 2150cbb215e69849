import Foundation

/// PUT / GET / PATCH / DELETE of resource groups and of the resources inside them.
extension AzureCloud {
    // MARK: Resource groups (resources.json 2021-04-01, ResourceGroups_*; azure-api.md §4)

    func resourceGroup(_ request: SimRequest, name: String) throws -> SimResponse {
        let kind = ResourceKind.resourceGroup
        let version = try requireApiVersion(request, kind: kind, location: nil)
        let id = "/subscriptions/\(world.subscriptionId)/resourceGroups/\(name)"
        let existing = world.resource(id)
        switch request.method {
        case "GET", "HEAD":
            guard let existing else { throw ArmError.resourceGroupNotFound(name) }
            if request.method == "HEAD" { return SimResponse(status: 204) }
            return .json(200, try render(existing, kind: kind))
        case "PUT":
            // Name: 1–90 characters of letters, digits, _ - . ( ), not ending with '.' (azure-api.md §4, §10).
            guard name.count <= 90, !name.hasSuffix("."),
                  name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "_-.()".unicodeScalars.contains($0) }) else {
                throw ArmError(400, "InvalidResourceGroupName", "Resource group name '\(name)' is invalid: use 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending with '.'.")
            }
            let body = try validatedBody(request, kind: kind, definition: kind.definition, file: kind.file)
            if let existing {
                if existing.isDeleting {
                    throw ArmError(409, "ResourceGroupBeingDeleted", "The resource group '\(name)' is in deprovisioning state and cannot perform this operation.")
                }
                // Location cannot change after creation (azure-api.md §4). [code InvalidResourceGroupLocation; not in the reference]
                if let location = body["location"]?.string, location.lowercased() != existing.location?.lowercased() {
                    throw ArmError(409, "InvalidResourceGroupLocation", "Invalid resource group location '\(location)'. The Resource group already exists in location '\(existing.location ?? "")'.")
                }
            }
            var stored = existing ?? StoredResource(id: id, type: kind.type, resourceGroup: name.lowercased(),
                                                    location: body["location"]?.string, body: [:], createdAt: now)
            var document = body
            document["id"] = .string(stored.id)
            document["name"] = .string(existing.map { String($0.id.split(separator: "/").last!) } ?? name)
            document["type"] = .string(kind.type)
            stored.body = document
            world.resources[id.lowercased()] = stored
            // Synchronous: 201 created / 200 existed (example ResourceGroups_CreateOrUpdate.json).
            return .json(existing == nil ? 201 : 200, try render(stored, kind: kind))
        case "PATCH":
            guard var existing else { throw ArmError.resourceGroupNotFound(name) }
            let patch = try validatedBody(request, kind: kind, definition: "ResourceGroupPatchable", file: kind.file)
            if let tags = patch["tags"] { existing.body["tags"] = tags }
            world.resources[id.lowercased()] = existing
            return .json(200, try render(existing, kind: kind))
        case "DELETE":
            guard var existing else { throw ArmError.resourceGroupNotFound(name) }
            // 202 + Location, poll until 200 (azure-api.md §4 Delete; ResourceGroups_Delete 200/202).
            let operation = startOperation(.delete, resourceId: existing.id, provider: "Microsoft.Resources",
                                           location: existing.location ?? "", apiVersion: version,
                                           seconds: configuration.latency.resourceGroupDelete, canFail: false)
            existing.pending = PendingState(state: "Deleting", readyAt: operation.completesAt, operationId: operation.id)
            world.resources[id.lowercased()] = existing
            for (key, member) in world.resources where member.resourceGroup == name.lowercased() && member.type != kind.type {
                world.resources[key]?.pending = PendingState(state: "Deleting", readyAt: operation.completesAt, operationId: operation.id)
            }
            let location = "\(urls.arm)/subscriptions/\(world.subscriptionId)/operationresults/\(operation.id)?api-version=\(version)"
            return SimResponse(status: 202, headers: [("Location", location), ("Retry-After", retryAfter(operation))])
        default:
            throw methodNotAllowed(request)
        }
    }

    // MARK: Resources under a group

    func resourceInGroup(_ request: SimRequest, _ path: ArmPath) throws -> SimResponse {
        guard path.count >= 7, path.lower[4] == "providers" else {
            throw ArmError(404, "InvalidResourceType", "The resource type could not be found.")
        }
        let groupName = path.segments[3]
        let typeKey = [path.lower[5], path.lower[6]]
        guard let kind = ResourceKind.topLevel.first(where: { [$0.provider.lowercased()] + $0.typeSegments == typeKey }) else {
            throw ArmError(400, "InvalidResourceType", "The resource type '\(path.segments[6])' could not be found in the namespace '\(path.segments[5])' for api version '\(request.query["api-version"] ?? "")'.")
        }
        guard let group = world.resource("/subscriptions/\(world.subscriptionId)/resourceGroups/\(groupName)") else {
            _ = try requireApiVersion(request, kind: kind, location: nil)
            throw ArmError.resourceGroupNotFound(groupName)
        }
        let groupID = group.id
        if path.count == 7 {
            _ = try requireApiVersion(request, kind: kind, location: nil)
            guard request.method == "GET" else { throw methodNotAllowed(request) }
            let members = world.resources.values.filter { $0.type == kind.type && $0.resourceGroup == groupName.lowercased() }
                .sorted { $0.id.lowercased() < $1.id.lowercased() }
            return .json(200, ["value": .array(try members.map { try render($0, kind: kind) })])
        }
        let id = "\(groupID)/providers/\(kind.type)/\(path.segments[7])"
        if path.count == 8 { return try resource(request, kind: kind, id: world.resource(id)?.id ?? id, group: group) }
        if kind.type == ResourceKind.virtualMachine.type, path.count == 9, path.lower[8] == "instanceview" {
            _ = try requireApiVersion(request, kind: kind, location: nil)
            guard let vm = world.resource(id) else { throw notFound(kind: kind, id: id, group: group) }
            return .json(200, try virtualMachineInstanceView(vm))
        }
        if kind.type == ResourceKind.virtualMachine.type, path.count == 10, path.lower[8] == "extensions" {
            let extensionID = "\(world.resource(id)?.id ?? id)/extensions/\(path.segments[9])"
            return try resource(request, kind: .extensionKind, id: world.resource(extensionID)?.id ?? extensionID, group: group)
        }
        if path.count == 10, let child = InlineChild.all.first(where: { $0.parent.type == kind.type && $0.collection.lowercased() == path.lower[8] }) {
            _ = try requireApiVersion(request, kind: kind, location: nil)
            guard let parent = world.resource(id), !parent.isDeleting else { throw notFound(kind: kind, id: id, group: group) }
            return try inlineChild(request, child, parent: parent, name: path.segments[9])
        }
        throw ArmError(404, "InvalidResourceType", "The resource type '\(path.segments.dropFirst(6).joined(separator: "/"))' could not be found.")
    }

    /// One resource: PUT (create or update), GET, PATCH, DELETE.
    func resource(_ request: SimRequest, kind: ResourceKind, id: String, group: StoredResource) throws -> SimResponse {
        let version = try requireApiVersion(request, kind: kind, location: nil)
        let existing = world.resource(id)
        let name = String(id.split(separator: "/").last!)
        switch request.method {
        case "GET":
            guard let existing else { throw notFound(kind: kind, id: id, group: group) }
            return .json(200, try render(existing, kind: kind, expand: request.query["$expand"]))
        case "PUT":
            if group.isDeleting {
                throw ArmError(409, "ResourceGroupBeingDeleted", "The resource group '\(group.body["name"]?.string ?? "")' is in deprovisioning state and cannot perform this operation.")
            }
            if existing?.isDeleting == true {
                throw ArmError(409, "AnotherOperationInProgress", "Operation on resource '\(id)' is not allowed: the resource is being deleted.")
            }
            let body = try validatedBody(request, kind: kind, definition: kind.definition, file: kind.file)
            var stored = existing ?? StoredResource(id: id, type: kind.type, resourceGroup: group.resourceGroup,
                                                    location: body["location"]?.string, body: [:], createdAt: now)
            var document = body
            document["id"] = .string(stored.id)
            document["name"] = .string(name)
            document["type"] = .string(kind.type)
            if kind.style == .network { document["etag"] = .string("W/\"\(newUUID())\"") }
            let outcome = try materialize(kind: kind, document: document, stored: &stored, previous: existing)
            let operation = startOperation(.put, resourceId: stored.id, provider: kind.provider,
                                           location: stored.location ?? "", apiVersion: version,
                                           seconds: outcome.seconds, canFail: true, failure: outcome.failure)
            // Network's ProvisioningState has no "Creating" (network.json ProvisioningState: Succeeded, Updating,
            // Deleting, Failed); Compute's is a free string and shows "Creating" (example VirtualMachines_CreateOrUpdate.linuxSsh.json).
            let inFlight = existing == nil && kind.style == .compute ? "Creating" : "Updating"
            stored.pending = PendingState(state: inFlight, readyAt: operation.completesAt, operationId: operation.id)
            stored.failed = false
            stored.failureMessage = nil
            stored.statusMessage = nil
            if outcome.failure == nil { machineWork(kind: kind, stored: stored, operation: operation, isNew: existing == nil) }
            world.resources[stored.id.lowercased()] = stored
            return .json(existing == nil ? 201 : 200, try render(stored, kind: kind), headers: asyncHeaders(operation, kind: kind))
        case "PATCH":
            guard var existing, let patchDefinition = kind.patchDefinition else {
                if existing == nil { throw notFound(kind: kind, id: id, group: group) }
                throw methodNotAllowed(request)
            }
            let patch = try validatedBody(request, kind: kind, definition: patchDefinition, file: kind.patchFile)
            existing.body = existing.body.merging(patch)
            world.resources[existing.id.lowercased()] = existing
            return .json(200, try render(existing, kind: kind))
        case "DELETE":
            // Absent: 204 (definitions: "Request successful. Resource does not exist.").
            guard var existing else { return SimResponse(status: 204) }
            if existing.isDeleting, let operationID = existing.pending?.operationId, let operation = world.operations[operationID] {
                return SimResponse(status: 202, headers: deleteHeaders(operation, kind: kind))
            }
            try checkDeletable(kind: kind, stored: existing)
            let seconds = kind.type == ResourceKind.virtualMachine.type ? configuration.latency.vmDelete : configuration.latency.network
            let operation = startOperation(.delete, resourceId: existing.id, provider: kind.provider,
                                           location: existing.location ?? "", apiVersion: version, seconds: seconds, canFail: false)
            existing.pending = PendingState(state: "Deleting", readyAt: operation.completesAt, operationId: operation.id)
            world.resources[existing.id.lowercased()] = existing
            return SimResponse(status: 202, headers: deleteHeaders(operation, kind: kind))
        default:
            throw methodNotAllowed(request)
        }
    }

    // MARK: Bodies

    /// The request body validated against `definition` in `file` (openapi/README.md); 400 naming each property otherwise.
    func validatedBody(_ request: SimRequest, kind: ResourceKind, definition: String, file: String) throws -> JSONValue {
        guard !request.body.isEmpty else {
            throw ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: the body is empty; send a \(definition) JSON object.")
        }
        guard let value = try? JSONValue.parse(request.body), case .object = value else {
            throw ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: the body is not a JSON object (definition \(definition)).")
        }
        let schema = try library.definition(definition, in: file)
        let (kept, issues) = try SchemaValidator(library: library, direction: .request).check(value, against: schema)
        if !issues.isEmpty { throw ArmError.invalidBody(issues, definition: definition) }
        return kept
    }

    /// The resource as ARM answers it: provisioning states filled in, back-references added, and kept to what the
    /// response definition declares.
    func render(_ stored: StoredResource, kind: ResourceKind, expand: String? = nil) throws -> JSONValue {
        var body = stored.body
        let state = stored.provisioningState
        body.set("properties.provisioningState", .string(state))
        for collection in childCollections(kind) {
            guard let items = body.at("properties.\(collection)")?.array else { continue }
            body.set("properties.\(collection)", .array(items.map { item in
                var child = item
                child.set("properties.provisioningState", .string(state))
                return child
            }))
        }
        body = addBackReferences(kind: kind, stored: stored, body: body, expand: expand)
        let schema = try library.definition(kind.responseDefinition, in: kind.file)
        return try SchemaValidator(library: library, direction: .response).check(body, against: schema).kept
    }

    func notFound(kind: ResourceKind, id: String, group: StoredResource) -> ArmError {
        let name = id.split(separator: "/").suffix(kind.typeSegments.count).joined(separator: "/")
        return .resourceNotFound(type: kind.type, name: name, group: group.body["name"]?.string ?? group.resourceGroup)
    }

    func methodNotAllowed(_ request: SimRequest) -> ArmError {
        ArmError(405, "MethodNotAllowed", "The requested method '\(request.method)' is not allowed on this resource.")
    }
}

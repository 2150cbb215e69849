import Foundation

/// Sub-resources kept inside their parent's body that also have their own endpoints: subnets
/// (Subnets_CreateOrUpdate/Get/Delete, virtualNetwork.json) and security rules (SecurityRules_*, networkSecurityGroup.json).
/// A child PUT or DELETE rewrites the parent as a full-state PUT would, with the same rules and the same LRO headers.
struct InlineChild: Sendable {
    let parent: ResourceKind
    let collection: String
    let definition: String

    static let subnet = InlineChild(parent: .virtualNetwork, collection: "subnets", definition: "Subnet")
    static let securityRule = InlineChild(parent: .networkSecurityGroup, collection: "securityRules", definition: "SecurityRule")
    static let all = [subnet, securityRule]
}

extension AzureCloud {
    func inlineChild(_ request: SimRequest, _ child: InlineChild, parent: StoredResource, name: String) throws -> SimResponse {
        let kind = child.parent
        let items = parent.body.at("properties.\(child.collection)")?.array ?? []
        let index = items.firstIndex { $0["name"]?.string?.lowercased() == name.lowercased() }
        switch request.method {
        case "GET":
            guard let index else {
                throw ArmError(404, "NotFound", "Resource \(parent.id)/\(child.collection)/\(name) not found.")
            }
            return .json(200, try renderChild(child, parent: parent, index: index))
        case "PUT":
            var body = try validatedBody(request, kind: kind, definition: child.definition, file: kind.file)
            body["name"] = .string(index.map { items[$0]["name"]?.string ?? name } ?? name)
            var updated = items
            if let index { updated[index] = body } else { updated.append(body) }
            let (stored, operation) = try rewrite(parent, kind: kind, collection: child.collection, items: updated)
            let position = index ?? updated.count - 1
            return .json(index == nil ? 201 : 200, try renderChild(child, parent: stored, index: position),
                         headers: asyncHeaders(operation, kind: kind))
        case "DELETE":
            guard let index else { return SimResponse(status: 204) }
            if child.collection == "subnets", let user = ipConfigurations(in: items[index]["id"]?.string ?? "").first {
                // azure-api.md §3.1 InUseSubnetCannotBeDeleted.
                throw ArmError(400, "InUseSubnetCannotBeDeleted", "Subnet \(name) is in use by \(user) and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.")
            }
            var updated = items
            updated.remove(at: index)
            let (_, operation) = try rewrite(parent, kind: kind, collection: child.collection, items: updated)
            return SimResponse(status: 202, headers: deleteHeaders(operation, kind: kind))
        default:
            throw methodNotAllowed(request)
        }
    }

    /// Stores the parent with `items` as its collection, through the parent's own rules, as an Updating operation.
    private func rewrite(_ parent: StoredResource, kind: ResourceKind, collection: String, items: [JSONValue]) throws -> (StoredResource, ArmOperation) {
        var stored = parent
        var document = parent.body
        document.set("properties.\(collection)", .array(items))
        document["etag"] = .string("W/\"\(newUUID())\"")
        let outcome = try materialize(kind: kind, document: document, stored: &stored, previous: parent)
        let operation = startOperation(.put, resourceId: stored.id, provider: kind.provider, location: stored.location ?? "",
                                       apiVersion: try library.apiVersion(of: kind.file), seconds: outcome.seconds, canFail: true)
        stored.pending = PendingState(state: "Updating", readyAt: operation.completesAt, operationId: operation.id)
        world.resources[stored.id.lowercased()] = stored
        return (stored, operation)
    }

    private func renderChild(_ child: InlineChild, parent: StoredResource, index: Int) throws -> JSONValue {
        let rendered = try render(parent, kind: child.parent)
        let item = rendered.at("properties.\(child.collection)")?.array?[index] ?? .object([:])
        let schema = try library.definition(child.definition, in: child.parent.file)
        return try SchemaValidator(library: library, direction: .response).check(item, against: schema).kept
    }
}

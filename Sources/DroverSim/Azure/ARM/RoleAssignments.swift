import Foundation

/// Microsoft.Authorization role assignments 2022-04-01 (authorization-RoleAssignmentsCalls.json; azure-api.md §9).
extension AzureCloud {
    /// Built-in role definition ids accepted (azure-api.md §9: Contributor; the others are Azure's well-known built-ins).
    static let builtInRoles: Set<String> = [
        "b24988ac-6180-42a0-ab88-20f7382dd24c", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        "acdd72a7-3385-48ef-bd42-f606fba81ae7", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    ]

    func roleAssignments(_ request: SimRequest, scope: String, name: String?) throws -> SimResponse {
        let kind = ResourceKind.roleAssignment
        _ = try requireApiVersion(request, kind: kind, location: nil)
        let scopePath = ArmPath(scope)
        var group = ""
        if scopePath.count == 4, scopePath.lower[2] == "resourcegroups" {
            guard let stored = world.resource(scope) else { throw ArmError.resourceGroupNotFound(scopePath.segments[3]) }
            group = stored.resourceGroup
        } else if scopePath.count != 2 {
            throw ArmError(400, "InvalidScope", "Role assignments are served at subscription or resource-group scope; '\(scope)' is neither.")
        }
        guard let name else {
            // RoleAssignments_ListForScope, with `$filter=principalId eq '{id}'`.
            guard request.method == "GET" else { throw methodNotAllowed(request) }
            var members = world.resources.values.filter { $0.type == kind.type && $0.body.at("properties.scope")?.string?.lowercased() == scope.lowercased() }
            if let filter = request.query["$filter"], let principal = filter.range(of: "principalId eq '").map({ filter[$0.upperBound...].prefix { $0 != "'" } }) {
                members = members.filter { $0.body.at("properties.principalId")?.string?.lowercased() == principal.lowercased() }
            }
            return .json(200, ["value": .array(try members.sorted { $0.id < $1.id }.map { try render($0, kind: kind) })])
        }
        let id = "\(scope)/providers/Microsoft.Authorization/roleAssignments/\(name)"
        let existing = world.resource(id)
        switch request.method {
        case "GET":
            // [code RoleAssignmentNotFound; not in the reference]
            guard let existing else { throw ArmError(404, "RoleAssignmentNotFound", "The role assignment '\(name)' is not found.") }
            return .json(200, try render(existing, kind: kind))
        case "DELETE":
            guard let existing else { return SimResponse(status: 204) }
            world.resources[id.lowercased()] = nil
            return .json(200, try render(existing, kind: kind))
        case "PUT":
            guard UUID(uuidString: name) != nil else {
                throw ArmError(400, "InvalidRoleAssignmentId", "The role assignment ID '\(name)' is not valid. The role assignment ID must be a GUID.")
            }
            let body = try validatedBody(request, kind: kind, definition: kind.definition, file: kind.file)
            let roleDefinition = body.at("properties.roleDefinitionId")?.string ?? ""
            let roleGUID = String(roleDefinition.split(separator: "/").last ?? "").lowercased()
            guard roleDefinition.lowercased().contains("/providers/microsoft.authorization/roledefinitions/"), Self.builtInRoles.contains(roleGUID) else {
                throw ArmError(400, "RoleDefinitionDoesNotExist", "The specified role definition with ID '\(roleGUID)' does not exist.")
            }
            let principalID = body.at("properties.principalId")?.string ?? ""
            // A new principal is unknown until Graph replicates it (azure-api.md §9, §3.1 PrincipalNotFound 400).
            guard world.servicePrincipals.values.contains(where: { $0.id.lowercased() == principalID.lowercased() && $0.replicatedAt <= now }) else {
                throw ArmError(400, "PrincipalNotFound", "Principal \(principalID.replacingOccurrences(of: "-", with: "")) does not exist in the directory \(world.tenantId). Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype")
            }
            // Every principal Graph holds here is a service principal. [code UnmatchedPrincipalType; not in the reference]
            if let type = body.at("properties.principalType")?.string, type.lowercased() != "serviceprincipal" {
                throw ArmError(400, "UnmatchedPrincipalType", "The PrincipalId '\(principalID)' has type 'ServicePrincipal', which is different from specified PrincipalType '\(type)'.")
            }
            if let existing {
                guard existing.body.at("properties.principalId")?.string?.lowercased() == principalID.lowercased(),
                      existing.body.at("properties.roleDefinitionId")?.string?.split(separator: "/").last?.lowercased() == roleGUID else {
                    throw ArmError(409, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.")
                }
                return .json(200, try render(existing, kind: kind))
            }
            // Same (principal, role, scope) under another name: 409 RoleAssignmentExists (§3.1, §9).
            if world.resources.values.contains(where: {
                $0.type == kind.type && $0.body.at("properties.scope")?.string?.lowercased() == scope.lowercased()
                    && $0.body.at("properties.principalId")?.string?.lowercased() == principalID.lowercased()
                    && $0.body.at("properties.roleDefinitionId")?.string?.split(separator: "/").last?.lowercased() == roleGUID
            }) {
                throw ArmError(409, "RoleAssignmentExists", "The role assignment already exists.")
            }
            var document: JSONValue = ["id": .string(id), "name": .string(name), "type": .string(kind.type), "properties": body["properties"] ?? [:]]
            // The answer names the role at tenant level (azure-api.md §9, example RoleAssignments_Create.forResourceGroup.json).
            document.set("properties.roleDefinitionId", .string("/providers/Microsoft.Authorization/roleDefinitions/\(roleGUID)"))
            document.set("properties.scope", .string(scope))
            document.set("properties.createdOn", .string(SimDates.format(now)))
            document.set("properties.updatedOn", .string(SimDates.format(now)))
            document.set("properties.createdBy", .string(world.servicePrincipals.values.first { $0.appId == world.bootstrapClientId }?.id ?? ""))
            let stored = StoredResource(id: id, type: kind.type, resourceGroup: group, location: nil, body: document, createdAt: now)
            world.resources[id.lowercased()] = stored
            // Synchronous 201 (azure-api.md §2 table).
            return .json(201, try render(stored, kind: kind))
        default:
            throw methodNotAllowed(request)
        }
    }
}

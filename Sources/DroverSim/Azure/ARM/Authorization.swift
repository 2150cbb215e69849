import Foundation

/// Role-based access for principals other than the pre-registered one (which owns the subscription): a request
/// needs a role assignment of this principal at the request's scope or above (azure-api.md §1.1: app-only tokens
/// carry what is assigned; §9: Contributor on a resource group; Owner or User Access Administrator to write role
/// assignments).
extension AzureCloud {
    static let owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
    static let contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c"
    static let reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
    static let userAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"

    /// 403 AuthorizationFailed when the token's principal holds no role that allows the request.
    /// [code AuthorizationFailed 403; azure-api.md §3.1 marks it unverified]
    func authorizationFailure(_ request: SimRequest, path: ArmPath, claims: JSONValue) -> ArmError? {
        guard let appId = claims["appid"]?.string, appId != world.bootstrapClientId, let objectId = claims["oid"]?.string else { return nil }
        guard path.count >= 2, path.lower[0] == "subscriptions" else { return nil }
        let isAuthorizationWrite = path.lower.contains("microsoft.authorization") && request.method != "GET"
        let isRead = request.method == "GET" || request.method == "HEAD"
        let target = path.key
        let roles = world.resources.values.filter { assignment in
            guard assignment.type == ResourceKind.roleAssignment.type,
                  assignment.body.at("properties.principalId")?.string?.lowercased() == objectId.lowercased(),
                  let scope = assignment.body.at("properties.scope")?.string?.lowercased() else { return false }
            return target == scope || target.hasPrefix(scope + "/")
        }.compactMap { $0.body.at("properties.roleDefinitionId")?.string?.split(separator: "/").last.map { String($0).lowercased() } }
        let allowed = roles.contains { role in
            switch role {
            case Self.owner: true
            case Self.contributor: !isAuthorizationWrite
            case Self.userAccessAdministrator: isRead || isAuthorizationWrite
            case Self.reader: isRead
            default: false
            }
        }
        if allowed { return nil }
        let verb = isRead ? "read" : request.method == "DELETE" ? "delete" : "write"
        let action = "\(Self.resourceType(of: path))/\(verb)"
        return ArmError(403, "AuthorizationFailed", "The client '\(appId)' with object id '\(objectId)' does not have authorization to perform action '\(action)' over scope '\(request.path)' or the scope is invalid. If access was recently granted, please refresh your credentials.")
    }

    /// The resource type an ARM path addresses: `Microsoft.Network/networkSecurityGroups/securityRules`, or
    /// `Microsoft.Resources/subscriptions/resourceGroups` for a group.
    static func resourceType(of path: ArmPath) -> String {
        guard let index = path.lower.lastIndex(of: "providers"), index + 1 < path.count else {
            return "Microsoft.Resources/subscriptions" + (path.count > 2 ? "/resourceGroups" : "")
        }
        let types = path.segments[(index + 2)...].enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        return ([path.segments[index + 1]] + types).joined(separator: "/")
    }
}

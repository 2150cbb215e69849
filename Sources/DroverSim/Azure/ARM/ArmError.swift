import Foundation

/// An ARM error answer: `{"error":{"code","message","target"?,"details":[...]}}` (azure-api.md §3.1; the shape of
/// network.json `CloudError`, common.json `CloudError`/`ApiError`, Authorization `ErrorResponse`).
struct ArmError: Error, Sendable {
    var status: Int
    var code: String
    var message: String
    var target: String?
    var details: [ArmError] = []
    var headers: [(String, String)] = []

    init(_ status: Int, _ code: String, _ message: String, target: String? = nil, details: [ArmError] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details
    }

    var body: JSONValue {
        ["error": detailBody(withDetails: true)]
    }

    func detailBody(withDetails: Bool) -> JSONValue {
        var error: JSONValue = ["code": .string(code), "message": .string(message)]
        if let target { error["target"] = .string(target) }
        if withDetails { error["details"] = .array(details.map { $0.detailBody(withDetails: false) }) }
        return error
    }

    var response: SimResponse { .json(status, body, headers: headers) }

    // MARK: Errors every provider shares (codes from ARM's front door; azure-api.md §3.1 where listed,
    // otherwise ARM's public error catalogue as flagged).

    /// `api-version` absent. [ARM front-door code MissingApiVersionParameter; not in the reference]
    static func missingApiVersion() -> ArmError {
        ArmError(400, "MissingApiVersionParameter",
                 "The api-version query parameter (?api-version=) is required for all requests.")
    }

    /// `api-version` not the one the provider's definition declares (openapi/README.md: one version per provider).
    /// [code NoRegisteredProviderFound for providers, InvalidApiVersionParameter for Microsoft.Resources; not in the reference]
    static func unsupportedApiVersion(_ given: String, supported: String, type: String, location: String?) -> ArmError {
        if type.lowercased().hasPrefix("microsoft.resources") {
            return ArmError(400, "InvalidApiVersionParameter",
                            "The api-version '\(given)' is invalid. The supported versions are '\(supported)'.")
        }
        return ArmError(400, "NoRegisteredProviderFound",
                        "No registered resource provider found for location '\(location ?? "")' and API version '\(given)' for type '\(type.split(separator: "/").dropFirst().joined(separator: "/"))'. The supported api-versions are '\(supported)'. The supported locations are 'eastus, eastus2, westus, westus2, westeurope, northeurope'.")
    }

    /// The resource group does not exist (azure-api.md §3.1 `ResourceGroupNotFound`, 404).
    static func resourceGroupNotFound(_ name: String) -> ArmError {
        ArmError(404, "ResourceGroupNotFound", "Resource group '\(name)' could not be found.")
    }

    /// The resource does not exist. [ARM code ResourceNotFound; not in the reference]
    static func resourceNotFound(type: String, name: String, group: String) -> ArmError {
        ArmError(404, "ResourceNotFound",
                 "The Resource '\(type)/\(name)' under resource group '\(group)' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
    }

    /// A referenced resource does not exist. [Network RP code InvalidResourceReference; not in the reference]
    static func invalidReference(_ id: String, from resource: String) -> ArmError {
        ArmError(400, "InvalidResourceReference",
                 "Resource \(id) referenced by resource \(resource) was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.",
                 target: id)
    }

    /// A body that does not match its definition: one detail per issue, each naming the property path.
    /// [code InvalidRequestContent from ARM's request deserializer; not in the reference]
    static func invalidBody(_ issues: [SchemaIssue], definition: String) -> ArmError {
        let first = issues[0]
        return ArmError(400, "InvalidRequestContent",
                        "The request content was invalid and could not be deserialized: '\(first.message) at '\(first.path)' (definition \(definition)).'",
                        target: first.path,
                        details: issues.map { ArmError(400, $0.code, "\($0.message)", target: $0.path) })
    }

    /// Bearer token problems. [codes AuthenticationFailed, InvalidAuthenticationToken, ExpiredAuthenticationToken,
    /// InvalidAuthenticationTokenAudience; azure-api.md §3.1 names the last three as 401 [unverified]]
    static func unauthorized(_ code: String, _ message: String) -> ArmError {
        var error = ArmError(401, code, message)
        error.headers = [("WWW-Authenticate", "Bearer authorization_uri=\"login\", error=\"invalid_token\"")]
        return error
    }
}

import Crypto
import Foundation

/// The Entra ID token endpoint: `POST /{tenant}/oauth2/v2.0/token`, client-credentials grant, form-encoded
/// (azure-api.md §1.1).
extension AzureCloud {
    /// Resource identifiers whose `.default` scope yields an ARM token (azure-api.md §0 and §1.1; the metadata
    /// document lists the same audiences).
    static let armAudiences = ["https://management.azure.com/", "https://management.core.windows.net/"]
    /// Graph's resource identifier (azure-api.md §0).
    static let graphAudience = "https://graph.microsoft.com/"

    /// Audiences a Graph token may carry: Graph's public identifier, and this simulator's own Graph URL, which its
    /// metadata document names as `microsoftGraphResourceId` (a cloud's Graph endpoint is also its token audience,
    /// as in the public clouds' metadata: `"microsoftGraphResourceId": "https://graph.microsoft.com/"`).
    var graphAudiences: [String] { [Self.graphAudience, urls.graph.lowercased() + "/"] }

    func handleLogin(_ request: SimRequest) -> SimResponse {
        let path = ArmPath(request.path)
        guard request.method == "POST", path.count == 4, path.lower[1] == "oauth2", path.lower[2] == "v2.0",
              path.lower[3] == "token" else {
            return SimResponse(status: 404)
        }
        let tenant = path.segments[0]
        guard tenant.lowercased() == world.tenantId else {
            // [AADSTS90002 tenant not found; not in the reference]
            return tokenError(400, "invalid_request", 90002, "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")
        }
        let form = SimRequest.parseQuery(String(decoding: request.body, as: UTF8.self))
        guard form["grant_type"] == "client_credentials" else {
            // [AADSTS70003 unsupported grant type; not in the reference]
            return tokenError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '\(form["grant_type"] ?? "")'; this endpoint serves client_credentials.")
        }
        guard let clientId = form["client_id"], !clientId.isEmpty else {
            return tokenError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
        }
        guard let app = world.applications.values.first(where: { $0.appId.lowercased() == clientId.lowercased() }),
              world.servicePrincipals.values.contains(where: { $0.appId == app.appId && $0.replicatedAt <= now }) else {
            // AADSTS700016: application not found in the directory (peers.md: fresh service principals fail with it).
            return tokenError(400, "unauthorized_client", 700016, "Application with identifier '\(clientId)' was not found in the directory '\(world.tenantId)'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.")
        }
        let secret = form["client_secret"] ?? ""
        let hash = SimIDs.hash(secret)
        guard app.passwords.contains(where: { $0.secretHash == hash && $0.endDateTime > now }) else {
            // AADSTS7000215: invalid client secret (azure-api.md §8.4).
            return tokenError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientId)'.")
        }
        let scope = form["scope"] ?? ""
        guard let audience = Self.audience(forScope: scope, graphAudiences: graphAudiences) else {
            // AADSTS70011 invalid_scope (azure-api.md §1.1).
            return tokenError(400, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope \(scope) is not valid; use a resource identifier with the '.default' suffix.")
        }
        let principal = world.servicePrincipals.values.first { $0.appId == app.appId }
        let lifetime = configuration.tokenLifetime
        let token = issueToken(audience: audience, appId: app.appId, objectId: principal?.id ?? "", lifetime: lifetime)
        // Success body (azure-api.md §1.1): token_type, expires_in, access_token; ext_expires_in [unverified].
        return .json(200, [
            "token_type": "Bearer", "expires_in": .int(Int64(lifetime)), "ext_expires_in": .int(Int64(lifetime)),
            "access_token": .string(token),
        ], headers: [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache")])
    }

    /// The audience a `.default` scope names, or nil for a scope this cloud does not know.
    static func audience(forScope scope: String, graphAudiences: [String] = [graphAudience]) -> String? {
        let scopes = scope.split(separator: " ").map(String.init)
        guard scopes.count == 1, scopes[0].hasSuffix(".default") else { return nil }
        // `{audience}/.default` with the audience's own trailing slash gives `…//.default`, which Entra ID accepts.
        var resource = String(scopes[0].dropLast(".default".count))
        while resource.hasSuffix("/") { resource.removeLast() }
        resource += "/"
        if armAudiences.contains(resource.lowercased()) { return resource.lowercased() }
        if graphAudiences.contains(resource.lowercased()) { return resource.lowercased() }
        return nil
    }

    /// An AADSTS error body (azure-api.md §1.1: error, error_description, error_codes, timestamp, trace_id, correlation_id).
    func tokenError(_ status: Int, _ error: String, _ code: Int, _ message: String) -> SimResponse {
        let trace = nextRequestID()
        return .json(status, [
            "error": .string(error),
            "error_description": .string("AADSTS\(code): \(message) Trace ID: \(trace) Correlation ID: \(trace) Timestamp: \(SimDates.format(now))"),
            "error_codes": [.int(Int64(code))], "timestamp": .string(SimDates.format(now)),
            "trace_id": .string(trace), "correlation_id": .string(trace),
        ])
    }

    /// A signed bearer token (JWT layout; HS256 with the world's key) that expires on the simulator's clock.
    func issueToken(audience: String, appId: String, objectId: String, lifetime: TimeInterval) -> String {
        let issued = Int64(now.timeIntervalSince1970)
        let header: JSONValue = ["alg": "HS256", "typ": "JWT"]
        let claims: JSONValue = [
            "aud": .string(audience), "iss": .string("https://sts.windows.net/\(world.tenantId)/"),
            "appid": .string(appId), "oid": .string(objectId), "tid": .string(world.tenantId),
            "iat": .int(issued), "nbf": .int(issued), "exp": .int(issued + Int64(lifetime)), "jti": .string(newUUID()),
        ]
        let signingInput = Base64URL.encode(header.encoded()) + "." + Base64URL.encode(claims.encoded())
        return signingInput + "." + Base64URL.encode(sign(signingInput))
    }

    /// The claims of a valid bearer token, or the ARM error for it (audience checked against `audiences`).
    func verifyBearer(_ authorization: String?, audiences: [String]) -> Result<JSONValue, ArmError> {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
            return .failure(.unauthorized("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."))
        }
        let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let parts = token.split(separator: ".").map(String.init)
        guard parts.count == 3, Base64URL.encode(sign(parts[0] + "." + parts[1])) == parts[2],
              let payload = Base64URL.decode(parts[1]), let claims = try? JSONValue.parse(payload) else {
            return .failure(.unauthorized("InvalidAuthenticationToken", "The access token is invalid."))
        }
        if let expiry = claims["exp"]?.int, Double(expiry) <= now.timeIntervalSince1970 {
            return .failure(.unauthorized("ExpiredAuthenticationToken", "The access token expiry UTC time '\(SimDates.format(Date(timeIntervalSince1970: Double(expiry))))' is earlier than current UTC time '\(SimDates.format(now))'."))
        }
        guard let audience = claims["aud"]?.string, audiences.contains(audience) else {
            return .failure(.unauthorized("InvalidAuthenticationTokenAudience", "The access token has been obtained for wrong audience or resource '\(claims["aud"]?.string ?? "")'. It should exactly match with one of the allowed audiences '\(audiences.joined(separator: "','"))'."))
        }
        return .success(claims)
    }

    private func sign(_ input: String) -> Data {
        let key = SymmetricKey(data: Data(world.tokenKey.utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key))
    }
}

/// Base64url without padding, as JWTs use.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base)
    }
}

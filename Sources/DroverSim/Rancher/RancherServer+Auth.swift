import Foundation

/// Login, users and API tokens (rancher-api.md §1.2–§1.5, §6.5; kube-and-rancher-wire.md §C.1).
extension RancherServer {
    // MARK: Credentials

    /// The caller of a request: Bearer `token-xxxxx:<secret>`, Basic with URL-safe base64, or the `R_SESS` cookie
    /// (rancher-api.md "General API conventions"); 2.12+ `ext/` token names (§1.3).
    func authenticate(_ request: SimRequest) -> Result<Caller, AuthRefusal> {
        guard let credential = Self.credential(request) else { return .failure(AuthRefusal(message: "must authenticate")) }
        let parts = credential.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return .failure(AuthRefusal(message: "must authenticate")) }
        let name = parts[0].hasPrefix("ext/") ? String(parts[0].dropFirst(4)) : parts[0]
        guard let token = world.tokens[name], token.secretHash == RancherSecrets.hash(parts[1]),
              let user = world.users[token.userId] else {
            return .failure(AuthRefusal(message: "must authenticate"))
        }
        // rancher-api.md §6.5: an expired token is refused (TF then re-creates it).
        if token.isExpired(at: now) { return .failure(AuthRefusal(message: "must authenticate: token \(name) is expired")) }
        return .success(Caller(user: user, token: token))
    }

    static func credential(_ request: SimRequest) -> String? {
        if let header = request.headers["authorization"] {
            if header.lowercased().hasPrefix("bearer ") { return String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            if header.lowercased().hasPrefix("basic ") {
                // R-2.12 token_util.go decodes Basic with base64.URLEncoding.
                var text = String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)
                    .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                while text.count % 4 != 0 { text += "=" }
                return Data(base64Encoded: text).flatMap { String(data: $0, encoding: .utf8) }
            }
        }
        for cookie in (request.headers["cookie"] ?? "").split(separator: ";") {
            let pair = cookie.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0] == "R_SESS" { return pair[1] }
        }
        return nil
    }

    // MARK: Login

    /// `POST /v1-public/login` (2.13+, rancher-api.md §1.3; kube-and-rancher-wire.md §C.1); 404 before, so clients
    /// fall back to `/v3-public`.
    func v1PublicLogin(_ request: SimRequest) -> SimResponse {
        guard configuration.version.hasV1PublicLogin else { return RancherError.routeNotFound() }
        guard let body = try? JSONValue.parse(request.body), body.object != nil else {
            return RancherError.norman(422, "InvalidBodyContent", "failed to decode request body")
        }
        guard body["type"]?.string == "localProvider" else {
            return RancherError.norman(422, "InvalidBodyContent",
                                       "unsupported login type '\(body["type"]?.string ?? "")': the local provider needs \"type\":\"localProvider\"")
        }
        return login(body, request: request)
    }

    /// `POST /v3-public/localProviders/local?action=login` (rancher-api.md §1.2 step 2).
    func v3PublicLogin(_ request: SimRequest) -> SimResponse {
        guard request.query["action"] == "login" else {
            return RancherError.norman(404, "ActionNotAvailable", "action not available")
        }
        guard let body = try? JSONValue.parse(request.body), body.object != nil else {
            return RancherError.norman(422, "InvalidBodyContent", "failed to decode request body")
        }
        return login(body, request: request)
    }

    private func login(_ body: JSONValue, request: SimRequest) -> SimResponse {
        guard let username = body["username"]?.string, let password = body["password"]?.string,
              let user = world.user(named: username), user.accepts(password) else {
            // R-2.3 local_auth_provider.go: 401 "authentication failed".
            return RancherError.norman(401, "Unauthorized", "authentication failed")
        }
        // The login ttl is ignored: auth-user-session-ttl-minutes wins (rancher-api.md §1.2 step 2, §6.5).
        let minutes = Int64(world.settings["auth-user-session-ttl-minutes"] ?? "960") ?? 960
        let token = newToken(userId: user.id, description: body["description"]?.string ?? "", ttl: minutes * 60_000, isLogin: true)
        let whole = "\(token.name):\(token.secret)"
        if body["responseType"]?.string == "cookie" {
            return SimResponse(status: 200, headers: [("Set-Cookie", "R_SESS=\(whole); Path=/; HttpOnly; Secure")])
        }
        var resource = tokenResource(world.tokens[token.name]!, request: request, current: false)
        resource["token"] = .string(whole)
        return .json(201, resource)
    }

    // MARK: Users

    func usersRequest(_ request: SimRequest, caller: Caller, segments: [String]) -> SimResponse {
        switch (request.method, segments.count, request.query["action"]) {
        case ("GET", 2, _):
            var users = world.users.values.sorted { $0.id < $1.id }
            if let name = request.query["username"] { users = users.filter { $0.username == name } }
            // rancher-api.md §1.5: the user store marks the caller ("me").
            if request.query["me"] == "true" { users = users.filter { $0.id == caller.user.id } }
            return .json(200, collection("user", users.map { userResource($0, caller: caller, request: request) }, request: request))
        case ("POST", 2, "changepassword"): return changePassword(request, caller: caller)
        case ("GET", 3, _):
            guard let user = world.users[segments[2]] else { return RancherError.norman(404, "NotFound", "users \"\(segments[2])\" not found") }
            return .json(200, userResource(user, caller: caller, request: request))
        case ("POST", 3, "setpassword"): return setPassword(request, caller: caller, userId: segments[2])
        default: return RancherError.norman(405, "MethodNotAllow", "method \(request.method) not allowed")
        }
    }

    /// `setpassword` (rancher-api.md §1.2 step 3): the same password again is accepted; clears mustChangePassword
    /// and first-login.
    private func setPassword(_ request: SimRequest, caller: Caller, userId: String) -> SimResponse {
        guard var user = world.users[userId] else { return RancherError.norman(404, "NotFound", "users \"\(userId)\" not found") }
        guard let new = (try? JSONValue.parse(request.body))?["newPassword"]?.string else {
            return RancherError.norman(422, "MissingRequired", "must specify newPassword", fieldName: "newPassword")
        }
        if let refusal = passwordRefusal(new, username: user.username) { return refusal }
        store(password: new, for: &user)
        return .json(200, userResource(user, caller: caller, request: request))
    }

    /// `changepassword` (rancher-api.md §1.2 step 3, §1.3): checks the current password and refuses new == current.
    private func changePassword(_ request: SimRequest, caller: Caller) -> SimResponse {
        let body = (try? JSONValue.parse(request.body)) ?? [:]
        var user = caller.user
        guard let current = body["currentPassword"]?.string, !current.isEmpty else {
            return RancherError.norman(422, "InvalidBodyContent", "must specify current password")
        }
        guard user.accepts(current) else { return RancherError.norman(422, "InvalidBodyContent", "invalid current password") }
        let new = body["newPassword"]?.string ?? ""
        if new == current {
            return RancherError.norman(422, "InvalidBodyContent", "The new password must not be the same as the current password")
        }
        if let refusal = passwordRefusal(new, username: user.username) { return refusal }
        store(password: new, for: &user)
        return .json(200, [:])
    }

    /// R-2.12 validatePassword (rancher-api.md §1.3), from 2.6.3.
    private func passwordRefusal(_ password: String, username: String) -> SimResponse? {
        guard configuration.version.enforcesPasswordLength else { return nil }
        let minimum = Int(world.settings["password-min-length"] ?? "12") ?? 12
        if password.count < minimum {
            return RancherError.norman(422, "InvalidBodyContent", "Password must be at least \(minimum) characters")
        }
        if password == username { return RancherError.norman(422, "InvalidBodyContent", "Password cannot be the same as username") }
        return nil
    }

    private func store(password: String, for user: inout RancherUser) {
        user.salt = draw(16)
        user.passwordHash = RancherSecrets.hash(password, salt: user.salt)
        user.mustChangePassword = false
        world.users[user.id] = user
        world.settings["first-login"] = "false"
    }

    private func userResource(_ user: RancherUser, caller: Caller, request: SimRequest) -> JSONValue {
        let base = baseURL(request) + "/v3/users/" + user.id
        return ["id": .string(user.id), "type": "user", "baseType": "user", "username": .string(user.username),
                "name": .string(user.displayName), "enabled": true, "mustChangePassword": .bool(user.mustChangePassword),
                "me": .bool(user.id == caller.user.id), "principalIds": [.string("local://\(user.id)")],
                "created": .string(Self.timestamp(user.created)),
                "links": ["self": .string(base)], "actions": ["setpassword": .string(base + "?action=setpassword")]]
    }

    // MARK: Tokens

    func tokensRequest(_ request: SimRequest, caller: Caller, segments: [String]) -> SimResponse {
        switch (request.method, segments.count) {
        case ("GET", 2):
            let own = world.tokens.values.filter { $0.userId == caller.user.id }.sorted { $0.name < $1.name }
            return .json(200, collection("token", own.map { tokenResource($0, request: request, current: $0.name == caller.token.name) },
                                         request: request))
        case ("POST", 2): return createToken(request, caller: caller)
        case ("GET", 3), ("DELETE", 3):
            guard let token = world.tokens[segments[2]], token.userId == caller.user.id else {
                return RancherError.norman(404, "NotFound", "tokens \"\(segments[2])\" not found")
            }
            if request.method == "GET" {
                return .json(200, tokenResource(token, request: request, current: token.name == caller.token.name))
            }
            world.tokens[token.name] = nil
            return SimResponse(status: 204)
        default: return RancherError.norman(405, "MethodNotAllow", "method \(request.method) not allowed")
        }
    }

    /// `POST /v3/tokens` (rancher-api.md §1.2 step 4): `ttl` in milliseconds (minutes on 2.4.6 exactly), clamped to
    /// `auth-token-max-ttl-minutes`, where 0 becomes the maximum (§6.5 ClampToMaxTTL).
    private func createToken(_ request: SimRequest, caller: Caller) -> SimResponse {
        guard let body = try? JSONValue.parse(request.body), body.object != nil else {
            return RancherError.norman(422, "InvalidBodyContent", "failed to decode request body")
        }
        var ttl: Int64 = body["ttl"]?.int ?? 0
        if configuration.version.readsTokenTTLInMinutes { ttl *= 60_000 }
        let maximum = (Int64(world.settings["auth-token-max-ttl-minutes"] ?? "0") ?? 0) * 60_000
        if maximum > 0, ttl == 0 || ttl > maximum { ttl = maximum }
        let token = newToken(userId: caller.user.id, description: body["description"]?.string ?? "", ttl: ttl)
        var resource = tokenResource(world.tokens[token.name]!, request: request, current: false)
        resource["token"] = .string("\(token.name):\(token.secret)")
        return .json(201, resource)
    }

    private func tokenResource(_ token: RancherToken, request: SimRequest, current: Bool) -> JSONValue {
        let link = baseURL(request) + "/v3/tokens/" + token.name
        return ["id": .string(token.name), "type": "token", "baseType": "token", "name": .string(token.name),
                "userId": .string(token.userId), "description": .string(token.description), "ttl": .int(token.ttl),
                "expiresAt": .string(token.expiresAt.map(Self.timestamp) ?? ""), "expired": .bool(token.isExpired(at: now)),
                "current": .bool(current), "isDerived": .bool(!token.isLogin), "authProvider": "local",
                "created": .string(Self.timestamp(token.created)), "links": ["self": .string(link), "remove": .string(link)]]
    }

    // MARK: Shapes shared by the /v3 handlers

    /// A norman collection (rancher-api.md "Collections").
    func collection(_ type: String, _ data: [JSONValue], request: SimRequest) -> JSONValue {
        ["type": "collection", "resourceType": .string(type), "data": .array(data),
         "pagination": ["limit": 1000, "total": .int(Int64(data.count))],
         "links": ["self": .string(baseURL(request) + request.path)]]
    }

    /// RFC 3339 without fractions, as Kubernetes and norman write instants.
    static func timestamp(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}

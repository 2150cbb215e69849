import Foundation

/// Microsoft Graph v1.0: applications, service principals, addPassword / removePassword (azure-api.md §8; properties
/// per the CSDL extract in openapi/msgraph-metadata).
extension AzureCloud {
    func handleGraph(_ request: SimRequest) -> SimResponse {
        // Graph 429 / 503 retry guidance (azure-api.md §3.3).
        if let fault = injectedFault(
            throttled: { graphError(429, "TooManyRequests", "Too many requests; retry after the Retry-After interval.", headers: [("Retry-After", "2")]) },
            serverError: { graphError(503, "serviceNotAvailable", "The service is temporarily unavailable; retry after a delay.") }) {
            return fault
        }
        if case .failure(let error) = verifyBearer(request.headers["authorization"], audiences: graphAudiences) {
            return graphError(401, "InvalidAuthenticationToken", error.message)
        }
        let path = ArmPath(request.path)
        guard path.count >= 2, path.lower[0] == "v1.0" else {
            return graphError(400, "BadRequest", "Invalid version: use /v1.0.")
        }
        let collection = path.lower[1]
        if collection == "applications" { return applications(request, path) }
        if collection == "serviceprincipals" { return servicePrincipals(request, path) }
        // `/applications(appId='…')` addressing (azure-api.md §8.3).
        if collection.hasPrefix("applications(appid='"), let app = appByAlternateKey(path.segments[1]) {
            return application(request, app: app, action: path.count > 2 ? path.segments[2] : nil)
        }
        if collection.hasPrefix("serviceprincipals(appid='") {
            let appId = alternateKey(path.segments[1])
            guard let principal = world.servicePrincipals.values.first(where: { $0.appId.lowercased() == appId?.lowercased() }) else {
                return notFoundGraph(appId ?? path.segments[1])
            }
            return servicePrincipal(request, principal: principal)
        }
        return graphError(400, "BadRequest", "Resource not found for the segment '\(path.segments[1])'.")
    }

    // MARK: Applications

    private func applications(_ request: SimRequest, _ path: ArmPath) -> SimResponse {
        if path.count == 2 {
            switch request.method {
            case "GET":
                let apps = world.applications.values.sorted { $0.createdDateTime < $1.createdDateTime }
                return collection("applications", apps, request, displayName: \.displayName, appId: \.appId, body: applicationBody)
            case "POST":
                guard let body = graphBody(request, type: "application") else { return invalidGraphBody(request, type: "application") }
                if let credentials = body["passwordCredentials"]?.array, !credentials.isEmpty {
                    // "Adding passwordCredential when creating applications is not supported. Use the addPassword method" (§8.1).
                    return graphError(400, "Request_BadRequest", "Adding passwordCredential when creating applications is not supported. Use the addPassword method.")
                }
                guard let name = body["displayName"]?.string, !name.isEmpty else {
                    return graphError(400, "Request_BadRequest", "Property displayName is required.")
                }
                var extra = body.object ?? [:]
                for key in ["displayName", "id", "appId", "passwordCredentials", "createdDateTime"] { extra[key] = nil }
                let app = GraphApplication(id: newUUID(), appId: newUUID(), displayName: name, createdDateTime: now,
                                           replicatedAt: now.addingTimeInterval(scaled(configuration.latency.graphReplication / 4)),
                                           passwords: [], extra: extra)
                world.applications[app.id] = app
                return .json(201, applicationBody(app))
            default:
                return graphError(405, "Request_BadRequest", "Method \(request.method) is not allowed on /applications.")
            }
        }
        guard let app = world.applications[path.segments[2].lowercased()] ?? world.applications.values.first(where: { $0.id.lowercased() == path.lower[2] }) else {
            return notFoundGraph(path.segments[2])
        }
        return application(request, app: app, action: path.count > 3 ? path.segments[3] : nil)
    }

    private func application(_ request: SimRequest, app: GraphApplication, action: String?) -> SimResponse {
        switch (request.method, action?.lowercased()) {
        case ("GET", nil):
            return .json(200, applicationBody(app))
        case ("DELETE", nil):
            world.applications[app.id] = nil
            world.servicePrincipals = world.servicePrincipals.filter { $0.value.appId != app.appId }
            return SimResponse(status: 204)
        case ("POST", "addpassword"):
            // Body wrapper key `passwordCredential` (Action addPassword; §8.3).
            guard let body = try? JSONValue.parse(request.body), case .object(let members) = body,
                  Set(members.keys).isSubset(of: ["passwordCredential"]) else {
                return graphError(400, "Request_BadRequest", "The body must be {\"passwordCredential\": {...}} (Action addPassword).")
            }
            let credential = members["passwordCredential"] ?? [:]
            let issues = GraphSchema.bundled.issues(in: credential, type: "passwordCredential", path: "passwordCredential")
            if let first = issues.first { return graphError(400, "Request_BadRequest", "\(first.message) at \(first.path).") }
            var random = SeededGenerator(seed: world.faultRandom.next())
            let secret = SimIDs.secret(&random, length: 40)
            let end = credential["endDateTime"]?.string.flatMap(SimDates.parse) ?? now.addingTimeInterval(2 * 365 * 86400)
            let password = GraphPassword(keyId: newUUID(), displayName: credential["displayName"]?.string, hint: String(secret.prefix(3)),
                                         secretHash: SimIDs.hash(secret), startDateTime: now, endDateTime: end)
            world.applications[app.id]?.passwords.append(password)
            // secretText is returned only here, once (§8.3).
            var answer = passwordBody(password)
            answer["secretText"] = .string(secret)
            answer["@odata.context"] = .string("\(urls.graph)/v1.0/$metadata#microsoft.graph.passwordCredential")
            return .json(200, answer)
        case ("POST", "removepassword"):
            guard let body = try? JSONValue.parse(request.body), let keyId = body["keyId"]?.string else {
                return graphError(400, "Request_BadRequest", "The body must be {\"keyId\": \"…\"} (Action removePassword).")
            }
            guard app.passwords.contains(where: { $0.keyId.lowercased() == keyId.lowercased() }) else {
                return graphError(404, "Request_ResourceNotFound", "No password credential with keyId '\(keyId)' on application '\(app.id)'.")
            }
            world.applications[app.id]?.passwords.removeAll { $0.keyId.lowercased() == keyId.lowercased() }
            return SimResponse(status: 204)
        default:
            return graphError(405, "Request_BadRequest", "Method \(request.method) is not allowed here.")
        }
    }

    private func applicationBody(_ app: GraphApplication) -> JSONValue {
        var body: JSONValue = .object(app.extra)
        body["id"] = .string(app.id)
        body["appId"] = .string(app.appId)
        body["displayName"] = .string(app.displayName)
        body["createdDateTime"] = .string(SimDates.format(app.createdDateTime))
        body["signInAudience"] = body["signInAudience"] ?? "AzureADMyOrg"
        body["publisherDomain"] = .string("drover-sim.onmicrosoft.com")
        body["passwordCredentials"] = .array(app.passwords.map(passwordBody))
        return body
    }

    private func passwordBody(_ password: GraphPassword) -> JSONValue {
        [
            "customKeyIdentifier": .null, "displayName": password.displayName.map { .string($0) } ?? .null,
            "endDateTime": .string(SimDates.format(password.endDateTime)), "hint": .string(password.hint),
            "keyId": .string(password.keyId), "secretText": .null, "startDateTime": .string(SimDates.format(password.startDateTime)),
        ]
    }

    // MARK: Service principals

    private func servicePrincipals(_ request: SimRequest, _ path: ArmPath) -> SimResponse {
        if path.count == 2 {
            switch request.method {
            case "GET":
                let principals = world.servicePrincipals.values.sorted { $0.createdDateTime < $1.createdDateTime }
                return collection("servicePrincipals", principals, request, displayName: \.displayName, appId: \.appId, body: principalBody)
            case "POST":
                guard let body = graphBody(request, type: "servicePrincipal") else { return invalidGraphBody(request, type: "servicePrincipal") }
                guard let appId = body["appId"]?.string,
                      let app = world.applications.values.first(where: { $0.appId.lowercased() == appId.lowercased() && $0.replicatedAt <= now }) else {
                    // Right after POST /applications (§8.4): NoBackingApplicationObject until the app replicates.
                    return graphError(400, "Request_BadRequest", "The appId '\(body["appId"]?.string ?? "")' of the service principal does not reference a valid application object.",
                                      extra: ["details": [["code": "NoBackingApplicationObject", "message": "The appId of the service principal does not reference a valid application object.", "target": "appId"]]])
                }
                if world.servicePrincipals.values.contains(where: { $0.appId == app.appId }) {
                    return graphError(409, "Request_MultipleObjectsWithSameKeyValue", "The service principal cannot be created, updated, or restored because the service principal name \(app.appId) is already in use.")
                }
                let principal = GraphServicePrincipal(id: newUUID(), appId: app.appId, displayName: app.displayName, createdDateTime: now,
                                                      replicatedAt: now.addingTimeInterval(scaled(configuration.latency.graphReplication)))
                world.servicePrincipals[principal.id] = principal
                return .json(201, principalBody(principal))
            default:
                return graphError(405, "Request_BadRequest", "Method \(request.method) is not allowed on /servicePrincipals.")
            }
        }
        guard let principal = world.servicePrincipals.values.first(where: { $0.id.lowercased() == path.lower[2] }) else {
            return notFoundGraph(path.segments[2])
        }
        return servicePrincipal(request, principal: principal)
    }

    private func servicePrincipal(_ request: SimRequest, principal: GraphServicePrincipal) -> SimResponse {
        switch request.method {
        case "GET": return .json(200, principalBody(principal))
        case "DELETE":
            world.servicePrincipals[principal.id] = nil
            return SimResponse(status: 204)
        default: return graphError(405, "Request_BadRequest", "Method \(request.method) is not allowed here.")
        }
    }

    private func principalBody(_ principal: GraphServicePrincipal) -> JSONValue {
        [
            "id": .string(principal.id), "appId": .string(principal.appId), "displayName": .string(principal.displayName),
            "appDisplayName": .string(principal.displayName), "accountEnabled": true,
            "servicePrincipalNames": [.string(principal.appId)], "servicePrincipalType": "Application",
            "appOwnerOrganizationId": .string(world.tenantId), "passwordCredentials": [], "keyCredentials": [], "tags": [],
        ]
    }

    // MARK: Helpers

    /// The request body checked against the CSDL type: nil when it is not a JSON object or names unknown properties.
    private func graphBody(_ request: SimRequest, type: String) -> JSONValue? {
        guard let body = try? JSONValue.parse(request.body), body.object != nil else { return nil }
        return GraphSchema.bundled.issues(in: body, type: type).isEmpty ? body : nil
    }

    private func invalidGraphBody(_ request: SimRequest, type: String) -> SimResponse {
        guard let body = try? JSONValue.parse(request.body) else {
            return graphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
        }
        let issue = GraphSchema.bundled.issues(in: body, type: type).first
        return graphError(400, "Request_BadRequest", "\(issue?.message ?? "Invalid body") (at \(issue?.path ?? "(body)")).")
    }

    /// A collection answer (`@odata.context`, `value`), narrowed by `$filter=displayName eq '…'` or `appId eq '…'`.
    private func collection<T>(_ name: String, _ items: [T], _ request: SimRequest, displayName: KeyPath<T, String>,
                               appId: KeyPath<T, String>, body: (T) -> JSONValue) -> SimResponse {
        var items = items
        if let filter = request.query["$filter"] {
            let pattern = try! NSRegularExpression(pattern: #"^\s*(displayName|appId)\s+eq\s+'((?:[^']|'')*)'\s*$"#)
            let text = filter as NSString
            guard let match = pattern.firstMatch(in: filter, range: NSRange(location: 0, length: text.length)) else {
                return graphError(400, "Request_UnsupportedQuery", "Unsupported query '\(filter)': only displayName eq '…' or appId eq '…' filters are served.")
            }
            let value = text.substring(with: match.range(at: 2)).replacingOccurrences(of: "''", with: "'")
            items = text.substring(with: match.range(at: 1)) == "appId"
                ? items.filter { $0[keyPath: appId].lowercased() == value.lowercased() }
                : items.filter { $0[keyPath: displayName] == value }
        }
        return .json(200, ["@odata.context": .string("\(urls.graph)/v1.0/$metadata#\(name)"), "value": .array(items.map(body))])
    }

    private func alternateKey(_ segment: String) -> String? {
        guard let start = segment.range(of: "='"), let end = segment.range(of: "')", options: .backwards) else { return nil }
        return String(segment[start.upperBound..<end.lowerBound])
    }

    private func appByAlternateKey(_ segment: String) -> GraphApplication? {
        guard let appId = alternateKey(segment) else { return nil }
        return world.applications.values.first { $0.appId.lowercased() == appId.lowercased() }
    }

    private func notFoundGraph(_ id: String) -> SimResponse {
        // §8.4: "Resource '…' does not exist or one of its queried reference-property objects are not present."
        graphError(404, "Request_ResourceNotFound", "Resource '\(id)' does not exist or one of its queried reference-property objects are not present.")
    }

    /// Graph's error shape (azure-api.md §3.3): `{"error":{"code","message","innerError":{"request-id","date"}}}`.
    func graphError(_ status: Int, _ code: String, _ message: String, headers: [(String, String)] = [], extra: [String: JSONValue] = [:]) -> SimResponse {
        let requestID = nextRequestID()
        var error: JSONValue = ["code": .string(code), "message": .string(message),
                                "innerError": ["request-id": .string(requestID), "client-request-id": .string(requestID), "date": .string(SimDates.format(now))]]
        for (key, value) in extra { error[key] = value }
        return .json(status, ["error": error], headers: headers + [("request-id", requestID)])
    }
}

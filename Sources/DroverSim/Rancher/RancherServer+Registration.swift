import Foundation

/// Cluster registration tokens (rancher-api.md §3.1–§3.3; kube-and-rancher-wire.md §C.3).
extension RancherServer {
    func registrationTokensRequest(_ request: SimRequest, segments: [String]) -> SimResponse {
        switch (request.method, segments.count) {
        case ("GET", 2):
            var tokens = world.registrationTokens.values.filter { $0.visibleAt <= now && isVisible($0.clusterId) }
            if let clusterId = request.query["clusterId"] { tokens = tokens.filter { $0.clusterId == clusterId } }
            if let name = request.query["name"] { tokens = tokens.filter { $0.name == name } }
            let data = tokens.sorted { $0.id < $1.id }.map { registrationTokenResource($0, request: request) }
            return .json(200, collection("clusterRegistrationToken", data, request: request))
        case ("GET", 3):
            guard let token = world.registrationTokens[segments[2]], token.visibleAt <= now else {
                return RancherError.norman(404, "NotFound", "clusterregistrationtokens.management.cattle.io \"\(segments[2])\" not found")
            }
            return .json(200, registrationTokenResource(token, request: request))
        case ("POST", 2): return createRegistrationToken(request)
        default: return RancherError.norman(405, "MethodNotAllow", "method \(request.method) not allowed")
        }
    }

    /// `POST /v3/clusterregistrationtokens` (§3.1): `name` defaults to a generated one; an existing name is a 409
    /// `AlreadyExists` (the 2.6+ controller's `default-token`, §3.1, §6.2).
    private func createRegistrationToken(_ request: SimRequest) -> SimResponse {
        guard let body = try? JSONValue.parse(request.body), let clusterId = body["clusterId"]?.string, !clusterId.isEmpty else {
            return RancherError.norman(422, "MissingRequired", "clusterId is required", fieldName: "clusterId")
        }
        guard isVisible(clusterId) else {
            return RancherError.norman(422, "InvalidBodyContent", "cluster \(clusterId) not found", fieldName: "clusterId")
        }
        let name = body["name"]?.string ?? "crt-" + draw(5)
        if var existing = world.registrationTokens["\(clusterId):\(name)"] {
            guard existing.visibleAt > now else {
                return RancherError.norman(409, "AlreadyExists",
                                           "clusterregistrationtokens.management.cattle.io \"\(name)\" already exists")
            }
            // The controller had not made it yet: the POST makes it now.
            existing.visibleAt = now
            world.registrationTokens[existing.id] = existing
            return .json(201, registrationTokenResource(existing, request: request))
        }
        let token = makeRegistrationToken(clusterId: clusterId, name: name, visibleAt: now)
        return .json(201, registrationTokenResource(token, request: request))
    }

    @discardableResult
    func makeRegistrationToken(clusterId: String, name: String, visibleAt: Date) -> RegistrationToken {
        let token = RegistrationToken(clusterId: clusterId, name: name, token: draw(54, RancherSecrets.tokenAlphabet),
                                      created: now, visibleAt: visibleAt)
        world.registrationTokens[token.id] = token
        return token
    }

    /// The token's resource: on 2.6+ an empty `server-url` leaves only `token` (kube-and-rancher-wire.md §C.3 step 3).
    func registrationTokenResource(_ token: RegistrationToken, request: SimRequest) -> JSONValue {
        let serverURL = world.settings["server-url"] ?? ""
        var fields: [String: String]
        if configuration.version.createsDefaultToken && serverURL.isEmpty {
            fields = ["token": token.token]
            for name in ["command", "insecureCommand", "manifestUrl", "nodeCommand", "windowsNodeCommand",
                         "insecureNodeCommand", "insecureWindowsNodeCommand"] { fields[name] = "" }
        } else {
            fields = RegistrationCommands(
                version: configuration.version, isRKE2: world.clusters[token.clusterId]?.distribution == "rke2",
                rootURL: baseURL(request), token: token.token, clusterId: token.clusterId,
                caCertificates: world.settings["cacerts"] ?? "").fields()
        }
        let ready = !(fields["nodeCommand"] ?? "").isEmpty
        var resource: JSONValue = [
            "id": .string(token.id), "type": "clusterRegistrationToken", "baseType": "clusterRegistrationToken",
            "name": .string(token.name), "clusterId": .string(token.clusterId), "namespaceId": .string(token.clusterId),
            "state": .string(ready ? "active" : "pending"), "transitioning": .string(ready ? "no" : "yes"),
            "created": .string(Self.timestamp(token.created)),
            "links": ["self": .string(baseURL(request) + "/v3/clusterregistrationtokens/" + token.id)]]
        for (key, value) in fields { resource[key] = .string(value) }
        return resource
    }

    /// The registration token whose secret is `value`, if any.
    func registrationToken(secret value: String) -> RegistrationToken? {
        guard !value.isEmpty else { return nil }
        return world.registrationTokens.values.first { $0.token == value }
    }
}

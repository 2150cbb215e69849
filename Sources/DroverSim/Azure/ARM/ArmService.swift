import Foundation

/// The ARM listener: metadata document, inventory, throttling, auth, api-version, and routing to resource handlers.
extension AzureCloud {
    func handleARM(_ request: SimRequest) -> SimResponse {
        let budget = budgetKind(request.method)
        var response = answerARM(request, budget: budget)
        // The remaining budget on every answer (azure-api.md §3.2).
        if response.header(remainingHeader(budget)) == nil { response.setHeader(remainingHeader(budget), String(remaining(budget))) }
        return response
    }

    private func answerARM(_ request: SimRequest, budget: String) -> SimResponse {
        let path = ArmPath(request.path)
        if path.matches(["metadata", "endpoints"]) { return metadataDocument(request) }
        if path.matches(["_sim", "inventory"]) { return .json(200, inventory()) }
        if path.matches(["_sim", "machines"]) { return .json(200, machineInventory()) }

        if let fault = injectedFault(
            throttled: { throttled(kind: budget, retryAfter: 2) },
            serverError: { ArmError(500, "InternalServerError", "Encountered internal server error. Diagnostic information: timestamp '\(SimDates.format(now))'.").response }) {
            return fault
        }

        let claims: JSONValue
        switch verifyBearer(request.headers["authorization"], audiences: Self.armAudiences) {
        case .failure(let error): return error.response
        case .success(let value): claims = value
        }
        if let denied = authorizationFailure(request, path: path, claims: claims) { return denied.response }
        if let wait = takeBudget(budget) { return throttled(kind: budget, retryAfter: wait) }
        do {
            return try routeARM(request, path)
        } catch let error as ArmError {
            return error.response
        } catch {
            return ArmError(500, "InternalServerError", "\(error)").response
        }
    }

    private func routeARM(_ request: SimRequest, _ path: ArmPath) throws -> SimResponse {
        guard path.count >= 2, path.lower[0] == "subscriptions" else {
            throw ArmError(404, "InvalidResourceType", "The resource type could not be found in the namespace for api version '\(request.query["api-version"] ?? "")'.")
        }
        guard path.lower[1] == world.subscriptionId else {
            throw ArmError(404, "SubscriptionNotFound", "The subscription '\(path.segments[1])' could not be found.")
        }
        // Operation status endpoints (azure-api.md §2; URLs this simulator handed out).
        if path.matches(["subscriptions", "*", "providers", "*", "locations", "*", "operations", "*"]) {
            return try operationStatus(request, path, id: path.segments[7], asLocation: request.query["monitor"] == "true")
        }
        if path.matches(["subscriptions", "*", "providers", "*", "locations", "*", "operationresults", "*"])
            || path.matches(["subscriptions", "*", "operationresults", "*"]) {
            return try operationStatus(request, path, id: path.segments[path.count - 1], asLocation: true)
        }
        if path.matches(["subscriptions", "*", "providers", "microsoft.network", "locations", "*", "checkdnsnameavailability"]) {
            return try checkDnsNameAvailability(request, location: path.segments[5])
        }
        // Role assignments at any scope: {scope}/providers/Microsoft.Authorization/roleAssignments[/{name}].
        if let index = path.lower.lastIndex(of: "microsoft.authorization"), index >= 1, path.lower[index - 1] == "providers",
           index + 1 < path.count, path.lower[index + 1] == "roleassignments" {
            let scope = "/" + path.segments[0..<(index - 1)].joined(separator: "/")
            return try roleAssignments(request, scope: scope, name: index + 2 < path.count ? path.segments[index + 2] : nil)
        }
        guard path.count >= 4, path.lower[2] == "resourcegroups" else {
            throw ArmError(404, "InvalidResourceType", "The resource type '\(path.segments.dropFirst(2).joined(separator: "/"))' could not be found.")
        }
        if path.count == 4 { return try resourceGroup(request, name: path.segments[3]) }
        return try resourceInGroup(request, path)
    }

    // MARK: api-version (azure-api.md §0: mandatory; openapi/README.md: the version each definition declares)

    func requireApiVersion(_ request: SimRequest, kind: ResourceKind, location: String?) throws -> String {
        guard let given = request.query["api-version"], !given.isEmpty else { throw ArmError.missingApiVersion() }
        let supported = try library.apiVersion(of: kind.file)
        guard given == supported else {
            throw ArmError.unsupportedApiVersion(given, supported: supported, type: kind.type, location: location)
        }
        return given
    }

    // MARK: Throttling (azure-api.md §3.2)

    func budgetKind(_ method: String) -> String {
        switch method {
        case "GET", "HEAD": "read"
        case "DELETE": "delete"
        default: "write"
        }
    }

    /// Takes one request from the subscription's bucket; the seconds to wait when it is empty.
    func takeBudget(_ kind: String) -> Int? {
        guard let budget = configuration.throttling, configuration.timeScale.factor > 0 else { return nil }
        let perHour = kind == "read" ? budget.readsPerHour : kind == "delete" ? budget.deletesPerHour : budget.writesPerHour
        // Refill at the documented hourly rate, sped up with the time scale like every other duration.
        let refill = perHour / 3600 / configuration.timeScale.factor
        var bucket = bucketFor(kind) ?? TokenBucket(capacity: perHour, refillPerSecond: refill, now: now, fill: kind == "write" ? budget.writesStartingFraction : 1)
        bucket.capacity = perHour
        bucket.refillPerSecond = refill
        let wait = bucket.take(now: now)
        setBucket(kind, bucket)
        return wait.map { Int($0.rounded(.up)) }
    }

    private func bucketFor(_ kind: String) -> TokenBucket? {
        kind == "read" ? world.reads : kind == "delete" ? world.deletes : world.writes
    }

    private func setBucket(_ kind: String, _ bucket: TokenBucket) {
        switch kind {
        case "read": world.reads = bucket
        case "delete": world.deletes = bucket
        default: world.writes = bucket
        }
    }

    func remaining(_ kind: String) -> Int {
        guard configuration.throttling != nil, configuration.timeScale.factor > 0 else {
            return Int(kind == "read" ? ThrottleBudget().readsPerHour : kind == "delete" ? ThrottleBudget().deletesPerHour : ThrottleBudget().writesPerHour)
        }
        guard var bucket = bucketFor(kind) else { return 0 }
        bucket.refill(now: now)
        return bucket.remaining
    }

    /// `x-ms-ratelimit-remaining-subscription-{reads,writes,deletes}` (azure-api.md §3.2).
    func remainingHeader(_ kind: String) -> String { "x-ms-ratelimit-remaining-subscription-\(kind)s" }

    /// 429 with Retry-After (azure-api.md §3.2). [code SubscriptionRequestsThrottled; not in the reference]
    func throttled(kind: String, retryAfter: Int) -> SimResponse {
        var error = ArmError(429, "SubscriptionRequestsThrottled",
                             "Number of '\(kind)' requests for subscription '\(world.subscriptionId)' exceeded. Please try again after '\(retryAfter)' seconds after additional tokens are available.")
        error.headers = [("Retry-After", String(retryAfter)), (remainingHeader(kind), "0")]
        return error.response
    }

    // MARK: Metadata document (custom clouds: Azure Stack Hub, ARM_METADATA_HOSTNAME)

    /// `GET /metadata/endpoints?api-version=…`. For api-version 2022-09-01 and later the array form, otherwise the
    /// older single-object form. [shape from ARM's public metadata endpoint; azure-api.md does not describe it]
    func metadataDocument(_ request: SimRequest) -> SimResponse {
        let version = request.query["api-version"] ?? "2015-01-01"
        let audiences: JSONValue = .array(Self.armAudiences.map { .string($0) })
        if version >= "2022-09-01" {
            return .json(200, [[
                "name": "DroverSimulator",
                "resourceManager": .string(urls.arm + "/"),
                "portal": .string(urls.arm + "/"),
                "authentication": [
                    "loginEndpoint": .string(urls.login + "/"), "audiences": audiences,
                    "tenant": "common", "identityProvider": "AAD",
                ],
                "graph": .string(urls.graph + "/"),
                // Microsoft Graph's endpoint and token audience in one, as in the public clouds' documents.
                "microsoftGraphResourceId": .string(urls.graph + "/"),
                "suffixes": ["storage": "core.windows.net", "keyVaultDns": "vault.azure.net", "acrLoginServer": "azurecr.io"],
            ]])
        }
        return .json(200, [
            "galleryEndpoint": .string(urls.arm + "/"),
            "graphEndpoint": .string(urls.graph + "/"),
            "portalEndpoint": .string(urls.arm + "/"),
            "authentication": ["loginEndpoint": .string(urls.login + "/"), "audiences": audiences],
        ])
    }

    // MARK: Inventory

    /// Every object the simulator holds (resources, disks, operations in flight, Graph objects).
    func inventory() -> JSONValue {
        let resources = world.resources.values.sorted { $0.id.lowercased() < $1.id.lowercased() }.map { stored -> JSONValue in
            ["id": .string(stored.id), "type": .string(stored.type), "provisioningState": .string(stored.provisioningState)]
        }
        return [
            "subscriptionId": .string(world.subscriptionId), "tenantId": .string(world.tenantId),
            "resources": .array(resources),
            "applications": .array(world.applications.values.filter { $0.appId != world.bootstrapClientId }
                .sorted { $0.id < $1.id }.map { ["id": .string($0.id), "appId": .string($0.appId), "displayName": .string($0.displayName)] }),
            "servicePrincipals": .array(world.servicePrincipals.values.filter { $0.appId != world.bootstrapClientId }
                .sorted { $0.id < $1.id }.map { ["id": .string($0.id), "appId": .string($0.appId)] }),
            "operationsInFlight": .int(Int64(world.operations.values.filter { !$0.finished }.count)),
        ]
    }
}

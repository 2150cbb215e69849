import DroverEngine
import DroverHTTP
import Foundation

/// `rancher.bootstrap`: waits for the server, logs in as `admin`, sets the admin password once, creates Drover's API
/// token and sets `server-url` and `telemetry-opt` (rancher-api.md §1.2 for 2.3, §1.3 for 2.6+, algorithm §1.5).
///
/// Idempotent: a rerun uses the stored token while Rancher accepts it, else logs in with the admin password; it sets a
/// password only when logged in with the initial one (`admin` or the bootstrap password), so a password a user
/// changed is never reset — the run stops and says so.
public struct BootstrapHandler: ResourceHandler {
    /// Inputs (declared by the blueprint's `rancher.bootstrap`).
    public struct Inputs: Codable, Sendable, Equatable {
        /// `https://<load balancer FQDN>`.
        public var url: String
        /// `admin-admin` (Rancher 2.3: admin/admin) or `bootstrap-password` (2.6+: the Helm `bootstrapPassword`).
        public var flow: String
        /// The initial password of the 2.6+ flow (sensitive).
        public var bootstrapPassword: String?
        /// The admin password Drover sets and keeps (sensitive).
        public var adminPassword: String
        /// The load balancer's address, for messages.
        public var loadBalancerIP: String?
        /// The private CA to pin, PEM.
        public var caCertificate: String?
    }

    /// Outputs.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The server URL, for the other rancher.* resources.
        public var url: String
        /// Drover's API token, `token-xxxxx:<secret>` (sensitive).
        public var token: String
        /// The token's id, `token-xxxxx`.
        public var tokenId: String
        /// The admin user's id.
        public var adminUserId: String?
    }

    let session: RancherSession
    let probe: any NetworkProbe
    let serverTimeout: Double

    /// Creates the handler; tests pass a scripted probe and a short server timeout.
    public init(session: RancherSession, probe: any NetworkProbe = SystemNetworkProbe(), serverTimeout: Double = 1200) {
        self.session = session
        self.probe = probe
        self.serverTimeout = serverTimeout
    }

    public var type: String { "rancher.bootstrap" }
    public var replaceTriggers: Set<String> { ["url"] }
    public var sensitiveInputs: Set<String> { ["bootstrapPassword", "adminPassword"] }
    public var sensitiveOutputs: Set<String> { ["token"] }

    static let tokenDescription = "drover"

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        try await establish(inputs, prior: nil, context: context)
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        try await establish(new, prior: prior, context: context)
    }

    /// The stored token when Rancher still accepts it, else `nil` (expired, deleted or refused): Rancher ≥2.8 clamps a
    /// ttl-0 token to 90 days, so a token does expire (rancher-api.md §6.5).
    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        guard let prior else { return nil }
        let client = try await session.client(endpoint(inputs), token: prior.token)
        return try await tokenIsValid(prior, client: client, context: context) ? Observed(prior) : nil
    }

    /// Deletes Drover's API token; the server and its admin user stay.
    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        let client = try await session.client(endpoint(inputs), token: prior.token)
        do { _ = try await client.send("DELETE", "/v3/tokens/\(prior.tokenId)", context: context) } catch let error as CodedError
            where error.notFound || error.code == "Unauthorized" {}
    }

    func endpoint(_ inputs: Inputs) -> RancherEndpoint { RancherEndpoint(url: inputs.url, caCertificate: inputs.caCertificate) }

    /// The whole bootstrap, safe to repeat.
    func establish(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Outputs {
        let anonymous = try await session.client(endpoint(inputs))
        try await ServerWait(client: anonymous, overrides: session.environment.hostOverrides, probe: probe, timeout: serverTimeout)
            .run(context: context)

        if let prior {
            let stored = anonymous.authenticated(prior.token)
            if try await tokenIsValid(prior, client: stored, context: context) {
                context.report("Rancher: the stored API token is still valid")
                try await applySettings(inputs, client: stored, context: context)
                return Outputs(url: inputs.url, token: prior.token, tokenId: prior.tokenId, adminUserId: prior.adminUserId)
            }
            context.report("Rancher: the stored API token expired or was revoked; logging in to replace it")
        }

        let login = try await logIn(inputs, client: anonymous, context: context)
        let loggedIn = anonymous.authenticated(login.token)
        let adminId = try await adminUserId(client: loggedIn, context: context)
        if login.usedInitialPassword {
            guard let adminId else { throw CodedError(code: "AdminUserMissing", message: "Rancher has no local user named admin") }
            // setpassword, not changepassword: it accepts any password including the current one (rancher-api.md §1.3, §6.6).
            _ = try await loggedIn.send(
                "POST", "/v3/users/\(adminId)", query: [("action", "setpassword")], body: ["newPassword": inputs.adminPassword],
                idempotent: true, context: context)
            context.report("Rancher: admin password set")
        }
        try await removeLostTokens(client: loggedIn, context: context)
        struct TokenRequest: Encodable, Sendable { var type = "token"; var description: String; var ttl = 0 }
        let created = try await loggedIn.json(
            TokenAnswer.self, "POST", "/v3/tokens", body: TokenRequest(description: Self.tokenDescription), context: context)
        let api = anonymous.authenticated(created.token)
        try await applySettings(inputs, client: api, context: context)
        // Hygiene as the Terraform provider does: the login (session) token and a replaced API token are removed.
        for old in [login.tokenId, prior?.tokenId].compactMap({ $0 }) {
            _ = try? await api.send("DELETE", "/v3/tokens/\(old)", context: context)
        }
        return Outputs(url: inputs.url, token: created.token, tokenId: created.tokenId, adminUserId: adminId)
    }

    struct TokenAnswer: Decodable {
        var token: String
        var id: String?
        /// The token id: `id`, else the part before the first `:` with an `ext/` prefix removed (rancher-api.md §1.3).
        var tokenId: String {
            if let id, !id.isEmpty { return id }
            let name = String(token.split(separator: ":", maxSplits: 1).first ?? "")
            return name.hasPrefix("ext/") ? String(name.dropFirst(4)) : name
        }
    }

    struct Login { var token: String; var tokenId: String; var usedInitialPassword: Bool }

    /// Logs in as `admin` with the admin password, then with the initial one (rancher-api.md §1.5).
    func logIn(_ inputs: Inputs, client: RancherClient, context: OperationContext) async throws -> Login {
        let initial = inputs.flow == "admin-admin" ? "admin" : inputs.bootstrapPassword
        guard inputs.flow == "admin-admin" || inputs.flow == "bootstrap-password" else {
            throw CodedError(
                code: "InvalidInputs", message: "rancher.bootstrap flow \"\(inputs.flow)\" is neither admin-admin nor bootstrap-password",
                nothingApplied: true)
        }
        for (password, isInitial) in [(inputs.adminPassword, false), (initial, true)] {
            guard let password, !(isInitial && password == inputs.adminPassword) else { continue }
            do {
                let answer = try await loginRequest(password: password, client: client, context: context)
                context.report("Rancher: logged in as admin with the \(isInitial ? "initial" : "admin") password")
                return Login(token: answer.token, tokenId: answer.tokenId, usedInitialPassword: isInitial)
            } catch let error as CodedError where error.status == 401 {
                continue
            }
        }
        throw CodedError(
            code: "AdminPasswordChanged",
            message: "Rancher at \(inputs.url) accepts neither the admin password Drover holds nor the initial "
                + (inputs.flow == "admin-admin" ? "admin/admin" : "bootstrap") + " password: someone changed the admin password",
            remediation: "Drover never resets a password it does not know: set the admin password back to Drover's "
                + "(`drover output rancher_admin_password`) in Rancher's UI, or reset it with `kubectl -n cattle-system exec "
                + "deploy/rancher -- reset-password` and run again",
            status: 401, nothingApplied: true)
    }

    /// `POST /v1-public/login` (2.13+), falling back to `/v3-public/localProviders/local?action=login` on 404 only
    /// (rancher-api.md §1.3, the Terraform provider's `DoUserLogin`; kube-and-rancher-wire.md §C.1).
    func loginRequest(password: String, client: RancherClient, context: OperationContext) async throws -> TokenAnswer {
        struct V1: Encodable, Sendable { var type = "localProvider"; var username = "admin"; var password: String; var description = "drover login"; var ttl = 60000 }
        struct V3: Encodable, Sendable { var username = "admin"; var password: String; var description = "drover login"; var ttl = 60000; var responseType = "json" }
        do {
            return try await client.json(TokenAnswer.self, "POST", "/v1-public/login", body: V1(password: password), context: context)
        } catch let error as CodedError where error.status == 404 {
            return try await client.json(
                TokenAnswer.self, "POST", "/v3-public/localProviders/local", query: [("action", "login")], body: V3(password: password),
                context: context)
        }
    }

    /// Deletes API tokens an earlier run made whose secret Drover no longer holds (its state was lost): a token's
    /// secret is returned only at creation (rancher-api.md §1.2 step 4), so they are useless, and Drover keeps one.
    func removeLostTokens(client: RancherClient, context: OperationContext) async throws {
        struct Token: Decodable { var id: String; var description: String?; var current: Bool? }
        let tokens = try await CodedError.nilWhenNotFound {
            try await client.json(RancherCollection<Token>.self, "GET", "/v3/tokens", context: context).data
        } ?? []
        for token in tokens where token.description == Self.tokenDescription && token.current != true {
            _ = try await CodedError.nilWhenNotFound { try await client.send("DELETE", "/v3/tokens/\(token.id)", context: context) }
            context.report("Rancher: removed API token \(token.id) from an earlier run whose secret is lost")
        }
    }

    /// `GET /v3/users?username=admin` → the id (rancher-api.md §1.2 step 3).
    func adminUserId(client: RancherClient, context: OperationContext) async throws -> String? {
        struct User: Decodable { var id: String }
        return try await client.json(RancherCollection<User>.self, "GET", "/v3/users", query: [("username", "admin")], context: context)
            .data.first?.id
    }

    /// `GET /v3/tokens/<id>`: 200 with `expired: false` is valid; 401/403/404 or `expired: true` is not (§1.5, §6.5).
    func tokenIsValid(_ outputs: Outputs, client: RancherClient, context: OperationContext) async throws -> Bool {
        struct Token: Decodable { var expired: Bool? }
        do {
            return try await client.json(Token.self, "GET", "/v3/tokens/\(outputs.tokenId)", context: context).expired != true
        } catch let error as CodedError where [401, 403, 404].contains(error.status ?? 0) {
            return false
        }
    }

    /// `server-url` (needed before registration commands exist, §1.2 step 5) and `telemetry-opt` = out; a setting this
    /// version does not have (404: `telemetry-opt` is gone from 2.11) is skipped.
    func applySettings(_ inputs: Inputs, client: RancherClient, context: OperationContext) async throws {
        for (name, value) in [("server-url", inputs.url), ("telemetry-opt", "out")] {
            do {
                _ = try await client.send("PUT", "/v3/settings/\(name)", body: ["value": value], context: context)
            } catch let error as CodedError where error.notFound {
                context.report("Rancher: setting \(name) does not exist on this version; skipped")
            }
        }
    }
}

import DroverEngine

/// Reads a cluster's registration token (CRT), creating it where Rancher does not (rancher-api.md §3.1–§3.2,
/// kube-and-rancher-wire.md §C.3).
struct RegistrationTokens {
    /// The norman fields Drover uses (§3.2).
    struct Token: Decodable, Sendable {
        var id: String?
        var name: String?
        var token: String?
        var nodeCommand: String?
        var windowsNodeCommand: String?

        /// Usable once the token and the Linux command are filled in (§6.4; empty `server-url` keeps commands empty).
        var isReady: Bool { !(token ?? "").isEmpty && !(nodeCommand ?? "").isEmpty }
    }

    let client: RancherClient
    let clusterId: String

    /// The tokens of the cluster: `default-token` first, then `system` (Rancher 2.3's own, §3.1), then any other.
    func list(context: OperationContext) async throws -> [Token] {
        let all = try await client.json(
            RancherCollection<Token>.self, "GET", "/v3/clusterregistrationtokens", query: [("clusterId", clusterId)], context: context
        ).data
        func rank(_ token: Token) -> Int { token.name == "default-token" ? 0 : token.name == "system" ? 1 : 2 }
        return all.sorted { rank($0) < rank($1) }
    }

    /// `POST /v3/clusterregistrationtokens` for `default-token`; 409 means it exists (2.6+ makes it, §3.1).
    func create(context: OperationContext) async throws {
        struct Request: Encodable, Sendable { var type = "clusterRegistrationToken"; var clusterId: String; var name = "default-token" }
        do { _ = try await client.send("POST", "/v3/clusterregistrationtokens", body: Request(clusterId: clusterId), context: context) } catch let error as CodedError
            where error.status == 409
        {}
    }

    /// Waits for a usable token; on the 2.3 API (`createIfMissing`) creates `default-token` when the list is empty.
    func ready(createIfMissing: Bool, timeout: Double, context: OperationContext) async throws -> Token {
        var created = false
        return try await context.wait(for: "the registration token of cluster \(clusterId) (token and nodeCommand)", every: 3, timeout: timeout) {
            let tokens = try await list(context: context)
            if let usable = tokens.first(where: \.isReady) { return usable }
            if tokens.isEmpty, createIfMissing, !created {
                context.report("creating registration token default-token for \(clusterId)")
                try await create(context: context)
                created = true
            } else {
                context.report("waiting for Rancher to fill in the registration token of \(clusterId)")
            }
            return nil
        }
    }
}

import DroverEngine
import DroverHTTP
import Foundation

/// Waits until a Rancher server answers, stage by stage — DNS, TCP, TLS, then `GET /ping` = `pong` several times in a
/// row — reporting each stage with its elapsed time; on timeout the error names the stage and its last error.
///
/// `/ping` is unauthenticated and answers the text `pong` (rancher-api.md §1.1); tf-rancher-up waits for five answers
/// in a row before bootstrapping (peers.md §1.4), since the ingress answers between Rancher pod restarts.
public struct ServerWait: Sendable {
    /// One stage of the wait.
    public enum Stage: String, Sendable, CaseIterable {
        case dns = "DNS", tcp = "TCP", tls = "TLS", ping = "/ping"
    }

    let client: RancherClient
    let overrides: [HostOverride]
    let probe: any NetworkProbe
    /// How many `pong` answers in a row count as up.
    public var pongsInARow: Int
    /// Seconds between attempts.
    public var interval: Double
    /// Seconds for the whole wait.
    public var timeout: Double

    /// Creates a wait for the server `client` talks to.
    public init(
        client: RancherClient, overrides: [HostOverride], probe: any NetworkProbe = SystemNetworkProbe(), pongsInARow: Int = 3,
        interval: Double = 5, timeout: Double = 1200
    ) {
        self.client = client
        self.overrides = overrides
        self.probe = probe
        self.pongsInARow = pongsInARow
        self.interval = interval
        self.timeout = timeout
    }

    /// Runs the stages in order.
    /// - Throws: `CodedError` `Timeout` naming the stage and its last error; `Interrupted` when stopped.
    public func run(context: OperationContext) async throws {
        let host = client.baseURL.host ?? ""
        let port = client.baseURL.port ?? 443
        let start = context.clock.now()
        let deadline = start + timeout
        var target = (address: host, port: port)

        if let override = overrides.first(where: { $0.host == host.lowercased() && $0.port == port }) {
            target = (override.address, override.targetPort)
            context.report("Rancher \(host): DNS satisfied by DROVER_CONNECT_TO (\(host):\(port) → \(override.address):\(override.targetPort))")
        } else {
            let addresses = try await stage(.dns, start: start, deadline: deadline, context: context) {
                let found = try await probe.resolve(host)
                guard !found.isEmpty else { throw CodedError(code: "DNSFailed", message: "\(host) resolves to no address") }
                return found
            }
            context.report("Rancher \(host): DNS → \(addresses.joined(separator: ", ")) after \(elapsed(since: start, context))")
        }
        try await stage(.tcp, start: start, deadline: deadline, context: context) {
            try await probe.connect(target.address, port: target.port, timeout: min(10, max(1, deadline - context.clock.now())))
        }
        context.report("Rancher \(host): TCP \(target.address):\(target.port) open after \(elapsed(since: start, context))")
        try await stage(.tls, start: start, deadline: deadline, context: context) { _ = try await client.sendOnce("GET", "/ping") }
        context.report("Rancher \(host): TLS verified after \(elapsed(since: start, context))")
        var streak = 0
        try await stage(.ping, start: start, deadline: deadline, context: context) {
            let answer = try await client.sendOnce("GET", "/ping")
            let text = String(decoding: answer.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard answer.status == 200, text == "pong" else {
                streak = 0
                throw CodedError(code: "NotPong", message: "/ping answered \(answer.status) \"\(text.prefix(60))\", not 200 pong")
            }
            streak += 1
            guard streak >= pongsInARow else {
                throw CodedError(code: "PongStreak", message: "pong \(streak) of \(pongsInARow) in a row")
            }
        }
        context.report("Rancher \(host): /ping answered pong \(pongsInARow) times in a row after \(elapsed(since: start, context))")
    }

    /// Retries `check` every `interval` until it succeeds or the deadline passes, reporting the stage's elapsed time.
    @discardableResult
    private func stage<T: Sendable>(
        _ stage: Stage, start: Double, deadline: Double, context: OperationContext, _ check: () async throws -> T
    ) async throws -> T {
        let host = client.baseURL.host ?? ""
        let lastError = LastError()
        let begun = context.clock.now()
        return try await context.wait(
            for: "Rancher at \(host), stage \(stage.rawValue)", every: interval, timeout: max(0, deadline - begun),
            diagnosis: { await lastError.text.map { "last error: \($0)" } }
        ) {
            do { return try await check() } catch let error as CodedError where error.code != "Interrupted" {
                await lastError.set("\(error.code): \(error.message)")
                context.report("Rancher \(host): waiting for \(stage.rawValue) (\(elapsed(since: begun, context))): \(error.code): \(error.message)")
                return nil
            }
        }
    }

    private func elapsed(since start: Double, _ context: OperationContext) -> String { "\(Int((context.clock.now() - start).rounded()))s" }
}

/// The last failure of a stage, kept for the timeout message.
actor LastError {
    var text: String?
    func set(_ value: String) { text = value }
}

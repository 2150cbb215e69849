@testable import DroverRancher
import DroverEngine
import DroverHTTPTestSupport
import Foundation
import Logging
import Testing

/// Passwords, API tokens, registration tokens, the service principal's secret and kubeconfig tokens never appear in
/// the debug log, progress messages or errors.
@Suite struct SecretLoggingTests {
    @Test func secretsStayOutOfLogsProgressAndErrors() async throws {
        let capture = LogCapture()
        var logger = capture.logger()
        logger.logLevel = .debug
        let rancher = FakeRancher { $0.adminPassword = "bootstrap-pw-123456"; $0.minor = 6 }
        try await withRancher(logger: logger, rancher: rancher) { fx in
            let ca = fx.ca.certificatePEM
            let boot = try await fx.bootstrap().create(bootstrapInputs(ca: ca), context: fx.context())
            var cluster = ClusterTests.inputs(api: "provisioning.cattle.io/v1", token: boot.token, ca: ca)
            cluster.cloudCredential.clientSecret = "sp-secret-value"
            let created = try await ClusterHandler(session: fx.session).create(cluster, context: fx.context())
            let registration = try await RegistrationTokenHandler(session: fx.session).create(
                .init(url: RancherFixture.url, rancherToken: boot.token, caCertificate: ca, clusterId: created.id, api: cluster.api), context: fx.context())
            _ = try await KubeconfigHandler(session: fx.session).create(
                .init(url: RancherFixture.url, rancherToken: boot.token, caCertificate: ca, clusterId: created.id), context: fx.context())
            // An error after login: the password someone changed, logged and thrown.
            rancher.with { $0.adminPassword = "changed-by-someone" }
            let failure = await #expect(throws: CodedError.self) { try await fx.bootstrap().create(bootstrapInputs(ca: ca), context: fx.context()) }

            let secrets = [
                "bootstrap-pw-123456", "Adm1n-Password-0f-Drover", boot.token, String(boot.token.split(separator: ":")[1]),
                "sp-secret-value", registration.token, "kubesecret123", "changed-by-someone",
            ]
            let haystacks = capture.lines + fx.progress.messages + [failure.map { "\($0.message) \($0.remediation ?? "")" } ?? ""]
            #expect(capture.lines.count > 10)
            for secret in secrets {
                #expect(!haystacks.contains { $0.contains(secret) }, "\(secret.prefix(4))… leaked")
            }
        }
    }
}

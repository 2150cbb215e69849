import DroverHTTP
import DroverHTTPTestSupport
import Foundation
import Testing

@Suite struct RedactionTests {
    static let secrets = [
        "Bearer-eyJ0eXAiOiJKV1Q", "S3cr3t+/:[]@value", "Adm1nPassw0rd!x", "I2Nsb3VkLWNvbmZpZwo=", "run-secret-script.ps1",
        "token-from-server-xyz", "[6gyXA5S20@MN+WRXAJ]I-TO7g1:h2P8", "rke2-join-token-123",
    ]

    @Test func noSecretReachesAnyDebugLine() async throws {
        let capture = LogCapture()
        let ca = try TestCertificateAuthority()
        try await withServer(
            ca: ca, configure: { config, _, _ in config.logger = capture.logger() },
            respond: { request in
                request.path == "/token"
                    ? .json(200, ["access_token": Self.secrets[5], "expires_in": 3599, "token_type": "Bearer"])
                    : .json(200, ["secretText": Self.secrets[6], "keyId": "k", "properties": ["token": Self.secrets[7]]])
            }
        ) { server, transport in
            let form = "client_id=app&client_secret=\(Self.secrets[1].addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&grant_type=client_credentials"
            _ = try await transport.send(
                HTTPRequest(method: "POST", url: URL(string: "https://localhost:\(server.port)/token")!,
                            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Data(form.utf8)),
                sleep: RecordingSleeper().sleeper)
            let body: [String: Any] = [
                "location": "eastus",
                "properties": [
                    "osProfile": ["adminPassword": Self.secrets[2], "customData": Self.secrets[3], "adminUsername": "azureuser"],
                    "protectedSettings": ["commandToExecute": Self.secrets[4]],
                ],
            ]
            _ = try await transport.send(
                HTTPRequest(method: "PUT", url: URL(string: "https://localhost:\(server.port)/vm?api-version=2024-07-01")!,
                            headers: [("Authorization", Self.secrets[0]), ("Content-Type", "application/json")],
                            body: try JSONSerialization.data(withJSONObject: body)),
                sleep: RecordingSleeper().sleeper)
        }
        let lines = capture.lines
        #expect(lines.count >= 4)
        for secret in Self.secrets + [Self.secrets[1].addingPercentEncoding(withAllowedCharacters: .alphanumerics)!] {
            #expect(!lines.contains { $0.contains(secret) }, "secret \(secret.prefix(4))… leaked")
        }
        #expect(lines.contains { $0.contains("azureuser") }, "non-secret fields stay readable")
        #expect(lines.contains { $0.contains(LogRedactor.mask) })
    }

    @Test(arguments: ["client_secret", "adminPassword", "customData", "protectedSettings", "access_token", "refresh_token", "secretText", "password", "accessToken"])
    func secretFieldNames(name: String) {
        #expect(LogRedactor.isSecret(name))
    }

    @Test(arguments: ["location", "code", "message", "name", "keyData", "adminUsername"])
    func ordinaryFieldNames(name: String) {
        #expect(!LogRedactor.isSecret(name))
    }
}

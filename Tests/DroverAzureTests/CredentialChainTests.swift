@testable import DroverAzure
import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
import Foundation
import NIOConcurrencyHelpers
import Testing

/// A command runner that answers `az` from a script and records each call.
final class FakeCommandRunner: CommandRunner, Sendable {
    private let calls = NIOLockedValueBox<[[String]]>([])
    let answer: @Sendable ([String]) -> CommandResult
    init(_ answer: @escaping @Sendable ([String]) -> CommandResult) { self.answer = answer }
    var recorded: [[String]] { calls.withLockedValue { $0 } }
    func run(_ executable: String, _ arguments: [String]) async throws -> CommandResult {
        calls.withLockedValue { $0.append([executable] + arguments) }
        return answer(arguments)
    }
}

/// A clock for token expiry that tests move by hand.
final class WallClock: Sendable {
    private let box = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
    var now: @Sendable () -> Date { { self.box.withLockedValue { $0 } } }
    func advance(_ seconds: Double) { box.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
}

@Suite struct CredentialChainTests {
    static let armScope = AzureCloud.azureCloud.resourceManagerScope
    let noSleep: HTTPTransport.Sleeper = { _ in }

    /// A fake Entra ID token endpoint on a test server, with the client secret credential pointed at it.
    func withTokenEndpoint(
        clock: WallClock = WallClock(), respond: @escaping @Sendable (RecordedRequest) -> ScriptedResponse,
        _ body: (TestHTTPSServer, ClientSecretCredential) async throws -> Void
    ) async throws {
        let ca = try TestCertificateAuthority()
        let server = try await TestHTTPSServer.start(ca: ca, respond: respond)
        let caFile = try ca.writeCertificateFile()
        let transport = try HTTPTransport(configuration: TransportConfiguration(extraCAFile: caFile, retry: RetryPolicy(maxAttempts: 1)))
        let base = URL(string: "https://localhost:\(server.port)/")!
        let cloud = AzureCloud(name: "Test", loginEndpoint: base, resourceManager: base, graph: base)
        let credential = ClientSecretCredential(
            tenantId: "tenant-1", clientId: "app-1", clientSecret: "s3cr+t/&=", cloud: cloud, transport: transport, now: clock.now)
        do { try await body(server, credential) } catch {
            try? await transport.shutdown()
            try? await server.stop()
            throw error
        }
        try await transport.shutdown()
        try await server.stop()
    }

    @Test func clientSecretComesFirstAndSendsTheClientCredentialsGrant() async throws {
        let cli = FakeCommandRunner { _ in CommandResult(status: 0, stdout: #"{"accessToken":"cli","expires_on":1900000000}"#) }
        try await withTokenEndpoint(respond: { _ in .json(200, ["access_token": "sp-token", "expires_in": 3599, "token_type": "Bearer"]) }) { server, secret in
            let chain = CredentialChain([secret, AzureCLICredential(runner: cli)])
            #expect(try await chain.token(scope: Self.armScope, sleep: noSleep) == "sp-token")
            #expect(await chain.used?.hasPrefix("client secret") == true)
            #expect(cli.recorded.isEmpty)
            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/tenant-1/oauth2/v2.0/token")
            let form = String(decoding: request.body, as: UTF8.self)
            #expect(form.contains("grant_type=client_credentials"))
            #expect(form.contains("client_id=app-1"))
            // The secret is form-encoded (azure-api.md §1.1).
            #expect(form.contains("client_secret=s3cr%2Bt%2F%26%3D"))
            #expect(form.contains("scope=https%3A%2F%2Fmanagement.core.windows.net%2F.default"))
        }
    }

    @Test func azureCLIIsUsedWhenNoSecretIsSetAndExpiresOnIsHonoured() async throws {
        let cli = FakeCommandRunner { _ in
            CommandResult(status: 0, stdout: #"{"accessToken":"cli-token","expiresOn":"2027-01-01 10:00:00.000000","expires_on":1900000000,"tokenType":"Bearer"}"#)
        }
        let environment = ["PATH": "/usr/bin"]
        let transport = try HTTPTransport()
        let unavailable: any TokenCredential
        do { unavailable = try ClientSecretCredential.fromEnvironment(environment, cloud: .azureCloud, transport: transport) } catch let error as CredentialUnavailable {
            unavailable = UnavailableCredential(name: "client secret", reason: error.reason)
        }
        let chain = CredentialChain([unavailable, AzureCLICredential(runner: cli, tenantId: "t-9")])
        #expect(try await chain.token(scope: Self.armScope, sleep: noSleep) == "cli-token")
        #expect(await chain.used == "Azure CLI (az account get-access-token)")
        #expect(cli.recorded == [["az", "account", "get-access-token", "--resource", "https://management.core.windows.net/", "--output", "json", "--tenant", "t-9"]])
        #expect(try AzureCLICredential.parse(#"{"accessToken":"a","expires_on":"1900000000"}"#).expiresOn == Date(timeIntervalSince1970: 1_900_000_000))
        try await transport.shutdown()
    }

    @Test(arguments: ["AZURE", "ARM"])
    func secretVariablesAreReadUnderBothPrefixes(prefix: String) throws {
        let transport = try HTTPTransport()
        defer { Task { try? await transport.shutdown() } }
        let credential = try ClientSecretCredential.fromEnvironment(
            ["\(prefix)_TENANT_ID": "t", "\(prefix)_CLIENT_ID": "c", "\(prefix)_CLIENT_SECRET": "s"], cloud: .azureCloud, transport: transport)
        #expect(credential.clientId == "c")
        #expect(credential.source == "\(prefix)_*")
    }

    @Test func tokensAreCachedRefreshedBeforeExpiryAndFetchedOnceWhenConcurrent() async throws {
        let clock = WallClock()
        try await withTokenEndpoint(clock: clock, respond: { request in
            .json(200, ["access_token": "token-\(request.headers.count)", "expires_in": 3600])
        }) { server, secret in
            let chain = CredentialChain([secret], refreshMargin: 300, now: clock.now)
            let noSleep = self.noSleep
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await chain.token(scope: Self.armScope, sleep: noSleep) } }
                for try await _ in group {}
            }
            #expect(server.requests.count == 1)
            clock.advance(3000)  // 600 s left: still fresh
            _ = try await chain.token(scope: Self.armScope, sleep: noSleep)
            #expect(server.requests.count == 1)
            clock.advance(400)  // 200 s left: inside the margin
            _ = try await chain.token(scope: Self.armScope, sleep: noSleep)
            #expect(server.requests.count == 2)
            _ = try await chain.token(scope: AzureCloud.azureCloud.graphScope, sleep: noSleep)
            #expect(server.requests.count == 3, "each scope has its own token")
        }
    }

    @Test func wrongSecretStopsTheChainWithOneMessageListingWhatWasTried() async throws {
        let cli = FakeCommandRunner { _ in CommandResult(status: 0, stdout: #"{"accessToken":"cli","expires_on":1900000000}"#) }
        try await withTokenEndpoint(respond: { _ in
            .json(401, ["error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."])
        }) { _, secret in
            let chain = CredentialChain([secret, AzureCLICredential(runner: cli)])
            let error = await #expect(throws: CodedError.self) { _ = try await chain.token(scope: Self.armScope, sleep: noSleep) }
            #expect(error?.code == "AzureCredentialRejected")
            #expect(error?.message.contains("client secret") == true)
            #expect(error?.message.contains("invalid_client") == true)
            #expect(error?.message.contains("s3cr+t") == false)
            #expect(error?.remediation?.contains("az login") == true)
            #expect(cli.recorded.isEmpty, "a rejected secret is not silently replaced by another identity")
        }
    }

    @Test func noCredentialListsEveryOneInOrder() async throws {
        let cli = FakeCommandRunner { _ in CommandResult(status: 1, stdout: "", stderr: "ERROR: Please run 'az login' to setup account.") }
        let imdsCA = try TestCertificateAuthority()
        let imds = try await TestHTTPSServer.start(ca: imdsCA, respond: { _ in .json(400, ["error": "invalid_request", "error_description": "Identity not found"]) })
        let caFile = try imdsCA.writeCertificateFile()
        let transport = try HTTPTransport(configuration: TransportConfiguration(extraCAFile: caFile, retry: RetryPolicy(maxAttempts: 1)))
        let chain = CredentialChain([
            UnavailableCredential(name: "client secret (AZURE_* / ARM_*)", reason: "AZURE_TENANT_ID … not set"),
            AzureCLICredential(runner: cli),
            ManagedIdentityCredential(endpoint: URL(string: "https://localhost:\(imds.port)/metadata/identity/oauth2/token")!, transport: transport),
        ])
        let error = await #expect(throws: CodedError.self) { _ = try await chain.token(scope: Self.armScope, sleep: noSleep) }
        #expect(error?.code == "NoAzureCredential")
        let tried = error?.details ?? []
        #expect(tried.count == 3)
        #expect(tried[0].hasPrefix("client secret"))
        #expect(tried[1].hasPrefix("Azure CLI") && tried[1].contains("az login"))
        #expect(tried[2].hasPrefix("managed identity"))
        #expect(imds.requests.first?.header("Metadata") == "true")
        #expect(imds.requests.first?.query("resource") == "https://management.core.windows.net/")
        try await transport.shutdown()
        try await imds.stop()
    }

    @Test func managedIdentityTokenIsRead() async throws {
        let ca = try TestCertificateAuthority()
        let imds = try await TestHTTPSServer.start(ca: ca, respond: { _ in .json(200, ["access_token": "mi-token", "expires_on": "1900000000", "token_type": "Bearer"]) })
        let caFile = try ca.writeCertificateFile()
        let transport = try HTTPTransport(configuration: TransportConfiguration(extraCAFile: caFile))
        let credential = ManagedIdentityCredential(endpoint: URL(string: "https://localhost:\(imds.port)/token")!, transport: transport)
        let token = try await credential.token(scope: Self.armScope, sleep: noSleep)
        #expect(token.token == "mi-token")
        #expect(token.expiresOn == Date(timeIntervalSince1970: 1_900_000_000))
        try await transport.shutdown()
        try await imds.stop()
    }
}

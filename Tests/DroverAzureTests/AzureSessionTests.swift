@testable import DroverAzure
import DroverEngine
import DroverHTTPTestSupport
import Foundation
import Testing

/// The provider built from the environment alone, as `drover apply` builds it: a custom cloud read from
/// `ARM_METADATA_HOSTNAME`, the client secret from `AZURE_*`, the extra CA from `DROVER_CA_FILE`.
@Suite struct AzureSessionTests {
    @Test func customCloudFromMetadataAndClientSecretFromEnvironment() async throws {
        let ca = try TestCertificateAuthority()
        let port = Shared(0)
        let server = try await TestHTTPSServer.start(ca: ca, respond: { request in
            let base = "https://localhost:\(port.value)/"
            switch (request.method, request.path) {
            case ("GET", "/metadata/endpoints"):
                return .json(200, [[
                    "name": "DroverSim", "resourceManager": base, "microsoftGraphResourceId": base + "graph/",
                    "authentication": ["loginEndpoint": base + "login/", "audiences": ["https://management.sim/"]],
                ]])
            case ("POST", "/login/tenant-7/oauth2/v2.0/token"):
                return .json(200, ["access_token": "sim-token", "expires_in": 3600, "token_type": "Bearer"])
            case ("GET", _): return .json(404, ["error": ["code": "ResourceGroupNotFound", "message": "none"]])
            default:
                return .json(201, ["id": request.path, "location": "eastus", "tags": request.json?["tags"] ?? [:], "properties": ["provisioningState": "Succeeded"]])
            }
        })
        port.update { $0 = server.port }
        let caFile = try ca.writeCertificateFile()
        var registry = ProviderRegistry()
        let session = AzureProvider.register(into: &registry, environment: AzureEnvironment(variables: [
            "ARM_METADATA_HOSTNAME": "localhost:\(server.port)", "DROVER_CA_FILE": caFile, "AZURE_TENANT_ID": "tenant-7",
            "AZURE_CLIENT_ID": "app", "AZURE_CLIENT_SECRET": "secret", "AZURE_SUBSCRIPTION_ID": "sub-1",
        ], commandRunner: FakeCommandRunner { _ in CommandResult(status: 127, stdout: "") }))
        let handler = ResourceGroupHandler(session: session)
        let outputs = try await handler.create(.init(name: "rg", location: "eastus"), context: OperationContext(address: ResourceAddress(type: "azure.resource_group", name: "rg")))
        #expect(outputs.id == "/subscriptions/sub-1/resourceGroups/rg")
        let requests = server.requests
        #expect(requests.first?.path == "/metadata/endpoints")
        let token = try #require(requests.first { $0.method == "POST" })
        #expect(String(decoding: token.body, as: UTF8.self).contains("scope=https%3A%2F%2Fmanagement.sim%2F.default"))
        #expect(requests.last?.method == "PUT")
        #expect(requests.last?.header("Authorization") == "Bearer sim-token")
        let services = try await session.services(context: OperationContext(address: ResourceAddress(type: "x", name: "y")))
        #expect(await services.credentials.used?.hasPrefix("client secret") == true)
        try await session.shutdown()
        try await server.stop()
        try? FileManager.default.removeItem(atPath: caFile)
    }

    @Test(arguments: [
        (["AZURE_SUBSCRIPTION_ID": "sub-env"], nil, "sub-env"),
        (["ARM_SUBSCRIPTION_ID": "sub-arm"], nil, "sub-arm"),
        ([:], "sub-spec", "sub-spec"),
        ([:], nil, "sub-cli"),
    ] as [([String: String], String?, String)])
    func subscriptionFromSpecEnvironmentOrCLI(variables: [String: String], spec: String?, expected: String) async throws {
        let cli = FakeCommandRunner { arguments in
            arguments.starts(with: ["account", "show"]) ? CommandResult(status: 0, stdout: "sub-cli\n") : CommandResult(status: 1, stdout: "")
        }
        let session = AzureSession(environment: AzureEnvironment(variables: variables, subscriptionId: spec, commandRunner: cli))
        let services = try await session.services(context: OperationContext(address: ResourceAddress(type: "x", name: "y")))
        #expect(services.arm.subscriptionId == expected)
        #expect(services.arm.endpoint == AzureCloud.azureCloud.resourceManager)
        try await session.shutdown()
    }

    @Test func noSubscriptionAnywhereIsAClearError() async throws {
        let cli = FakeCommandRunner { _ in CommandResult(status: 1, stdout: "", stderr: "Please run 'az login'") }
        let session = AzureSession(environment: AzureEnvironment(variables: [:], commandRunner: cli))
        let error = await #expect(throws: CodedError.self) {
            _ = try await session.services(context: OperationContext(address: ResourceAddress(type: "x", name: "y")))
        }
        #expect(error?.code == "NoSubscription")
        #expect(error?.remediation?.contains("AZURE_SUBSCRIPTION_ID") == true)
        try await session.shutdown()
    }

    @Test(arguments: [("AzureUSGovernment", "https://management.usgovcloudapi.net/"), ("azurechinacloud", "https://management.chinacloudapi.cn/")])
    func wellKnownCloudsByName(name: String, arm: String) async throws {
        let session = AzureSession(environment: AzureEnvironment(variables: ["AZURE_SUBSCRIPTION_ID": "s"], cloudName: name))
        let services = try await session.services(context: OperationContext(address: ResourceAddress(type: "x", name: "y")))
        #expect(services.arm.endpoint.absoluteString == arm)
        try await session.shutdown()
    }
}

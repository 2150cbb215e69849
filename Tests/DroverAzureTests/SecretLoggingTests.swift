@testable import DroverAzure
import DroverEngine
import DroverHTTPTestSupport
import Foundation
import Testing

/// No secret a handler sends or receives reaches a debug log line.
@Suite struct SecretLoggingTests {
    static let password = "Wind0ws!Secret#42", customData = "#cloud-config\nrunJoin: rke2-token-SECRET\n"
    static let script = "powershell -Command join --token JOIN-TOKEN-SECRET", secretText = "Graph~Secret.Text_99"

    @Test func vmExtensionAndClientSecretLeaveNoSecretInLogs() async throws {
        let capture = LogCapture()
        let vm = "/subscriptions/\(AzureFixture.subscription)/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/win-0"
        try await withAzure(logger: capture.logger(), respond: { request in
            switch request.method {
            case "POST": return .json(200, ["keyId": "k", "secretText": Self.secretText, "endDateTime": "2027-01-01T00:00:00Z"])
            case "PUT":
                var echoed = request.json ?? [:]
                echoed["id"] = request.path
                var properties = echoed["properties"] as? [String: Any] ?? [:]
                properties["provisioningState"] = "Succeeded"
                echoed["properties"] = properties
                return .json(200, echoed)
            default: return .json(200, ["id": vm, "location": "eastus"])
            }
        }) { azure in
            var inputs = HandlerBodyTests.vm(os: "windows", computerName: "win-0", password: Self.password, customData: Self.customData)
            inputs.name = "win-0"
            _ = try await VirtualMachineHandler(session: azure.session).create(inputs, context: azure.context())
            _ = try await VMExtensionHandler(session: azure.session).create(
                .init(name: "join", virtualMachineId: vm, os: "windows", script: Self.script), context: azure.context())
            _ = try await GraphClientSecretHandler(session: azure.session).create(.init(applicationId: "obj", displayName: "d"), context: azure.context())
        }
        let lines = capture.lines
        #expect(lines.count >= 6)
        let base64 = Data(Self.customData.utf8).base64EncodedString()
        for secret in [Self.password, Self.customData, base64, "rke2-token-SECRET", Self.script, "JOIN-TOKEN-SECRET", Self.secretText, "test-token"] {
            #expect(!lines.contains { $0.contains(secret) }, "a secret leaked: \(secret.prefix(6))…")
        }
    }
}

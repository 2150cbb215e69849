@testable import DroverAzure
import DroverEngine
import DroverHTTPTestSupport
import Foundation
import Testing

/// Handlers against a scripted ARM/Graph: the rules that need more than one request.
@Suite struct HandlerFlowTests {
    static let sub = AzureFixture.subscription
    static let rgPath = "/subscriptions/\(sub)/resourceGroups/rg"

    static func notFound(_ code: String = "ResourceNotFound") -> ScriptedResponse { .json(404, ["error": ["code": code, "message": "not found"]]) }

    @Test func adoptedResourceGroupIsNeverWrittenNorDeleted() async throws {
        try await withAzure(respond: { request in
            request.method == "GET" ? .json(200, ["id": Self.rgPath, "name": "rg", "location": "eastus", "tags": ["owner": "someone"]]) : .empty(500)
        }) { azure in
            let handler = ResourceGroupHandler(session: azure.session)
            let outputs = try await handler.create(.init(name: "rg", location: "eastus"), context: azure.context())
            #expect(outputs.createdByDrover == false)
            try await handler.delete(.init(name: "rg", location: "eastus"), prior: outputs, context: azure.context(.delete))
            #expect(azure.server.requests.map(\.method) == ["GET"])
        }
    }

    @Test func createdResourceGroupIsTaggedAndDeleted() async throws {
        let created = Shared(false)
        try await withAzure(respond: { request in
            switch request.method {
            case "GET": return created.value ? .json(200, ["id": Self.rgPath, "location": "eastus", "properties": ["provisioningState": "Succeeded"]]) : Self.notFound("ResourceGroupNotFound")
            case "PUT":
                created.update { $0 = true }
                return .json(201, ["id": Self.rgPath, "location": "eastus", "tags": request.json?["tags"] ?? [:], "properties": ["provisioningState": "Succeeded"]])
            default: return .empty(200)
            }
        }) { azure in
            let handler = ResourceGroupHandler(session: azure.session)
            let outputs = try await handler.create(.init(name: "rg", location: "eastus"), context: azure.context())
            #expect(outputs.createdByDrover)
            let put = try #require(azure.server.requests.first { $0.method == "PUT" })
            #expect((put.json?["tags"] as? [String: String])?["managed-by"] == "drover")
            #expect(put.query("api-version") == "2021-04-01")
            try await handler.delete(.init(name: "rg", location: "eastus"), prior: outputs, context: azure.context(.delete))
            #expect(azure.server.requests.last?.method == "DELETE")
        }
    }

    @Test func dnsLabelInUseIsExplainedBeforeAnyPut() async throws {
        try await withAzure(respond: { request in
            if request.path.hasSuffix("/CheckDnsNameAvailability") { return .json(200, ["available": false]) }
            return Self.notFound()
        }) { azure in
            let handler = PublicIPHandler(session: azure.session)
            let error = await #expect(throws: CodedError.self) {
                _ = try await handler.create(.init(name: "pip", resourceGroup: "rg", location: "eastus2", sku: "Standard", allocation: "Static", dnsLabel: "taken"), context: azure.context())
            }
            #expect(error?.code == "DnsRecordInUse")
            #expect(error?.remediation?.contains("rancher.dnsLabel") == true)
            #expect(azure.server.requests.contains { $0.query("domainNameLabel") == "taken" && $0.path == "/subscriptions/\(Self.sub)/providers/Microsoft.Network/locations/eastus2/CheckDnsNameAvailability" })
            #expect(!azure.server.requests.contains { $0.method == "PUT" })
        }
    }

    @Test func principalNotFoundIsRetriedOnTheEngineClock() async throws {
        let calls = Shared(0)
        try await withAzure(respond: { request in
            guard request.method == "PUT" else { return .empty(500) }
            if calls.update({ $0 += 1; return $0 }) < 3 { return .json(400, ["error": ["code": "PrincipalNotFound", "message": "Principal p does not exist"]]) }
            return .json(201, ["id": "\(request.path)", "name": String(request.path.split(separator: "/").last!), "properties": request.json?["properties"] ?? [:]])
        }) { azure in
            let handler = RoleAssignmentHandler(session: azure.session)
            let outputs = try await handler.create(.init(scope: Self.rgPath, principalId: "p", role: "Contributor"), context: azure.context())
            let puts = azure.server.requests.filter { $0.method == "PUT" }
            #expect(puts.count == 3)
            let properties = try #require(puts.last?.json?["properties"] as? [String: Any])
            #expect(properties["principalType"] as? String == "ServicePrincipal")
            #expect(properties["roleDefinitionId"] as? String == "/subscriptions/\(Self.sub)/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c")
            #expect(puts.last?.query("api-version") == "2022-04-01")
            #expect(outputs.name == RoleAssignmentHandler.assignmentName(scope: Self.rgPath, principalId: "p", roleGUID: "b24988ac-6180-42a0-ab88-20f7382dd24c"))
            #expect(azure.clock.sleeps == [5, 10])
        }
    }

    @Test func principalNotFoundGivesUpAfterFiveMinutes() async throws {
        try await withAzure(respond: { _ in .json(400, ["error": ["code": "PrincipalNotFound", "message": "no"]]) }) { azure in
            let handler = RoleAssignmentHandler(session: azure.session)
            let error = await #expect(throws: CodedError.self) {
                _ = try await handler.create(.init(scope: Self.rgPath, principalId: "p", role: "Contributor"), context: azure.context())
            }
            #expect(error?.code == "PrincipalNotFound")
            #expect(azure.clock.now() <= 300)
            #expect(azure.clock.now() >= 150)
        }
    }

    @Test func roleAssignmentExistsIsSuccess() async throws {
        let existing = "\(Self.rgPath)/providers/Microsoft.Authorization/roleAssignments/11111111-1111-1111-1111-111111111111"
        try await withAzure(respond: { request in
            if request.method == "PUT" { return .json(409, ["error": ["code": "RoleAssignmentExists", "message": "The role assignment already exists."]]) }
            return .json(200, ["value": [["id": existing, "name": "11111111-1111-1111-1111-111111111111",
                                          "properties": ["roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c", "principalId": "p"]]]])
        }) { azure in
            let outputs = try await RoleAssignmentHandler(session: azure.session).create(.init(scope: Self.rgPath, principalId: "p", role: "Contributor"), context: azure.context())
            #expect(outputs.id == existing)
            #expect(azure.server.requests.last?.query("$filter") == "principalId eq 'p'")
        }
    }

    @Test func graphApplicationIsFoundByNameBeforeCreating() async throws {
        try await withAzure(respond: { request in
            request.method == "GET" ? .json(200, ["value": [["id": "obj-1", "appId": "app-1", "displayName": "drover-demo"]]]) : .empty(500)
        }) { azure in
            let outputs = try await GraphApplicationHandler(session: azure.session).create(.init(displayName: "drover-demo"), context: azure.context())
            #expect(outputs == .init(id: "obj-1", appId: "app-1"))
            #expect(azure.server.requests.map(\.path) == ["/graph/v1.0/applications"])
            #expect(azure.server.requests.first?.query("$filter") == "displayName eq 'drover-demo'")
        }
    }

    @Test func servicePrincipalIsRetriedWhileTheApplicationReplicates() async throws {
        let posts = Shared(0)
        try await withAzure(respond: { request in
            if request.method == "GET" { return .json(200, ["value": []]) }
            if posts.update({ $0 += 1; return $0 }) == 1 {
                return .json(400, ["error": ["code": "Request_BadRequest", "message": "The appId of the service principal does not reference a valid application object.",
                                             "details": [["code": "NoBackingApplicationObject", "message": "x", "target": "appId"]]]])
            }
            return .json(201, ["id": "sp-1", "appId": "app-1"])
        }) { azure in
            let outputs = try await GraphServicePrincipalHandler(session: azure.session).create(.init(appId: "app-1"), context: azure.context())
            #expect(outputs.id == "sp-1")
            #expect(azure.server.requests.filter { $0.method == "POST" }.count == 2)
            #expect(azure.clock.sleeps == [5])
        }
    }

    /// A credential of the same name left by an answer that never arrived is removed; others are left alone.
    @Test func clientSecretDefaultsTo720HoursAndIsSensitive() async throws {
        try await withAzure(respond: { request in
            if request.method == "GET" {
                return .json(200, ["id": "obj-1", "passwordCredentials": [["keyId": "orphan", "displayName": "drover"], ["keyId": "other", "displayName": "ci"]]])
            }
            if request.path.hasSuffix("/removePassword") { return .empty(204) }
            return .json(200, ["keyId": "k-1", "secretText": "the-secret", "endDateTime": (request.json?["passwordCredential"] as? [String: Any])?["endDateTime"] ?? ""])
        }) { azure in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let handler = GraphClientSecretHandler(session: azure.session, now: { now })
            let outputs = try await handler.create(.init(applicationId: "obj-1", displayName: "drover"), context: azure.context())
            #expect(outputs.secret == "the-secret")
            #expect(handler.sensitiveOutputs == ["secret"])
            let removed = azure.server.requests.filter { $0.path.hasSuffix("/removePassword") }.map { $0.json?["keyId"] as? String }
            #expect(removed == ["orphan"])
            let adds = azure.server.requests.filter { $0.path.hasSuffix("/addPassword") }
            #expect(adds.count == 1)
            let request = try #require(adds.first)
            let end = (request.json?["passwordCredential"] as? [String: Any])?["endDateTime"] as? String
            #expect(end == ISO8601DateFormatter().string(from: now.addingTimeInterval(720 * 3600)))
        }
    }

    @Test func vmResizeIsAPatchOfTheSizeOnly() async throws {
        try await withAzure(respond: { request in
            .json(200, ["id": request.path, "location": "eastus", "properties": ["vmId": "v-1", "provisioningState": "Succeeded", "hardwareProfile": ["vmSize": "Standard_D4s_v5"]]])
        }) { azure in
            let old = HandlerBodyTests.vm(os: "windows", computerName: "win-0")
            var new = old
            new.size = "Standard_D4s_v5"
            let outputs = try await VirtualMachineHandler(session: azure.session).update(from: old, to: new, prior: .init(id: "x", vmId: "v-1"), context: azure.context(.update))
            #expect(outputs.vmId == "v-1")
            let request = try #require(azure.server.requests.first)
            #expect(request.method == "PATCH")
            #expect(String(decoding: request.body, as: UTF8.self) == #"{"properties":{"hardwareProfile":{"vmSize":"Standard_D4s_v5"}}}"#)
        }
    }

    @Test func failedExtensionSurfacesItsInstanceViewMessage() async throws {
        let vm = "\(Self.rgPath)/providers/Microsoft.Compute/virtualMachines/win-0"
        let port = Shared(0)
        try await withAzure(respond: { request in
            switch (request.method, request.path) {
            case ("GET", vm): return .json(200, ["id": vm, "location": "eastus"])
            case ("PUT", _): return .json(201, ["properties": ["provisioningState": "Creating"]], headers: [("Azure-AsyncOperation", "https://localhost:\(port.value)/op/ext")])
            case ("GET", "/op/ext"): return .json(200, ["status": "Failed", "error": ["code": "VMExtensionProvisioningError", "message": "extension failed"]])
            default:
                return .json(200, ["properties": ["provisioningState": "Failed", "instanceView": [
                    "statuses": [["code": "ProvisioningState/failed/1", "message": "join.ps1: rancher-wins did not start"]]]]])
            }
        }) { azure in
            port.update { $0 = azure.server.port }
            let error = await #expect(throws: CodedError.self) {
                _ = try await VMExtensionHandler(session: azure.session).create(
                    .init(name: "drover-join", virtualMachineId: vm, os: "windows", script: "powershell -File join.ps1"), context: azure.context())
            }
            #expect(error?.code == "VMExtensionProvisioningError")
            #expect(error?.details.contains { $0.contains("rancher-wins did not start") } == true)
            let put = try #require(azure.server.requests.first { $0.method == "PUT" })
            #expect((put.json?["location"] as? String) == "eastus")
        }
    }
}

@testable import DroverAzure
import DroverEngine
import DroverHTTPTestSupport
import Foundation
import Testing

/// The three ARM long-running-operation patterns (azure-api.md §2), each started and each resumed.
@Suite struct LongRunningOperationTests {
    static let path = "/subscriptions/\(AzureFixture.subscription)/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip"
    static var succeeded: [String: Any] { ["id": path, "location": "eastus", "properties": ["provisioningState": "Succeeded", "ipAddress": "20.1.2.3"]] }
    static var creating: [String: Any] { ["id": path, "location": "eastus", "properties": ["provisioningState": "Creating"]] }

    struct Resource: Decodable { var id: String }

    enum Pattern: String, CaseIterable, Sendable { case asyncOperation, location, provisioningState }

    /// A fake ARM for one PUT: answers with the pattern's headers, then "still running" once, then done.
    static func fakeARM(_ pattern: Pattern, port: @escaping @Sendable () -> Int) -> @Sendable (RecordedRequest) -> ScriptedResponse {
        let polls = Shared(0)
        return { request in
            let base = "https://localhost:\(port())"
            switch (request.method, request.path) {
            case ("PUT", path):
                switch pattern {
                case .asyncOperation:
                    return .json(201, creating, headers: [("Azure-AsyncOperation", "\(base)/operations/op1?api-version=2024-03-01"), ("Retry-After", "2")])
                case .location:
                    return .empty(202, headers: [("Location", "\(base)/operationResults/op1?api-version=2024-03-01"), ("Retry-After", "3")])
                case .provisioningState:
                    return .json(201, creating)
                }
            case ("GET", "/operations/op1"):
                return polls.update { $0 += 1; return $0 } < 2 ? .json(200, ["status": "InProgress"]) : .json(200, ["status": "Succeeded"])
            case ("GET", "/operationResults/op1"):
                return polls.update { $0 += 1; return $0 } < 2 ? .empty(202, headers: [("Retry-After", "3")]) : .empty(200)
            case ("GET", path):
                if pattern == .provisioningState { return polls.update { $0 += 1; return $0 } < 2 ? .json(200, creating) : .json(200, succeeded) }
                return .json(200, succeeded)
            default:
                return .json(404, ["error": ["code": "NotFound", "message": request.uri]])
            }
        }
    }

    @Test(arguments: Pattern.allCases)
    func putRecordsTheOperationBeforePollingAndWaitsForSuccess(pattern: Pattern) async throws {
        let port = Shared(0)
        try await withAzure(respond: Self.fakeARM(pattern, port: { port.value })) { azure in
            port.update { $0 = azure.server.port }
            let result = try await azure.arm.put(Self.path, apiVersion: "2024-03-01", body: ["location": "eastus"], as: Resource.self, context: azure.context())
            #expect(result.id == Self.path)
            let requests = azure.server.requests
            #expect(requests.filter { $0.method == "PUT" }.count == 1)
            #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer test-token" })
            // Recorded right after the PUT, before any poll.
            #expect(azure.tokens.entries.count == 1)
            #expect(azure.tokens.entries.first?.requestsSeen == 1)
            let token = try #require(OperationToken.resuming(azure.tokens.entries.first?.token, resource: Self.path, method: "PUT"))
            #expect(token.pattern.rawValue == pattern.rawValue)
            switch pattern {
            // The answer's Retry-After before the first poll, then each poll's Retry-After, else 5 s.
            case .asyncOperation: #expect(azure.clock.sleeps == [2, 5])
            case .location: #expect(azure.clock.sleeps == [3, 3])
            case .provisioningState: #expect(azure.clock.sleeps == [5, 5])
            }
        }
    }

    @Test(arguments: Pattern.allCases)
    func resumedPutPollsAndSendsNoSecondPut(pattern: Pattern) async throws {
        let port = Shared(0)
        try await withAzure(respond: Self.fakeARM(pattern, port: { port.value })) { azure in
            port.update { $0 = azure.server.port }
            let base = "https://localhost:\(azure.server.port)"
            let url = switch pattern {
            case .asyncOperation: "\(base)/operations/op1?api-version=2024-03-01"
            case .location: "\(base)/operationResults/op1?api-version=2024-03-01"
            case .provisioningState: "\(base)\(Self.path)?api-version=2024-03-01"
            }
            let token = OperationToken(pattern: .init(rawValue: pattern.rawValue)!, url: url, resource: Self.path, method: "PUT").encoded
            let result = try await azure.arm.put(
                Self.path, apiVersion: "2024-03-01", body: ["location": "eastus"], as: Resource.self, context: azure.context(resumeToken: token))
            #expect(result.id == Self.path)
            #expect(azure.server.requests.filter { $0.method == "PUT" }.isEmpty)
        }
    }

    @Test func failedAsyncOperationCarriesItsErrorCode() async throws {
        let port = Shared(0)
        try await withAzure(respond: { request in
            switch request.method {
            case "PUT": return .json(201, Self.creating, headers: [("Azure-AsyncOperation", "https://localhost:\(port.value)/operations/op9")])
            default: return .json(200, ["status": "Failed", "error": ["code": "AllocationFailed", "message": "no capacity", "details": [["code": "ZonalAllocationFailed", "message": "zone 1"]]]])
            }
        }) { azure in
            port.update { $0 = azure.server.port }
            let error = await #expect(throws: CodedError.self) {
                _ = try await azure.arm.put(Self.path, apiVersion: "2024-03-01", body: ["location": "eastus"], as: Resource.self, context: azure.context())
            }
            #expect(error?.code == "AllocationFailed")
            #expect(error?.details == ["ZonalAllocationFailed: zone 1"])
        }
    }

    @Test func deleteFollowsLocationUntilDoneAndResumesWithoutSecondDelete() async throws {
        let port = Shared(0)
        let polls = Shared(0)
        try await withAzure(respond: { request in
            switch request.method {
            case "DELETE": return .empty(202, headers: [("Location", "https://localhost:\(port.value)/operationResults/del1")])
            default: return polls.update { $0 += 1; return $0 } < 3 ? .empty(202) : .empty(200)
            }
        }) { azure in
            port.update { $0 = azure.server.port }
            try await azure.arm.delete(Self.path, apiVersion: "2024-03-01", context: azure.context(.delete))
            #expect(azure.server.requests.map(\.method) == ["DELETE", "GET", "GET", "GET"])
            // Without Retry-After: 5 s before the first poll, 5 s, then longer.
            #expect(azure.clock.sleeps == [5, 5, 7.5])
            let token = try #require(azure.tokens.entries.first?.token)
            try await azure.arm.delete(Self.path, apiVersion: "2024-03-01", context: azure.context(.delete, resumeToken: token))
            #expect(azure.server.requests.filter { $0.method == "DELETE" }.count == 1)
        }
    }

    @Test func deleteOfAMissingResourceSucceeds() async throws {
        try await withAzure(respond: { _ in .json(404, ["error": ["code": "ResourceNotFound", "message": "gone"]]) }) { azure in
            try await azure.arm.delete(Self.path, apiVersion: "2024-03-01", context: azure.context(.delete))
            #expect(azure.server.requests.count == 1)
        }
    }

    @Test func busyTargetIsRetriedOnErrorCode() async throws {
        let calls = Shared(0)
        try await withAzure(respond: { _ in
            calls.update { $0 += 1; return $0 } == 1
                ? .json(409, ["error": ["code": "AnotherOperationInProgress", "message": "wait"]])
                : .json(200, Self.succeeded)
        }) { azure in
            _ = try await azure.arm.put(Self.path, apiVersion: "2024-03-01", body: ["location": "eastus"], as: Resource.self, context: azure.context())
            #expect(azure.server.requests.filter { $0.method == "PUT" }.count == 2)
        }
    }

    @Test func writesArePacedWhenTheBudgetRunsLow() async throws {
        try await withAzure(respond: { _ in .json(200, Self.succeeded, headers: [("x-ms-ratelimit-remaining-subscription-writes", "1")]) }) { azure in
            for _ in 0..<3 {
                _ = try await azure.arm.put(Self.path, apiVersion: "2024-03-01", body: ["location": "eastus"], as: Resource.self, context: azure.context())
            }
            // The first write learns one write is left (kept in reserve); the next two wait 3 s each for a refill.
            #expect(azure.clock.sleeps == [3, 3])
        }
    }

    @Test func anExpiredTokenIsReplacedOnceAndTheRequestSentAgain() async throws {
        let calls = Shared(0)
        try await withAzure(respond: { _ in
            calls.update { $0 += 1; return $0 } == 1
                ? .json(401, ["error": ["code": "ExpiredAuthenticationToken", "message": "expired"]])
                : .json(200, Self.succeeded)
        }) { azure in
            let result = try await azure.arm.get(Self.path, apiVersion: "2024-03-01", as: Resource.self, context: azure.context(.read))
            #expect(result.id == Self.path)
            #expect(azure.server.requests.count == 2)
        }
    }

    @Test func everyRequestCarriesTheApiVersion() async throws {
        try await withAzure(respond: { _ in .json(200, Self.succeeded) }) { azure in
            _ = try await azure.arm.put(Self.path, apiVersion: "2024-03-01", body: ["location": "eastus"], as: Resource.self, context: azure.context())
            #expect(azure.server.requests.allSatisfy { $0.query("api-version") == "2024-03-01" })
        }
    }
}

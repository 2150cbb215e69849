@testable import DroverAzure
import DroverEngine
import DroverHTTPTestSupport
import Foundation
import Testing

/// Handlers converge through 5xx answers, throttling and dropped connections with no manual step.
@Suite struct FaultToleranceTests {
    /// A tiny ARM keeping PUT bodies by path, failing by a fixed rotation: every 4th request 503, every 6th 429 with
    /// Retry-After, every 9th connection dropped before any effect.
    static func faultyARM() -> @Sendable (RecordedRequest) -> ScriptedResponse {
        let state = Shared((count: 0, store: [String: Data]()))
        return { request in
            let path = request.path.lowercased()
            return state.update { state -> ScriptedResponse in
                state.count += 1
                if state.count % 9 == 0 { return .drop }
                if state.count % 6 == 0 { return .json(429, ["error": ["code": "TooManyRequests", "message": "slow"]], headers: [("Retry-After", "2")]) }
                if state.count % 4 == 0 { return .json(503, ["error": ["code": "ServiceUnavailable", "message": "try later"]]) }
                switch request.method {
                case "PUT":
                    var body = request.json ?? [:]
                    body["id"] = request.path
                    var properties = body["properties"] as? [String: Any] ?? [:]
                    properties["provisioningState"] = "Succeeded"
                    if path.contains("publicipaddresses") { properties["ipAddress"] = "20.0.0.\(state.store.count + 1)" }
                    body["properties"] = properties
                    let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
                    state.store[path] = data
                    return .reply(status: 201, headers: [("Content-Type", "application/json")], body: data)
                case "GET":
                    if path.hasSuffix("/checkdnsnameavailability") { return .json(200, ["available": true]) }
                    return state.store[path].map { .reply(status: 200, headers: [("Content-Type", "application/json")], body: $0) } ?? .json(404, ["error": ["code": "ResourceNotFound", "message": "none"]])
                default:
                    return state.store.removeValue(forKey: path) == nil ? .empty(204) : .empty(200)
                }
            }
        }
    }

    @Test func networkStageConvergesThroughFaults() async throws {
        try await withAzure(respond: Self.faultyARM()) { azure in
            let context = azure.context()
            let nsg = try await NetworkSecurityGroupHandler(session: azure.session).create(.init(name: "nsg", resourceGroup: "rg", location: "eastus", rules: [
                .init(name: "ssh", priority: 100, protocol: "Tcp", destinationPortRanges: ["22"], sourceAddressPrefix: "*"),
            ]), context: context)
            let vnet = try await VirtualNetworkHandler(session: azure.session).create(.init(
                name: "vnet", resourceGroup: "rg", location: "eastus", addressSpace: "10.0.0.0/16", subnetName: "s", subnetPrefix: "10.0.1.0/24",
                networkSecurityGroupId: nsg.id), context: context)
            var addresses: [String] = []
            for index in 0..<4 {
                let pip = try await PublicIPHandler(session: azure.session).create(.init(
                    name: "pip-\(index)", resourceGroup: "rg", location: "eastus", sku: "Standard", allocation: "Static", dnsLabel: "node-\(index)"), context: context)
                let nic = try await NetworkInterfaceHandler(session: azure.session).create(.init(
                    name: "nic-\(index)", resourceGroup: "rg", location: "eastus", subnetId: vnet.subnetId, privateIPAddress: "10.0.1.\(10 + index)",
                    publicIPAddressId: pip.id), context: context)
                addresses.append(nic.privateIPAddress)
            }
            #expect(addresses == ["10.0.1.10", "10.0.1.11", "10.0.1.12", "10.0.1.13"])
            #expect(vnet.subnetId.hasSuffix("/virtualNetworks/vnet/subnets/s"))
            let requests = azure.server.requests.count
            #expect(requests > 20, "the rotation injected faults among the requests")
            #expect(azure.clock.sleeps.contains(2), "Retry-After of a 429 was honoured")
        }
    }
}

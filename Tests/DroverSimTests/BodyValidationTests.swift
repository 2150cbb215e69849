import DroverSim
import Foundation
import Testing

/// Request bodies checked against the official definitions the way ARM does: 400 naming the property.
@Suite struct BodyValidationTests {
    static let rule: JSONValue = ["name": "r", "properties": ["priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                                                             "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"]]

    static func nsg(rule change: (inout JSONValue) -> Void) -> JSONValue {
        var rule = Self.rule
        change(&rule)
        return ["location": "eastus", "properties": ["securityRules": [rule]]]
    }

    @Test(arguments: [
        ("wrong type", nsg { $0.set("properties.priority", "high") }, "InvalidPropertyType", "properties.securityRules[0].properties.priority"),
        ("bad enum", nsg { $0.set("properties.access", "Maybe") }, "InvalidEnumValue", "properties.securityRules[0].properties.access"),
        ("missing required", nsg { $0.set("properties.direction", nil) }, "MissingRequiredProperty", "properties.securityRules[0].properties.direction"),
        ("array expected", nsg { $0.set("properties.destinationPortRanges", "80") }, "InvalidPropertyType", "properties.securityRules[0].properties.destinationPortRanges"),
    ])
    func invalidBodiesAreRefusedNamingTheProperty(_ label: String, _ body: JSONValue, _ detail: String, _ target: String) async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            let reply = try await sim.arm("PUT", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network, body: body)
            #expect(reply.status == 400, "\(label)")
            #expect(reply.errorCode == "InvalidRequestContent", "\(label)")
            #expect(reply.body?.at("error.target")?.string == target, "\(label)")
            #expect(reply.body?.at("error.details")?.array?.first?["code"]?.string == detail, "\(label)")
            #expect(reply.body?.at("error.message")?.string?.contains(target) == true, "\(label)")
        }
    }

    @Test func resourceGroupWithoutLocationIsRefused() async throws {
        try await SimHarness.run { sim in
            let reply = try await sim.arm("PUT", "resourcegroups/rg1", apiVersion: SimHarness.resources, body: ["tags": ["a": "b"]])
            #expect(reply.status == 400)
            #expect(reply.body?.at("error.target")?.string == "location")
            let notJSON = try await sim.send("PUT", url: sim.endpoints.armURL + "/subscriptions/\(sim.endpoints.subscriptionId)/resourcegroups/rg1?api-version=2021-04-01",
                                             headers: ["Authorization": "Bearer \(try await sim.bearer())"], body: Data("{".utf8))
            #expect(notJSON.errorCode == "InvalidRequestContent")
        }
    }

    /// readOnly properties in a request are ignored, and undeclared ones are dropped, as ARM does.
    @Test func readOnlyAndUndeclaredPropertiesAreIgnored() async throws {
        try await SimHarness.run { sim in
            try await sim.createGroup()
            let body: JSONValue = ["location": "eastus", "properties": ["provisioningState": "Bogus", "resourceGuid": "mine", "inventedProperty": 1]]
            let reply = try await sim.arm("PUT", sim.networkPath("networkSecurityGroups", "nsg1"), apiVersion: SimHarness.network, body: body)
            #expect(reply.status == 201)
            #expect(reply.body?.at("properties.provisioningState")?.string == "Updating")
            #expect(reply.body?.at("properties.resourceGuid")?.string != "mine")
            #expect(reply.body?.at("properties.inventedProperty") == nil)
        }
    }
}

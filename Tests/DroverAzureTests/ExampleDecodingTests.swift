@testable import DroverAzure
import Foundation
import Testing

/// Every response body of the official examples (reference/azure-examples/) decodes with the model the handler
/// reads that resource with.
@Suite(.enabled(if: OfficialDefinitions.examples != nil, "reference/azure-examples is not on this machine"))
struct ExampleDecodingTests {
    static let folder = OfficialDefinitions.examples

    struct Example: CustomTestStringConvertible, Sendable {
        var file: String
        var decode: @Sendable (Data) throws -> Void
        var testDescription: String { file }
    }

    static func model<T: Decodable>(_ type: T.Type) -> @Sendable (Data) throws -> Void { { _ = try JSONDecoder().decode(T.self, from: $0) } }

    static let examples: [Example] = [
        Example(file: "ResourceGroups_CreateOrUpdate.json", decode: model(ResourceGroupHandler.Body.self)),
        Example(file: "VirtualNetworks_CreateOrUpdate.withSubnet.json", decode: model(VirtualNetworkHandler.Body.self)),
        Example(file: "PublicIPAddresses_CreateOrUpdate.dns.json", decode: model(PublicIPHandler.Body.self)),
        Example(file: "PublicIPAddresses_CreateOrUpdate.staticStandard.json", decode: model(PublicIPHandler.Body.self)),
        Example(file: "PublicIPAddresses_CreateOrUpdate.defaults.json", decode: model(PublicIPHandler.Body.self)),
        Example(file: "NetworkInterfaces_CreateOrUpdate.json", decode: model(NetworkInterfaceHandler.Body.self)),
        Example(file: "LoadBalancers_CreateOrUpdate.standardSku.json", decode: model(LoadBalancerHandler.Answer.self)),
        Example(file: "VirtualMachines_CreateOrUpdate.linuxSsh.json", decode: model(VirtualMachineHandler.Answer.self)),
        Example(file: "VirtualMachineExtensions_CreateOrUpdate.minimum.json", decode: model(VMExtensionHandler.Answer.self)),
        Example(file: "CheckDnsNameAvailability.json", decode: model(PublicIPHandler.Availability.self)),
    ]

    @Test(arguments: examples)
    func responsesDecode(_ example: Example) throws {
        let url = try #require(Self.folder).appendingPathComponent(example.file)
        let document = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let responses = try #require(document["responses"] as? [String: Any])
        var decoded = 0
        for (status, response) in responses {
            guard let body = (response as? [String: Any])?["body"] else { continue }
            do {
                try example.decode(try JSONSerialization.data(withJSONObject: body))
                decoded += 1
            } catch {
                Issue.record("\(example.file) response \(status): \(error)")
            }
        }
        #expect(decoded > 0)
    }
}

@testable import DroverAzure
import Foundation
import Testing

/// Where the official definitions are.
enum OfficialDefinitions {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `DROVER_OPENAPI_DIR`, else the verbatim copy the repository carries for the simulator
    /// (`Sources/DroverSim/Resources/openapi`), so a fresh clone checks every body.
    static let folder: String? = {
        let candidate = ProcessInfo.processInfo.environment["DROVER_OPENAPI_DIR"]
            ?? packageRoot.appendingPathComponent("Sources/DroverSim/Resources/openapi").path
        return FileManager.default.fileExists(atPath: candidate + "/azure-rest-api-specs") ? candidate : nil
    }()
    /// The official example payloads (the repository's copy beside the simulator's tests).
    static let examples: URL? = Optional(packageRoot.appendingPathComponent("Tests/DroverSimTests/AzureExamples"))
        .flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }
}

/// Every ARM body the handlers build, checked against Microsoft's official definition of its operation and
/// api-version by `scripts/checks/arm-body-check.py`: no property outside the definition, no read-only property,
/// required properties present, types and enums right.
///
/// The definitions are read from `DROVER_OPENAPI_DIR`, else the repository's copy under `Sources/DroverSim/Resources/openapi`.
@Suite(.enabled(if: OfficialDefinitions.folder != nil, "the official definitions (reference/openapi) are not on this machine"))
struct DefinitionConformanceTests {
    static let root = OfficialDefinitions.packageRoot
    static let definitions = OfficialDefinitions.folder

    static let specs = "azure-rest-api-specs/specification/"
    static let network = specs + "network/resource-manager/Microsoft.Network/stable/\(APIVersions.network)/"
    static let compute = specs + "compute/resource-manager/Microsoft.Compute/ComputeRP/stable/\(APIVersions.compute)/virtualMachine.json"
    static let resources = specs + "resources/resource-manager/Microsoft.Resources/stable/\(APIVersions.resources)/resources.json"
    static let authorization = specs + "authorization/resource-manager/Microsoft.Authorization/stable/\(APIVersions.authorization)/authorization-RoleAssignmentsCalls.json"

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var spec: String
        var definition: String
        var body: Data
        var testDescription: String { name }
    }

    static func encode<T: Encodable>(_ value: T) -> Data { (try? JSONEncoder().encode(value)) ?? Data() }

    static var cases: [Case] {
        let id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb"
        return [
            Case(name: "resource group", spec: resources, definition: "ResourceGroup",
                 body: encode(ResourceGroupHandler.body(.init(name: "rg", location: "eastus", tags: ["team": "x"])))),
            Case(name: "network security group", spec: network + "networkSecurityGroup.json", definition: "NetworkSecurityGroup",
                 body: encode(try! NetworkSecurityGroupHandler.body(.init(name: "nsg", resourceGroup: "rg", location: "eastus", rules: [
                    .init(name: "ssh", priority: 100, protocol: "Tcp", destinationPortRanges: ["22"], sourceAddressPrefix: "203.0.113.0/24"),
                    .init(name: "vxlan", priority: 110, protocol: "Udp", destinationPortRanges: ["4789"], sourceAddressPrefix: "VirtualNetwork"),
                 ])))),
            Case(name: "virtual network keeping another subnet", spec: network + "virtualNetwork.json", definition: "VirtualNetwork",
                 body: encode(VirtualNetworkHandler.body(
                    .init(name: "v", resourceGroup: "rg", location: "eastus", addressSpace: "10.0.0.0/16", subnetName: "nodes", subnetPrefix: "10.0.1.0/24",
                          networkSecurityGroupId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg"),
                    existing: .init(location: "eastus", properties: .init(addressSpace: .init(addressPrefixes: ["10.0.0.0/16"]), subnets: [
                        .object(["name": .string("other"), "id": .string("x"), "properties": .object([
                            "addressPrefix": .string("10.0.2.0/24"), "provisioningState": .string("Succeeded"),
                            "privateEndpointNetworkPolicies": .string("Disabled")])]),
                    ]))))),
            Case(name: "public IP with DNS label", spec: network + "publicIpAddress.json", definition: "PublicIPAddress",
                 body: encode(try! PublicIPHandler.body(.init(name: "p", resourceGroup: "rg", location: "eastus", sku: "Standard", allocation: "Static", dnsLabel: "rancher-demo")))),
            Case(name: "network interface", spec: network + "networkInterface.json", definition: "NetworkInterface",
                 body: encode(try! NetworkInterfaceHandler.body(.init(
                    name: "n", resourceGroup: "rg", location: "eastus", subnetId: "sub", privateIPAddress: "10.0.1.4", publicIPAddressId: "pip", loadBalancerBackendPoolId: "pool")))),
            Case(name: "load balancer", spec: network + "loadBalancer.json", definition: "LoadBalancer",
                 body: encode(try! LoadBalancerHandler.body(.init(name: "lb", resourceGroup: "rg", location: "eastus", sku: "Standard", frontendPublicIPId: "pip", tcpRules: [80, 443, 6443]), id: id))),
            Case(name: "Linux VM", spec: compute, definition: "VirtualMachine",
                 body: encode(try! VirtualMachineHandler.body(HandlerBodyTests.vm(os: "linux", customData: "#cloud-config\n")))),
            Case(name: "Windows VM", spec: compute, definition: "VirtualMachine",
                 body: encode(try! VirtualMachineHandler.body(HandlerBodyTests.vm(os: "windows", computerName: "k8s-win-0")))),
            Case(name: "VM resize", spec: compute, definition: "VirtualMachineUpdate",
                 body: encode(VirtualMachineHandler.resize(HandlerBodyTests.vm(os: "linux")))),
            Case(name: "Windows extension", spec: compute, definition: "VirtualMachineExtension",
                 body: encode(try! VMExtensionHandler.body(.init(name: "j", virtualMachineId: "vm", os: "windows", script: "powershell -File j.ps1"), location: "eastus"))),
            Case(name: "Linux extension", spec: compute, definition: "VirtualMachineExtension",
                 body: encode(try! VMExtensionHandler.body(.init(name: "j", virtualMachineId: "vm", os: "linux", script: "sh j.sh"), location: "eastus"))),
            Case(name: "role assignment", spec: authorization, definition: "RoleAssignmentCreateParameters",
                 body: encode(RoleAssignmentHandler.body(.init(scope: "/subscriptions/s/resourceGroups/rg", principalId: "p", role: "Contributor"),
                                                         roleGUID: "b24988ac-6180-42a0-ab88-20f7382dd24c", subscriptionPath: "/subscriptions/s"))),
        ]
    }

    /// Runs the ARM checker on `body`; returns its exit status and output.
    static func check(_ body: Data, spec: String, definition: String) throws -> (status: Int32, output: String) {
        try run("arm-body-check.py", [definitions!, spec, definition], body: body)
    }

    /// Runs `scripts/checks/SCRIPT ARGUMENTS… BODYFILE` with python3.
    static func run(_ script: String, _ arguments: [String], body: Data) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("drover-body-\(UUID().uuidString).json")
        try body.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root.appendingPathComponent("scripts/checks/\(script)").path] + arguments + [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test(arguments: cases)
    func bodyConformsToTheOfficialDefinition(_ item: Case) throws {
        let result = try Self.check(item.body, spec: item.spec, definition: item.definition)
        #expect(result.status == 0, "\(result.output)")
    }

    static let csdl = "msgraph-metadata/extract/v1.0-application-servicePrincipal-passwordCredential.csdl.xml"

    static var graphCases: [Case] {
        let secrets = GraphClientSecretHandler(session: AzureSession(environment: AzureEnvironment(variables: [:])))
        return [
            Case(name: "application", spec: csdl, definition: "application", body: encode(GraphApplicationHandler.Application(displayName: "drover-demo"))),
            Case(name: "service principal", spec: csdl, definition: "servicePrincipal", body: encode(GraphServicePrincipalHandler.Principal(appId: "app-1"))),
            Case(name: "addPassword", spec: csdl, definition: "action:addPassword:application",
                 body: encode(secrets.body(.init(applicationId: "obj", displayName: "drover")))),
            Case(name: "removePassword", spec: csdl, definition: "action:removePassword:application",
                 body: encode(GraphClientSecretHandler.RemovePassword(keyId: "f0b0b335-1d71-4883-8f98-567911bfdca6"))),
        ]
    }

    // Graph has no OpenAPI here: each property must exist on its entity in the CSDL extract (openapi/README.md).
    @Test(arguments: graphCases)
    func graphBodyConformsToTheCSDL(_ item: Case) throws {
        let result = try Self.run("graph-body-check.py", [Self.definitions! + "/" + item.spec, item.definition], body: item.body)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func theGraphCheckerRefusesAnUnknownProperty() throws {
        let result = try Self.run("graph-body-check.py", [Self.definitions! + "/" + Self.csdl, "application"], body: Data(#"{"displayName":"x","clientSecret":"y"}"#.utf8))
        #expect(result.status == 1)
        #expect(result.output.contains("clientSecret: not a property of application"))
    }

    // A VNet as ARM answers it (the official example's 200 body) goes back in the next PUT without read-only fields.
    @Test(.enabled(if: OfficialDefinitions.examples != nil))
    func vnetReadBackFromTheExampleIsSentBackValid() throws {
        let url = OfficialDefinitions.examples!.appendingPathComponent("VirtualNetworks_CreateOrUpdate.withSubnet.json")
        let document = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let answer = try #require(((document["responses"] as? [String: Any])?["200"] as? [String: Any])?["body"])
        let existing = try JSONDecoder().decode(VirtualNetworkHandler.Body.self, from: JSONSerialization.data(withJSONObject: answer))
        let inputs = VirtualNetworkHandler.Inputs(
            name: "v", resourceGroup: "rg", location: "eastus", addressSpace: "10.0.0.0/16", subnetName: "drover", subnetPrefix: "10.0.9.0/24")
        let body = Self.encode(VirtualNetworkHandler.body(inputs, existing: existing))
        let result = try Self.check(body, spec: Self.network + "virtualNetwork.json", definition: "VirtualNetwork")
        #expect(result.status == 0, "\(result.output)")
        let subnets = try #require(((JSONSerialization.jsonObject(with: body) as? [String: Any])?["properties"] as? [String: Any])?["subnets"] as? [Any])
        #expect(subnets.count == (existing.properties.subnets?.count ?? 0) + 1)
    }

    @Test func theCheckerRefusesAPropertyOutsideTheDefinition() throws {
        let body = Data(#"{"location":"eastus","sku":{"name":"Standard"},"properties":{"publicIPAllocationMethod":"Static","dnsLabel":"x"}}"#.utf8)
        let result = try Self.check(body, spec: Self.network + "publicIpAddress.json", definition: "PublicIPAddress")
        #expect(result.status == 1)
        #expect(result.output.contains("properties.dnsLabel: property not in the definition"))
    }
}

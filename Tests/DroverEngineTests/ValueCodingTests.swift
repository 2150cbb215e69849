import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// State files round-trip every kind of value, whatever order decoding tries them in.
@Suite struct ValueCodingTests {
    @Test(arguments: [
        Value.null, .bool(true), .bool(false), .number(0), .number(1), .number(-2.5), .string(""), .string("true"), .string("1"),
        .array([]), .array([.bool(true), .number(1), .string("x"), .null]), .object([:]),
        .object(["a": .object(["b": .array([.object(["c": .bool(false)])])]), "n": .number(4096)]),
        .unknown, .reference(OutputReference("azure.virtual_machine/k8s/win-0", "outputs", "id")),
        .object(["nic": .reference(OutputReference("azure.network_interface/k8s/lin-0", "id")), "later": .unknown]),
        .object(["$ref": "not a marker"]), .object(["$unknown": .number(1)]),
    ])
    func jsonRoundTripKeepsEveryKind(_ value: Value) throws {
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(Value.self, from: data) == value)
    }
}

/// Decoding straight from a `Value` names the path of what does not fit; planning treats unknowns as fitting.
@Suite struct ValueDecoderTests {
    struct Inputs: Codable, Equatable {
        struct Rule: Codable, Equatable { var port: Int; var protocol_: String?; enum CodingKeys: String, CodingKey { case port, protocol_ = "protocol" } }
        var name: String
        var rules: [Rule]
        var tags: [String: String]?
    }

    @Test func decodesNestedTypesWithoutJSON() throws {
        let value: Value = ["name": "nsg", "rules": [["port": 22, "protocol": "Tcp"], ["port": 4789]], "tags": ["env": "dev"]]
        #expect(try value.decode(Inputs.self) == Inputs(name: "nsg", rules: [.init(port: 22, protocol_: "Tcp"), .init(port: 4789)], tags: ["env": "dev"]))
    }

    @Test(arguments: [
        (["name": "nsg", "rules": [["port": "22"]]] as Value, "rules[0].port must be a whole number, found a string"),
        (["rules": []] as Value, "missing field (root).name"),
        (["name": "nsg", "rules": [["port": 22.5]]] as Value, "rules[0].port"),
    ])
    func inputsOfTheWrongShapeFailThePlanNamingTheField(_ value: Value, _ expected: String) throws {
        guard case .object(let inputs) = value else { return }
        #expect {
            _ = try Self.planner.plan(Configuration([DesiredResource("typed.thing/a", inputs: inputs)]), state: StateSnapshot())
        } throws: { error in
            let error = try #require(error as? CodedError)
            return error.code == "InvalidInputs" && error.message.contains("typed.thing/a") && error.message.contains(expected)
        }
    }

    @Test func referencesAndUnknownsFitAnyTypeAtPlanTime() throws {
        let configuration = Configuration([
            DesiredResource("typed.thing/source", inputs: ["name": "a", "rules": []]),
            DesiredResource("typed.thing/a", inputs: ["name": .reference(OutputReference("typed.thing/source", "id")), "rules": []]),
        ])
        #expect(try Self.planner.plan(configuration, state: StateSnapshot()).counts[.create] == 2)
    }

    static var planner: Planner {
        var handlers = ProviderRegistry()
        handlers.register(TypedHandler())
        return Planner(registry: handlers)
    }
}

/// A handler with typed inputs, for the plan-time shape check.
struct TypedHandler: ResourceHandler {
    typealias Inputs = ValueDecoderTests.Inputs
    typealias Outputs = Value
    let type = "typed.thing"
    func create(_ inputs: Inputs, context: OperationContext) async throws -> Value { ["id": "x"] }
    func read(_ inputs: Inputs, prior: Value?, context: OperationContext) async throws -> Observed<Inputs, Value>? { prior.map { Observed($0) } }
    func update(from old: Inputs, to new: Inputs, prior: Value, context: OperationContext) async throws -> Value { prior }
    func delete(_ inputs: Inputs, prior: Value, context: OperationContext) async throws {}
}

import Foundation

/// One way a body breaks its definition, with the JSON path of the property.
public struct SchemaIssue: Sendable, Equatable, CustomStringConvertible {
    /// `MissingRequiredProperty`, `InvalidPropertyType`, `InvalidEnumValue`.
    public var code: String
    /// The property path, e.g. `properties.securityRules[0].properties.priority`.
    public var path: String
    /// What is wrong and what would be valid.
    public var message: String

    public var description: String { "\(code) at \(path): \(message)" }
}

/// Checks a body against a Swagger 2.0 schema the way ARM deserializes it: required properties, JSON types,
/// enums (case-insensitive, as ARM's deserializer matches them); readOnly properties in a request are ignored, and
/// so are properties the definition does not declare (ARM drops them; they do not come back in responses).
/// The result is the body kept to what the definition declares.
public struct SchemaValidator: Sendable {
    /// Whether the body is a request (readOnly ignored) or a response the simulator is about to send (readOnly kept).
    public enum Direction: Sendable { case request, response }

    let library: DefinitionLibrary
    let direction: Direction

    /// A validator over `library`.
    public init(library: DefinitionLibrary, direction: Direction) {
        self.library = library
        self.direction = direction
    }

    /// Validates `value` against `schema`; returns the kept body and every issue found.
    public func check(_ value: JSONValue, against schema: SchemaNode) throws -> (kept: JSONValue, issues: [SchemaIssue]) {
        var issues: [SchemaIssue] = []
        let kept = try walk(value, schema, path: "", issues: &issues)
        return (kept ?? .null, issues)
    }

    /// The properties, required names, and additionalProperties of a schema, merged through `allOf`.
    struct Shape {
        var type: String?
        var properties: [String: SchemaNode] = [:]
        var required: Set<String> = []
        var additional: SchemaNode?
        var freeForm = false
        var enumValues: [String]?
        var items: SchemaNode?
        var readOnly = false
    }

    func shape(of schema: SchemaNode) throws -> Shape {
        let resolved = try library.resolve(schema)
        var result = Shape()
        let node = resolved.node
        result.type = node["type"]?.string
        result.readOnly = node["readOnly"]?.bool ?? false
        if let members = node["properties"]?.object {
            for (key, child) in members { result.properties[key] = SchemaNode(node: child, file: resolved.file) }
        }
        for name in node["required"]?.array ?? [] { if let name = name.string { result.required.insert(name) } }
        switch node["additionalProperties"] {
        case .bool(true)?: result.freeForm = true
        case .object(let members)? where !members.isEmpty:
            result.additional = SchemaNode(node: node["additionalProperties"]!, file: resolved.file)
        case .object?: result.freeForm = true
        default: break
        }
        // An enum whose definition says its list is deprecated and not exhaustive (x-ms-enum modelAsString, e.g.
        // HardwareProfile.vmSize in computeRPCommon.json) takes any string, as Compute does.
        let openEnum = node["x-ms-enum"]?["modelAsString"]?.bool == true
            && (node["description"]?.string?.contains("enum data type is currently deprecated") ?? false)
        if let values = node["enum"]?.array, !openEnum { result.enumValues = values.compactMap(\.string) }
        if let items = node["items"] { result.items = SchemaNode(node: items, file: resolved.file) }
        for part in node["allOf"]?.array ?? [] {
            let inner = try shape(of: SchemaNode(node: part, file: resolved.file))
            result.properties.merge(inner.properties) { own, _ in own }
            result.required.formUnion(inner.required)
            result.type = result.type ?? inner.type
            result.additional = result.additional ?? inner.additional
            result.freeForm = result.freeForm || inner.freeForm
        }
        if result.type == nil, result.properties.isEmpty, result.additional == nil, result.items == nil, result.enumValues == nil {
            result.freeForm = true
        }
        // An object that declares no properties is open (JSON Schema's default), e.g. an extension's settings and
        // protectedSettings (virtualMachine.json VirtualMachineExtensionProperties).
        if result.type == "object", result.properties.isEmpty, result.additional == nil { result.freeForm = true }
        return result
    }

    private func walk(_ value: JSONValue, _ schema: SchemaNode, path: String, issues: inout [SchemaIssue]) throws -> JSONValue? {
        if value == .null { return nil }
        let shape = try shape(of: schema)
        let type = shape.type ?? (shape.properties.isEmpty && shape.additional == nil ? nil : "object")
        func wrong(_ expected: String) -> JSONValue? {
            issues.append(SchemaIssue(code: "InvalidPropertyType", path: display(path),
                                      message: "expected \(expected), got \(Self.kind(of: value))"))
            return nil
        }
        switch type {
        case "string":
            guard case .string(let text) = value else { return wrong("a string") }
            if let allowed = shape.enumValues, !allowed.contains(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) {
                issues.append(SchemaIssue(code: "InvalidEnumValue", path: display(path),
                                          message: "'\(text)' is not one of \(allowed.joined(separator: ", "))"))
            }
            return value
        case "integer":
            switch value {
            case .int: return value
            case .double(let number) where number.rounded() == number: return .int(Int64(number))
            default: return wrong("an integer")
            }
        case "number":
            switch value {
            case .int, .double: return value
            default: return wrong("a number")
            }
        case "boolean":
            guard case .bool = value else { return wrong("a boolean") }
            return value
        case "array":
            guard case .array(let items) = value else { return wrong("an array") }
            guard let itemSchema = shape.items else { return value }
            var kept: [JSONValue] = []
            for (index, item) in items.enumerated() {
                if let child = try walk(item, itemSchema, path: "\(path)[\(index)]", issues: &issues) { kept.append(child) }
            }
            return .array(kept)
        case "object":
            guard case .object(let members) = value else { return wrong("an object") }
            if shape.freeForm && shape.properties.isEmpty { return value }
            var kept: [String: JSONValue] = [:]
            for name in shape.required.sorted() where members[name] == nil || members[name] == .null {
                if let property = shape.properties[name], try self.shape(of: property).readOnly { continue }
                issues.append(SchemaIssue(code: "MissingRequiredProperty", path: display(join(path, name)),
                                          message: "the required property '\(name)' is missing"))
            }
            for (key, member) in members {
                if let property = shape.properties[key] {
                    if direction == .request, try self.shape(of: property).readOnly { continue }
                    if let child = try walk(member, property, path: join(path, key), issues: &issues) { kept[key] = child }
                } else if let additional = shape.additional {
                    if let child = try walk(member, additional, path: join(path, key), issues: &issues) { kept[key] = child }
                } else if shape.freeForm {
                    kept[key] = member
                }
            }
            return .object(kept)
        default:
            return value
        }
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    private func display(_ path: String) -> String { path.isEmpty ? "(body)" : path }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

import Foundation
import Yams

/// A CRD's `openAPIV3Schema` (Kubernetes structural schema) read from Rancher's own CRD YAML bundled with DroverSim
/// (Resources/openapi/rancher, openapi/README.md), and the checks the API server makes on a create: types, required,
/// enum, pattern, lengths, bounds, nullable; unknown fields are pruned unless `x-kubernetes-preserve-unknown-fields`.
struct CustomResourceSchema: Sendable {
    /// `Cluster.provisioning.cattle.io`, the kind as the API server names it in errors.
    let qualifiedKind: String
    let root: JSONValue

    /// The provisioning v1 Cluster CRD (rancher/rancher v2.14.4 `pkg/crds/yaml/generated/provisioning.cattle.io_clusters.yaml`).
    static func provisioningCluster() throws -> CustomResourceSchema {
        try load("rancher/pkg/crds/yaml/generated/provisioning.cattle.io_clusters.yaml", version: "v1")
    }

    /// Reads `path` (relative to the bundled `openapi` folder) and takes `spec.versions[name].schema.openAPIV3Schema`.
    static func load(_ path: String, version: String) throws -> CustomResourceSchema {
        let url = DefinitionLibrary.bundled.root.appendingPathComponent(path)
        guard let text = try? String(contentsOf: url, encoding: .utf8), let document = try Yams.load(yaml: text) else {
            throw SimulatorError.missingDefinition(path: path)
        }
        let crd = JSONValue(yaml: document)
        guard let entry = crd.at("spec.versions")?.array?.first(where: { $0["name"]?.string == version }),
              let schema = entry.at("schema.openAPIV3Schema"),
              let kind = crd.at("spec.names.kind")?.string, let group = crd.at("spec.group")?.string else {
            throw SimulatorError.missingDefinition(path: "\(path)#spec.versions[\(version)].schema.openAPIV3Schema")
        }
        return CustomResourceSchema(qualifiedKind: "\(kind).\(group)", root: schema)
    }

    /// Checks `object` (without `metadata` and `status`, which the API server handles itself); returns the pruned
    /// object and the field errors in the API server's wording (`spec.x: Invalid value: ...`).
    func validate(_ object: JSONValue) -> (pruned: JSONValue, causes: [String]) {
        var causes: [String] = []
        var pruned = object
        for key in ["apiVersion", "kind", "spec"] {
            guard let member = object[key], let schema = root["properties"]?[key] else { continue }
            pruned[key] = walk(member, schema, path: key, causes: &causes) ?? .null
        }
        return (pruned, causes)
    }

    private func walk(_ value: JSONValue, _ schema: JSONValue, path: String, causes: inout [String]) -> JSONValue? {
        if value == .null {
            if schema["nullable"]?.bool == true { return nil }
            causes.append("\(path): Invalid value: \"null\": \(path) in body must be of type \(schema["type"]?.string ?? "object"): \"null\"")
            return nil
        }
        if schema["x-kubernetes-int-or-string"]?.bool == true {
            switch value {
            case .int, .string: return value
            default:
                causes.append("\(path): Invalid value: \"\(Self.typeName(value))\": \(path) in body must be of type integer,string: \"\(Self.typeName(value))\"")
                return nil
            }
        }
        let type = schema["type"]?.string
        if let type, !Self.matches(value, type) {
            causes.append("\(path): Invalid value: \"\(Self.typeName(value))\": \(path) in body must be of type \(type): \"\(Self.typeName(value))\"")
            return nil
        }
        switch value {
        case .string(let text): checkString(text, schema, path: path, causes: &causes)
        case .int(let number): checkNumber(Double(number), schema, path: path, causes: &causes)
        case .double(let number): checkNumber(number, schema, path: path, causes: &causes)
        case .array(let items):
            if let maximum = schema["maxItems"]?.int, items.count > Int(maximum) {
                causes.append("\(path): Too many: \(items.count): must have at most \(maximum) items")
            }
            guard let itemSchema = schema["items"] else { return value }
            return .array(items.enumerated().compactMap { walk($1, itemSchema, path: "\(path)[\($0)]", causes: &causes) })
        case .object(let members): return walkObject(members, schema, path: path, causes: &causes)
        default: break
        }
        return value
    }

    private func walkObject(_ members: [String: JSONValue], _ schema: JSONValue, path: String, causes: inout [String]) -> JSONValue {
        for name in (schema["required"]?.array ?? []).compactMap(\.string).sorted() where members[name] == nil {
            causes.append("\(path).\(name): Required value")
        }
        let properties = schema["properties"]?.object
        let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.bool == true
        var kept: [String: JSONValue] = [:]
        for (key, member) in members {
            if let property = properties?[key] {
                if let child = walk(member, property, path: "\(path).\(key)", causes: &causes) { kept[key] = child }
            } else if case .object = schema["additionalProperties"] {
                if let child = walk(member, schema["additionalProperties"]!, path: "\(path).\(key)", causes: &causes) { kept[key] = child }
            } else if preserve || schema["additionalProperties"]?.bool == true {
                kept[key] = member
            }
            // Otherwise the field is unknown to the schema and pruned, as the API server does.
        }
        return .object(kept)
    }

    private func checkString(_ text: String, _ schema: JSONValue, path: String, causes: inout [String]) {
        if let allowed = schema["enum"]?.array?.compactMap(\.string), !allowed.contains(text) {
            causes.append("\(path): Unsupported value: \"\(text)\": supported values: \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        if let maximum = schema["maxLength"]?.int, text.utf8.count > Int(maximum) {
            causes.append("\(path): Too long: may not be more than \(maximum) bytes")
        }
        if let minimum = schema["minLength"]?.int, text.utf8.count < Int(minimum) {
            causes.append("\(path): Invalid value: \"\(text)\": \(path) in body should be at least \(minimum) chars long")
        }
        if let pattern = schema["pattern"]?.string, let expression = try? NSRegularExpression(pattern: pattern),
           expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
            causes.append("\(path): Invalid value: \"\(text)\": \(path) in body should match '\(pattern)'")
        }
    }

    private func checkNumber(_ number: Double, _ schema: JSONValue, path: String, causes: inout [String]) {
        if let minimum = Self.number(schema["minimum"]), number < minimum {
            causes.append("\(path): Invalid value: \(Self.format(number)): \(path) in body should be greater than or equal to \(Self.format(minimum))")
        }
        if let maximum = Self.number(schema["maximum"]), number > maximum {
            causes.append("\(path): Invalid value: \(Self.format(number)): \(path) in body should be less than or equal to \(Self.format(maximum))")
        }
    }

    private static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("integer", .int),
             ("number", .int), ("number", .double): true
        case ("integer", .double(let number)): number.rounded() == number
        default: false
        }
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let number)?: Double(number)
        case .double(let number)?: number
        default: nil
        }
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number ? String(Int64(number)) : String(number)
    }
}

extension JSONValue {
    /// Converts what Yams loads (dictionaries, arrays, strings, numbers, booleans, nulls) into a JSON value.
    init(yaml value: Any) {
        switch value {
        case let text as String: self = .string(text)
        case let flag as Bool: self = .bool(flag)
        case let number as Int: self = .int(Int64(number))
        case let number as Double: self = .double(number)
        case let list as [Any]: self = .array(list.map { JSONValue(yaml: $0) })
        case let map as [String: Any]: self = .object(map.mapValues { JSONValue(yaml: $0) })
        case let map as [AnyHashable: Any]:
            self = .object(Dictionary(map.map { ("\($0.key)", JSONValue(yaml: $0.value)) }, uniquingKeysWith: { first, _ in first }))
        default: self = .null
        }
    }
}

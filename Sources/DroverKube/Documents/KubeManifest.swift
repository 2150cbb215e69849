import DroverEngine
import Yams

/// Multi-document YAML (or JSON) manifests read into JSON objects, scalars typed as Kubernetes reads them (integers,
/// floats, booleans and nulls by YAML's rules; timestamps and everything else stay text).
public enum KubeManifest {
    /// The objects of every non-empty document of `text`; a `List` contributes its items.
    /// - Throws: `CodedError` `InvalidManifest` naming `file`, line:column and what is wrong.
    public static func objects(in text: String, file: String) throws -> [Value] {
        var objects: [Value] = []
        do {
            for (index, document) in try Yams.compose_all(yaml: text).enumerated() {
                let value = convert(document)
                if value == .null { continue }
                guard case .object = value, value.kind != nil, value.apiVersion != nil else {
                    throw CodedError(
                        code: "InvalidManifest",
                        message: "\(file):\(document.mark.map(\.description) ?? "?"): document \(index + 1) is not a Kubernetes object (it needs apiVersion and kind)",
                        remediation: "give each document apiVersion, kind and metadata.name", nothingApplied: true)
                }
                if value.kind == "List" { objects += value["items"]?.arrayValue ?? [] } else { objects.append(value) }
            }
        } catch let error as YamlError {
            throw CodedError(code: "InvalidManifest", message: "\(file): \(error)", remediation: "fix the YAML at that position", nothingApplied: true)
        }
        return objects
    }

    /// `node` as a JSON value.
    static func convert(_ node: Node) -> Value {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(Value.bool) ?? .string(scalar.string)
            case .int: return node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case .float: return node.float.map(Value.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var fields: [String: Value] = [:]
            for (key, value) in mapping { fields[key.string ?? "\(key)"] = convert(value) }
            return .object(fields)
        case .sequence(let sequence):
            return .array(sequence.map(convert))
        case .alias:
            return .null
        }
    }
}

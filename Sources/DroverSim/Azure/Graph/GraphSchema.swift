import Foundation

/// Entity and complex types of the Microsoft Graph v1.0 CSDL extract (msgraph-metadata, bundled): property names
/// and types, with base types followed.
struct GraphSchema: Sendable {
    struct TypeInfo: Sendable {
        var base: String?
        var properties: [String: String]
    }

    let types: [String: TypeInfo]

    static let bundled: GraphSchema = {
        let url = DefinitionLibrary.bundled.root.appendingPathComponent("msgraph-metadata/extract/v1.0-application-servicePrincipal-passwordCredential.csdl.xml")
        return GraphSchema(csdl: (try? String(contentsOf: url, encoding: .utf8)) ?? "")
    }()

    init(csdl: String) {
        var types: [String: TypeInfo] = [:]
        let block = try! NSRegularExpression(pattern: #"<(EntityType|ComplexType) Name="(\w+)"([^>]*)>(.*?)</(?:EntityType|ComplexType)>"#, options: [.dotMatchesLineSeparators])
        let property = try! NSRegularExpression(pattern: #"<Property Name="(\w+)" Type="([^"]+)""#)
        let base = try! NSRegularExpression(pattern: #"BaseType="graph\.(\w+)""#)
        let text = csdl as NSString
        for match in block.matches(in: csdl, range: NSRange(location: 0, length: text.length)) {
            let name = text.substring(with: match.range(at: 2))
            let attributes = text.substring(with: match.range(at: 3))
            let inner = text.substring(with: match.range(at: 4))
            let innerText = inner as NSString
            var info = TypeInfo(base: nil, properties: [:])
            if let baseMatch = base.firstMatch(in: attributes, range: NSRange(location: 0, length: (attributes as NSString).length)) {
                info.base = (attributes as NSString).substring(with: baseMatch.range(at: 1))
            }
            for item in property.matches(in: inner, range: NSRange(location: 0, length: innerText.length)) {
                info.properties[innerText.substring(with: item.range(at: 1))] = innerText.substring(with: item.range(at: 2))
            }
            types[name] = info
        }
        self.types = types
    }

    /// Every property of `type`, base types included.
    func properties(of type: String) -> [String: String] {
        var result: [String: String] = [:]
        var current: String? = type
        while let name = current, let info = types[name] {
            result.merge(info.properties) { own, _ in own }
            current = info.base
        }
        return result
    }

    /// Problems of a request body against `type`: unknown properties and wrong primitive types (`@odata.*` allowed).
    func issues(in body: JSONValue, type: String, path: String = "") -> [SchemaIssue] {
        guard case .object(let members) = body else {
            return [SchemaIssue(code: "InvalidPropertyType", path: path.isEmpty ? "(body)" : path, message: "expected an object of type microsoft.graph.\(type)")]
        }
        let known = properties(of: type)
        var found: [SchemaIssue] = []
        for (key, value) in members.sorted(by: { $0.key < $1.key }) where !key.hasPrefix("@odata.") {
            let where_ = path.isEmpty ? key : "\(path).\(key)"
            guard let kind = known[key] else {
                found.append(SchemaIssue(code: "UnknownProperty", path: where_, message: "Property '\(key)' does not exist on type 'microsoft.graph.\(type)'"))
                continue
            }
            if value == .null { continue }
            let ok: Bool
            switch kind {
            case "Edm.String", "Edm.Guid", "Edm.DateTimeOffset", "Edm.Binary": ok = value.string != nil
            case "Edm.Boolean": ok = value.bool != nil
            default: ok = kind.hasPrefix("Collection(") ? value.array != nil : true
            }
            if !ok { found.append(SchemaIssue(code: "InvalidPropertyType", path: where_, message: "expected \(kind), got \(SchemaValidator.kind(of: value))")) }
            if kind.hasPrefix("graph."), types[String(kind.dropFirst(6))] != nil, value.object != nil {
                found += issues(in: value, type: String(kind.dropFirst(6)), path: where_)
            }
        }
        return found
    }
}

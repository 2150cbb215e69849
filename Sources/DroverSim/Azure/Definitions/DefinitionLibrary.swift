import Foundation
import Synchronization

/// Microsoft's official Swagger definitions bundled with DroverSim (Resources/openapi), with `$ref`s resolved
/// across files the way the definitions lay them out (openapi/README.md: relative refs resolve).
public final class DefinitionLibrary: Sendable {
    /// The folder holding `azure-rest-api-specs/` and `msgraph-metadata/`.
    public let root: URL
    private let documents = Mutex<[String: JSONValue]>([:])

    /// The definitions bundled with the module.
    public static let bundled: DefinitionLibrary = {
        let url = Bundle.module.resourceURL!.appendingPathComponent("openapi")
        return DefinitionLibrary(root: url)
    }()

    /// A library over `root`.
    public init(root: URL) { self.root = root }

    /// The parsed file at `path` (relative to `root`).
    public func document(_ path: String) throws -> JSONValue {
        if let cached = documents.withLock({ $0[path] }) { return cached }
        let url = root.appendingPathComponent(path)
        guard let data = try? Data(contentsOf: url) else { throw SimulatorError.missingDefinition(path: path) }
        let value = try JSONValue.parse(data)
        documents.withLock { $0[path] = value }
        return value
    }

    /// `info.version` of a file: the api-version its operations accept.
    public func apiVersion(of path: String) throws -> String {
        try document(path).at("info.version")?.string ?? ""
    }

    /// The schema of `definitions/<name>` in `path`.
    public func definition(_ name: String, in path: String) throws -> SchemaNode {
        guard let node = try document(path)["definitions"]?[name] else {
            throw SimulatorError.missingDefinition(path: "\(path)#/definitions/\(name)")
        }
        return SchemaNode(node: node, file: path)
    }

    /// Follows `$ref`s from `schema` until a schema without one.
    public func resolve(_ schema: SchemaNode) throws -> SchemaNode {
        var current = schema
        var hops = 0
        while let ref = current.node["$ref"]?.string {
            current = try target(of: ref, from: current.file)
            hops += 1
            if hops > 64 { throw SimulatorError.missingDefinition(path: "\(ref) (reference loop)") }
        }
        return current
    }

    private func target(of ref: String, from file: String) throws -> SchemaNode {
        let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        var targetFile = file
        if !parts[0].isEmpty {
            let base = URL(fileURLWithPath: "/" + file).deletingLastPathComponent()
            targetFile = String(URL(fileURLWithPath: parts[0], relativeTo: base).standardizedFileURL.path.dropFirst())
        }
        var node = try document(targetFile)
        let pointer = parts.count > 1 ? parts[1] : ""
        for token in pointer.split(separator: "/") {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[key] else { throw SimulatorError.missingDefinition(path: "\(targetFile)#\(pointer)") }
            node = next
        }
        return SchemaNode(node: node, file: targetFile)
    }
}

/// A schema object and the file it sits in (so its relative `$ref`s resolve).
public struct SchemaNode: Sendable {
    /// The schema JSON.
    public var node: JSONValue
    /// The file, relative to the library root.
    public var file: String
}

import DroverEngine
import Foundation

/// Finds resource names and scopes by kind through discovery, once per group version: `GET /api/v1` for the core
/// group, `GET /apis/GROUP/VERSION` for the others; `GET /api` and `GET /apis` name what exists when a group
/// version is unknown (kube-and-rancher-wire.md §A.2; plain `Accept: application/json` asks for the legacy shapes).
actor ResourceDiscovery {
    private var lists: [String: [APIResource]] = [:]
    private let fetch: @Sendable (String) async throws -> Value

    /// Creates a discovery cache reading through `fetch` (a path to its decoded JSON).
    init(fetch: @escaping @Sendable (String) async throws -> Value) { self.fetch = fetch }

    /// The resource of `kind` in `apiVersion`.
    /// - Throws: `CodedError` `UnknownKind` or `UnknownAPIVersion` naming what the server has.
    func resource(apiVersion: String, kind: String) async throws -> APIResource {
        let resources = try await resources(in: apiVersion)
        guard let found = resources.first(where: { $0.kind == kind }) else {
            throw CodedError(
                code: "UnknownKind", message: "the server has no kind \(kind) in \(apiVersion)",
                remediation: "kinds in \(apiVersion): \(resources.map(\.kind).sorted().joined(separator: ", "))", nothingApplied: true)
        }
        return found
    }

    /// Every top-level resource of `apiVersion` (subresources such as `pods/status` left out).
    func resources(in apiVersion: String) async throws -> [APIResource] {
        if let cached = lists[apiVersion] { return cached }
        let path = apiVersion.contains("/") ? "/apis/\(apiVersion)" : "/api/\(apiVersion)"
        let list: Value
        do { list = try await fetch(path) } catch let error as CodedError where error.status == 404 {
            throw CodedError(
                code: "UnknownAPIVersion", message: "the server does not serve \(apiVersion)",
                remediation: "versions it serves: \(try await groupVersions().joined(separator: ", "))", nothingApplied: true)
        }
        let resources: [APIResource] = (list["resources"]?.arrayValue ?? []).compactMap { item in
            guard let name = item["name"]?.stringValue, !name.contains("/"), let kind = item["kind"]?.stringValue else { return nil }
            return APIResource(groupVersion: apiVersion, kind: kind, name: name, namespaced: item["namespaced"] == .bool(true))
        }
        lists[apiVersion] = resources
        return resources
    }

    /// Every group version the server serves, from `/api` (`versions`) and `/apis` (`groups[].versions[]`).
    func groupVersions() async throws -> [String] {
        let core = (try? await fetch("/api"))?["versions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let groups = try await fetch("/apis")["groups"]?.arrayValue ?? []
        return core + groups.flatMap { ($0["versions"]?.arrayValue ?? []).compactMap { $0["groupVersion"]?.stringValue } }
    }
}

extension Value {
    /// The items when this is an array.
    var arrayValue: [Value]? {
        if case .array(let items) = self { return items }
        return nil
    }
}

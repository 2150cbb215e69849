import DroverEngine

/// Reading a Kubernetes object held as a JSON ``Value``: its type and identity (kube-and-rancher-wire.md §A.9).
extension Value {
    /// `apiVersion`.
    public var apiVersion: String? { self["apiVersion"]?.stringValue }
    /// `kind`.
    public var kind: String? { self["kind"]?.stringValue }
    /// `metadata.name`.
    public var name: String? { value(at: ["metadata", "name"])?.stringValue }
    /// `metadata.namespace`.
    public var namespace: String? { value(at: ["metadata", "namespace"])?.stringValue }
    /// `metadata.resourceVersion`.
    public var resourceVersion: String? { value(at: ["metadata", "resourceVersion"])?.stringValue }
    /// `metadata.labels` (string values only).
    public var labels: [String: String] { stringMap(at: ["metadata", "labels"]) }
    /// `metadata.annotations` (string values only).
    public var annotations: [String: String] { stringMap(at: ["metadata", "annotations"]) }

    /// The string members of the object at `path`.
    public func stringMap(at path: [String]) -> [String: String] {
        guard case .object(let fields)? = value(at: path) else { return [:] }
        return fields.compactMapValues(\.stringValue)
    }

    /// `Kind namespace/name` for messages.
    public var objectDescription: String {
        "\(kind ?? "?") \([namespace, name ?? "?"].compactMap { $0 }.joined(separator: "/"))"
    }
}

import Yams

/// A `helm.cattle.io/v1` HelmChart: RKE2's helm-controller installs it from the server's manifests folder,
/// so no machine needs a helm binary.
///
/// Fields follow the helm-controller API reference (`k3s-io/helm-controller` `doc/helmchart.md`, HelmChartSpec).
public struct HelmChartManifest: Sendable, Equatable {
    /// The HelmChart object's name (also the Helm release name).
    public var name: String
    /// The chart name in the repository.
    public var chart: String
    /// The chart repository URL.
    public var repo: String
    /// The pinned chart version.
    public var version: String
    /// Where the release goes.
    public var targetNamespace: String
    /// Values, as YAML text (`valuesContent`).
    public var values: [String: YAMLValue]
    /// Secrets in `kube-system` whose `values.yaml` key adds values (`valuesSecrets`), so no secret sits in this file.
    public var valuesSecrets: [String]

    /// Creates a HelmChart.
    public init(
        name: String, chart: String, repo: String, version: String, targetNamespace: String, values: [String: YAMLValue],
        valuesSecrets: [String] = []
    ) {
        self.name = name
        self.chart = chart
        self.repo = repo
        self.version = version
        self.targetNamespace = targetNamespace
        self.values = values
        self.valuesSecrets = valuesSecrets
    }

    /// The manifest as YAML.
    public func rendered() -> String {
        var spec: [(String, Node)] = [
            ("chart", YAMLValue.scalar(chart)), ("repo", YAMLValue.scalar(repo)), ("version", YAMLValue.scalar(version)),
            ("targetNamespace", YAMLValue.scalar(targetNamespace)),
            ("createNamespace", Node("true", Tag(.bool))), ("valuesContent", YAMLValue.scalar(YAMLValue.object(values).yaml)),
        ]
        if !valuesSecrets.isEmpty {
            spec.append(("valuesSecrets", Node(valuesSecrets.map { name in
                Node([(Node("name"), Node(name)), (Node("keys"), Node([Node("values.yaml")]))])
            })))
        }
        let document = Node([
            (Node("apiVersion"), Node("helm.cattle.io/v1")), (Node("kind"), Node("HelmChart")),
            (Node("metadata"), Node([(Node("name"), Node(name)), (Node("namespace"), Node("kube-system"))])),
            (Node("spec"), Node(spec.map { (Node($0.0), $0.1) })),
        ])
        return (try? Yams.serialize(node: document)) ?? ""
    }
}

/// A JSON-like value for chart values and manifests, serialised in key order.
public indirect enum YAMLValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// A string, quoted when YAML would read it as something else.
    case string(String)
    /// A boolean.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A sequence.
    case list([YAMLValue])
    /// A mapping, written with sorted keys.
    case object([String: YAMLValue])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(arrayLiteral elements: YAMLValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, YAMLValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The value as a Yams node (strings always tagged as strings, so `"true"` stays a string).
    public var node: Node {
        switch self {
        case .string(let s): return Self.scalar(s)
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .int(let i): return Node(String(i), Tag(.int))
        case .list(let items): return Node(items.map(\.node))
        case .object(let fields): return Node(fields.keys.sorted().map { (Node($0), fields[$0]!.node) })
        }
    }

    /// A string scalar that reads back as a string: quoted when YAML 1.1 would take it for a number, boolean or
    /// null (`0600`, `2.14`, `yes`), a literal block when it spans lines.
    static func scalar(_ s: String) -> Node {
        if s.contains("\n") { return Node(s, Tag(.str), .literal) }
        let plain = Resolver.default.resolveTag(of: Node(s)) == .str && !s.isEmpty
        return Node(s, Tag(.str), plain ? .plain : .singleQuoted)
    }

    /// The value as a YAML document.
    public var yaml: String { (try? Yams.serialize(node: node)) ?? "" }
}

import DroverEngine

/// `local.node_artifact` and `local.node_secret_artifact`: one machine artifact (custom data, an extension script)
/// rendered by DroverNodes from its inputs, so VMs and extensions receive final text and no provider imports another.
///
/// The two types differ only in whether the output `text` is sensitive: an artifact that holds a secret must use
/// `local.node_secret_artifact` (``NodeArtifactHandler/type(for:)``), and rendering one under the other type fails.
/// Nothing remote exists: create, read and update render, delete does nothing.
public struct NodeArtifactHandler: ResourceHandler {
    /// The request.
    public typealias Inputs = NodeArtifactRequest

    /// The rendered artifact.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The text sent to the machine.
        public var text: String
    }

    /// The type of artifacts without secrets.
    public static let plainType = "local.node_artifact"
    /// The type of artifacts that hold a secret; their `text` is sensitive.
    public static let secretType = "local.node_secret_artifact"

    /// The type an artifact of kind `artifact` is declared with.
    public static func type(for artifact: NodeArtifactRequest.Artifact) -> String { artifact.holdsSecret ? secretType : plainType }

    /// Whether this handler serves the secret-holding type.
    public let holdsSecrets: Bool

    /// Creates the handler of the secret-holding type, or of the plain one.
    public init(holdsSecrets: Bool) { self.holdsSecrets = holdsSecrets }

    public var type: String { holdsSecrets ? Self.secretType : Self.plainType }
    public var sensitiveInputs: Set<String> { holdsSecrets ? ["rke2Token", "bootstrapPassword", "join", "tls"] : [] }
    public var sensitiveOutputs: Set<String> { holdsSecrets ? ["text"] : [] }

    /// Renders at plan time once every input is known, so a VM whose custom data needs nothing from apply plans with
    /// its final text (and a change to it shows as the replacement it causes).
    public func plannedOutputs(old: Value?, new: Value, prior: Value?) -> Value? {
        guard new.isFullyKnown, let request = try? new.decode(Inputs.self), let text = try? render(request) else {
            return ["text": .unknown]
        }
        return ["text": .string(text)]
    }

    func render(_ request: Inputs) throws(CodedError) -> String {
        guard request.artifact.holdsSecret == false || holdsSecrets else {
            throw CodedError(
                code: "InvalidArtifact", message: "\(request.artifact.rawValue) for \(request.node) holds a secret but is declared as \(Self.plainType)",
                remediation: "declare it as \(Self.secretType)", nothingApplied: true)
        }
        return try request.render()
    }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs { Outputs(text: try render(inputs)) }

    /// The recorded text while there is one: a newer renderer does not by itself replace the machines using it.
    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        Observed(try prior ?? Outputs(text: render(inputs)))
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        Outputs(text: try render(new))
    }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {}
}

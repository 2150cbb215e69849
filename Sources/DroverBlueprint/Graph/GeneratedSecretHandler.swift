import DroverEngine

/// Generates a secret once and keeps it in state (`drover.secret`), like Terraform's random_password.
///
/// Passwords satisfy Azure's Windows rule (12–123 characters, all four character classes) so one secret
/// type serves the Windows administrator, Rancher's bootstrap password and the RKE2 join token.
public struct GeneratedSecretHandler: ResourceHandler {
    /// What to generate.
    public struct Inputs: Codable, Sendable {
        /// Length in characters (16–123).
        public var length: Int
        /// Whether symbols may appear (off for tokens that travel in URLs and shell words).
        public var symbols: Bool
    }

    /// The generated secret.
    public struct Outputs: Codable, Sendable {
        /// The secret itself.
        public var value: String
    }

    /// The resource type.
    public let type = "drover.secret"
    public var replaceTriggers: Set<String> { ["length", "symbols"] }
    public var sensitiveOutputs: Set<String> { ["value"] }

    /// Creates the handler.
    public init() {}

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        Outputs(value: Self.generate(length: inputs.length, symbols: inputs.symbols))
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        prior.map { Observed($0) }
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs { prior }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {}

    /// A random string with at least one lowercase letter, uppercase letter and digit (and symbol, if allowed).
    public static func generate<R: RandomNumberGenerator>(length: Int, symbols: Bool, using generator: inout R) -> String {
        let lower = Array("abcdefghijkmnopqrstuvwxyz"), upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), digits = Array("23456789")
        let marks = Array("!#%*+-=?@^_")
        let classes = symbols ? [lower, upper, digits, marks] : [lower, upper, digits]
        let all = classes.flatMap { $0 }
        var characters = classes.map { $0.randomElement(using: &generator)! }
        while characters.count < max(length, classes.count) { characters.append(all.randomElement(using: &generator)!) }
        characters.shuffle(using: &generator)
        return String(characters)
    }

    /// A random secret from the system's secure generator.
    public static func generate(length: Int, symbols: Bool) -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(length: length, symbols: symbols, using: &generator)
    }
}

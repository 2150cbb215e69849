/// One file a run sends to a machine, as `drover render` writes it for review.
public struct NodeArtifact: Sendable, Equatable {
    /// Where it goes under the render folder, such as `rancher/rancher-0-vm/cloud-config.yaml`.
    public var path: String
    /// Its content.
    public var content: String
    /// How it reaches the machine.
    public var delivery: Delivery
    /// Whether it carries secret values (or their placeholders): written with mode 0600 and never as custom data.
    public var sensitive: Bool

    /// The channel an artifact travels through.
    public enum Delivery: String, Sendable, Equatable {
        /// VM custom data: Azure keeps it readable, so it must hold no secret (unless the user chose `customData` joins).
        case customData
        /// A VM extension's protected settings: encrypted, never returned by the API.
        case protectedSettings
        /// Copied over SSH or run locally by Drover (profile rancher-2.3: `rke up`, Helm 2).
        case local
        /// Written by cloud-init onto the server (a chart manifest inside the custom data).
        case onServer
    }

    /// Creates an artifact.
    public init(path: String, content: String, delivery: Delivery, sensitive: Bool) {
        self.path = path
        self.content = content
        self.delivery = delivery
        self.sensitive = sensitive
    }
}

import Yams

/// `drover place` over one YAML stream: every workload placed, every other document printed back untouched.
public struct PlaceRun: Sendable {
    /// The stream with placement applied.
    public var output: String
    /// One placement per workload document, in order.
    public var placements: [WorkloadPlacement]

    /// Places every workload in `text` (read from `file`, named in errors).
    public init(text: String, file: String, placer: WorkloadPlacer) throws {
        let stream = YAMLStream(text)
        var replacements: [Int: String] = [:]
        var placements: [WorkloadPlacement] = []
        for (index, document) in stream.documents.enumerated() {
            guard var object = try YAMLStream.parse(document, file: file), let placement = placer.place(object) else { continue }
            placements.append(placement)
            guard !placement.edits.isEmpty else { continue }
            let constructor = Constructor.default
            for edit in placement.edits { edit.apply(to: &object, constructor: constructor) }
            replacements[index] = YAMLStream.leadingComments(document.text) + (try Self.emit(object))
        }
        self.output = stream.rendered(replacing: replacements)
        self.placements = placements
    }

    /// Every image reference in the stream's workloads, for `--resolve` to look up before placing.
    public static func images(in text: String, file: String) throws -> [String] {
        var images: [String] = []
        for document in YAMLStream(text).documents {
            guard let object = try YAMLStream.parse(document, file: file),
                  let kind = object.value("kind")?.text.flatMap(WorkloadKind.init(rawValue:)),
                  let spec = object.value(at: kind.podSpecPath) else { continue }
            for list in ["initContainers", "containers"] {
                images += (spec.value(list)?.items ?? []).compactMap { $0.value("image")?.text }
            }
        }
        return images
    }

    /// The edited object as YAML, two-space indented, long lines unwrapped, scalar and flow styles of the input kept;
    /// comments inside it are lost (libyaml's emitter has no comments), those above it are kept by the caller.
    static func emit(_ object: Node) throws -> String {
        try Yams.serialize(node: object, indent: 2, width: -1, allowUnicode: true)
    }
}

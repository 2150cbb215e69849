import Yams

/// Puts back the flow style (`{…}`, `[…]`) of mappings and sequences that Yams' composer drops (Yams 6.2
/// `Parser.loadMapping`/`loadSequence` take the style from the end event, which carries none), by looking at the
/// source character where each collection starts.
enum FlowStyles {
    /// `node` with every collection that starts with `{` or `[` in `lines` marked flow.
    static func restored(_ node: Node, lines: [[Unicode.Scalar]]) -> Node {
        switch node {
        case var .mapping(mapping):
            mapping = Node.Mapping(mapping.map { (restored($0.key, lines: lines), restored($0.value, lines: lines)) },
                                   mapping.tag, opens(mapping.mark, "{", lines) ? .flow : mapping.style, mapping.mark)
            return .mapping(mapping)
        case var .sequence(sequence):
            sequence = Node.Sequence(sequence.map { restored($0, lines: lines) }, sequence.tag,
                                     opens(sequence.mark, "[", lines) ? .flow : sequence.style, sequence.mark)
            return .sequence(sequence)
        default:
            return node
        }
    }

    /// Whether the character at `mark` (1-based line and column, in Unicode scalars) is `bracket`.
    static func opens(_ mark: Mark?, _ bracket: Unicode.Scalar, _ lines: [[Unicode.Scalar]]) -> Bool {
        guard let mark, lines.indices.contains(mark.line - 1), lines[mark.line - 1].indices.contains(mark.column - 1) else { return false }
        return lines[mark.line - 1][mark.column - 1] == bracket
    }
}

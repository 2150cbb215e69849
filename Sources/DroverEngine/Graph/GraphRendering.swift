/// The text formats a dependency graph can be drawn in.
public enum GraphFormat: String, Sendable, CaseIterable {
    /// Graphviz DOT.
    case dot
    /// A Mermaid flowchart.
    case mermaid
}

extension DependencyGraph where Node: CustomStringConvertible {
    /// Draws the graph with an arrow from each node to each of its dependencies.
    public func render(as format: GraphFormat) -> String {
        var lines: [String] = []
        switch format {
        case .dot:
            lines.append("digraph drover {")
            lines.append("  rankdir = \"RL\";")
            lines.append("  node [shape = box];")
            for node in nodes {
                lines.append("  \(Value.quote(node.description));")
                for dep in (dependencies[node] ?? []).sorted() {
                    lines.append("  \(Value.quote(node.description)) -> \(Value.quote(dep.description));")
                }
            }
            lines.append("}")
        case .mermaid:
            lines.append("flowchart RL")
            var ids: [Node: String] = [:]
            for (index, node) in nodes.enumerated() {
                ids[node] = "n\(index)"
                let label = node.description.replacingOccurrences(of: "\"", with: "#quot;")
                lines.append("  n\(index)[\"\(label)\"]")
            }
            for node in nodes {
                for dep in (dependencies[node] ?? []).sorted() {
                    lines.append("  \(ids[node]!) --> \(ids[dep]!)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

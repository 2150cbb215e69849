import DroverEngine

/// Renders a plan the way Terraform does: `+` create, `~` update, `-/+` replace (`+/-` when the new object is
/// created first), `-` delete, `<=` read a data source, with the changed fields.
public struct PlanRenderer: Sendable {
    /// Creates a renderer.
    public init() {}

    /// The plan as text; sensitive values always show as `(sensitive)`.
    public func render(_ plan: Plan) -> String {
        let changes = plan.changes.filter { $0.action != .noop }
        guard !changes.isEmpty || !plan.deposedDeletions.isEmpty else {
            return "No changes. The infrastructure matches the configuration.\n"
        }
        var out = "Drover will perform the following actions:\n"
        for change in changes {
            out += "\n"
            out += "  # \(change.address) \(headline(change))\n"
            let symbol: String
            switch change.action {
            case .create: symbol = "  +"
            case .update: symbol = "  ~"
            case .replace: symbol = change.createBeforeDestroy ? "+/-" : "-/+"
            case .delete: symbol = "  -"
            case .read: symbol = " <="
            case .noop: symbol = "   "
            }
            out += "\(symbol) \(change.address)\n"
            out += fields(change).map { "      \($0)\n" }.joined()
        }
        for address in plan.deposedDeletions {
            out += "\n  # \(address) (deposed object) will be destroyed (left by an interrupted replacement)\n"
            out += "  - \(address)\n"
        }
        let counts = plan.counts
        let add = (counts[.create] ?? 0) + (counts[.replace] ?? 0)
        let change = counts[.update] ?? 0
        let destroy = (counts[.delete] ?? 0) + (counts[.replace] ?? 0) + plan.deposedDeletions.count
        out += "\nPlan: \(add) to add, \(change) to change, \(destroy) to destroy.\n"
        return out
    }

    private func headline(_ change: ResourceChange) -> String {
        var text: String
        switch change.action {
        case .create: text = "will be created"
        case .update: text = "will be updated in place"
        case .replace: text = change.createBeforeDestroy ? "must be replaced, the new one created first" : "must be replaced"
        case .delete: text = "will be destroyed"
        case .read: text = "will be read during apply"
        case .noop: text = "is unchanged"
        }
        if let reason = change.reason { text += " (\(reason))" }
        return text
    }

    private func show(_ value: Value?, field: String, sensitive: Set<String>) -> String {
        if sensitive.contains(field) { return "(sensitive)" }
        guard let value else { return "null" }
        return value.rendered
    }

    private func fields(_ change: ResourceChange) -> [String] {
        switch change.action {
        case .create, .read:
            guard case .object(let after)? = change.after else { return [] }
            let width = after.keys.map(\.count).max() ?? 0
            return after.keys.sorted().map { key in
                "+ \(key.padding(toLength: width, withPad: " ", startingAt: 0)) = \(show(after[key], field: key, sensitive: change.sensitiveFields))"
            }
        case .update, .replace:
            let paths = change.changedPaths
            let width = paths.map(\.count).max() ?? 0
            return paths.map { path in
                let top = String(path.prefix { $0 != "." && $0 != "[" })
                let steps = path.split(whereSeparator: { ".[]".contains($0) }).map(String.init)
                let before = change.before?.value(at: steps), after = change.after?.value(at: steps)
                let forces = change.replacePaths.contains(path) ? " # forces replacement" : ""
                return "~ \(path.padding(toLength: width, withPad: " ", startingAt: 0)) = \(show(before, field: top, sensitive: change.sensitiveFields)) -> \(show(after, field: top, sensitive: change.sensitiveFields))\(forces)"
            }
        case .delete, .noop:
            return []
        }
    }
}

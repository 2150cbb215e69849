/// A directed graph in which each node lists the nodes it depends on.
///
/// Orders are deterministic: ties are broken by the nodes' own ordering, so plans and renderings are stable.
public struct DependencyGraph<Node: Hashable & Comparable & Sendable>: Sendable {
    /// Every node, each with the nodes it depends on.
    public private(set) var dependencies: [Node: Set<Node>] = [:]

    /// Creates an empty graph.
    public init() {}

    /// All nodes, sorted.
    public var nodes: [Node] { dependencies.keys.sorted() }

    /// The number of nodes.
    public var count: Int { dependencies.count }

    /// Adds a node without edges (no effect if present).
    public mutating func add(_ node: Node) {
        if dependencies[node] == nil { dependencies[node] = [] }
    }

    /// Records that `node` depends on `dependency`; both are added if missing.
    public mutating func add(_ node: Node, dependsOn dependency: Node) {
        add(dependency)
        dependencies[node, default: []].insert(dependency)
    }

    /// Whether `node` is in the graph.
    public func contains(_ node: Node) -> Bool { dependencies[node] != nil }

    /// The reverse edges: for each node, the nodes that depend on it.
    public func dependents() -> [Node: Set<Node>] {
        var result: [Node: Set<Node>] = [:]
        for (node, deps) in dependencies {
            if result[node] == nil { result[node] = [] }
            for dep in deps { result[dep, default: []].insert(node) }
        }
        return result
    }

    /// One cycle, as the nodes along it with the first repeated at the end, or nil when the graph is acyclic.
    public func findCycle() -> [Node]? {
        var marks: [Node: VisitMark] = [:]
        for start in nodes where marks[start] == nil {
            // Iterative depth-first search; the stack holds each node with its remaining dependencies.
            var stack: [(Node, [Node])] = [(start, (dependencies[start] ?? []).sorted())]
            marks[start] = .visiting
            while !stack.isEmpty {
                let (node, remaining) = stack[stack.count - 1]
                if let next = remaining.first {
                    stack[stack.count - 1].1.removeFirst()
                    switch marks[next] {
                    case .visiting:
                        let path = stack.map(\.0)
                        let from = path.firstIndex(of: next) ?? 0
                        return Array(path[from...]) + [next]
                    case .done:
                        continue
                    case nil:
                        marks[next] = .visiting
                        stack.append((next, (dependencies[next] ?? []).sorted()))
                    }
                } else {
                    marks[node] = .done
                    stack.removeLast()
                }
            }
        }
        return nil
    }

    /// The nodes with every dependency before its dependents; throws the cycle when there is one.
    public func topologicalOrder() throws(GraphCycleError<Node>) -> [Node] {
        var remaining = dependencies.mapValues(\.count)
        let reverse = dependents()
        var ready = MinHeap<Node>(remaining.filter { $0.value == 0 }.map(\.key))
        var order: [Node] = []
        order.reserveCapacity(dependencies.count)
        while let node = ready.pop() {
            order.append(node)
            for dependent in reverse[node] ?? [] {
                remaining[dependent]! -= 1
                if remaining[dependent] == 0 { ready.push(dependent) }
            }
        }
        if order.count != dependencies.count {
            throw GraphCycleError(cycle: findCycle() ?? [])
        }
        return order
    }

    /// `roots` and everything they depend on, directly or not.
    public func dependencyClosure(of roots: some Sequence<Node>) -> Set<Node> {
        closure(of: roots) { dependencies[$0] ?? [] }
    }

    /// `roots` and everything that depends on them, directly or not.
    public func dependentClosure(of roots: some Sequence<Node>) -> Set<Node> {
        let reverse = dependents()
        return closure(of: roots) { reverse[$0] ?? [] }
    }

    private func closure(of roots: some Sequence<Node>, next: (Node) -> Set<Node>) -> Set<Node> {
        var seen = Set<Node>()
        var stack = Array(roots)
        while let node = stack.popLast() {
            guard seen.insert(node).inserted else { continue }
            stack.append(contentsOf: next(node))
        }
        return seen
    }

    /// For each node, the number of nodes on the longest chain of dependents starting at it (itself included).
    public func heights() -> [Node: Int] {
        guard let order = try? topologicalOrder() else { return [:] }
        let reverse = dependents()
        var height: [Node: Int] = [:]
        for node in order.reversed() {
            let below = (reverse[node] ?? []).compactMap { height[$0] }.max() ?? 0
            height[node] = below + 1
        }
        return height
    }
}

private enum VisitMark { case visiting, done }

/// The graph has a cycle; `cycle` lists its nodes, the first repeated at the end.
public struct GraphCycleError<Node: Hashable & Sendable>: Error, Sendable {
    /// The nodes along the cycle.
    public var cycle: [Node]
}

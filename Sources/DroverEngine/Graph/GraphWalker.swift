/// Walks a dependency graph in parallel: each node starts the moment its dependencies have succeeded.
///
/// At most `parallelism` visits run at once. Among ready nodes, the one heading the longest remaining
/// chain starts first, so the critical path is never kept waiting behind short branches. A failed node
/// stops only its dependents (they are skipped); every other node still runs.
public struct GraphWalker<Node: Hashable & Comparable & Sendable>: Sendable {
    /// The outcome of one node's visit.
    public enum Outcome: Sendable, Equatable {
        case succeeded
        case failed
        /// Not visited because a dependency failed or was skipped.
        case skipped
    }

    /// The graph to walk; it must be acyclic.
    public var graph: DependencyGraph<Node>
    /// The largest number of visits running at once (at least 1).
    public var parallelism: Int

    /// Creates a walker over `graph`.
    public init(graph: DependencyGraph<Node>, parallelism: Int) {
        self.graph = graph
        self.parallelism = max(1, parallelism)
    }

    private struct Ready: Comparable {
        var height: Int
        var node: Node
        static func < (a: Ready, b: Ready) -> Bool {
            a.height != b.height ? a.height > b.height : a.node < b.node
        }
    }

    /// Visits every node; `visit` returns whether the node succeeded.
    ///
    /// Once `stop` is raised no further visit starts; the ones running finish.
    /// - Returns: the outcome of every node that was visited or skipped; nodes never started have none.
    public func walk(
        stop: StopSignal? = nil, _ visit: @escaping @Sendable (Node) async -> Bool
    ) async -> [Node: Outcome] {
        let reverse = graph.dependents()
        let heights = graph.heights()
        var remaining = graph.dependencies.mapValues(\.count)
        var outcomes: [Node: Outcome] = [:]
        var ready = MinHeap<Ready>(remaining.filter { $0.value == 0 }.map { Ready(height: heights[$0.key] ?? 1, node: $0.key) })

        func skipDependents(of node: Node) {
            var stack = Array(reverse[node] ?? [])
            while let next = stack.popLast() {
                guard outcomes[next] == nil else { continue }
                outcomes[next] = .skipped
                stack.append(contentsOf: reverse[next] ?? [])
            }
        }

        await withTaskGroup(of: (Node, Bool).self) { group in
            var running = 0
            while true {
                while running < parallelism, stop?.isRaised != true, let next = ready.pop() {
                    guard outcomes[next.node] == nil else { continue }
                    running += 1
                    let node = next.node
                    group.addTask { (node, await visit(node)) }
                }
                guard let (node, ok) = await group.next() else { break }
                running -= 1
                outcomes[node] = ok ? .succeeded : .failed
                if ok {
                    for dependent in reverse[node] ?? [] {
                        remaining[dependent]! -= 1
                        if remaining[dependent] == 0, outcomes[dependent] == nil {
                            ready.push(Ready(height: heights[dependent] ?? 1, node: dependent))
                        }
                    }
                } else {
                    skipDependents(of: node)
                }
            }
        }
        return outcomes
    }
}

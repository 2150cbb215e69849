@testable import DroverEngine
import DroverTestSupport
import DroverTestSupport
import Testing

@Suite struct GraphTests {
    @Test func walkerNeverExceedsParallelismAndRespectsOrder() async throws {
        var graph = DependencyGraph<Int>()
        for node in 1..<40 { graph.add(node, dependsOn: node / 3) }
        let tracker = ConcurrencyTracker()
        let outcomes = await GraphWalker(graph: graph, parallelism: 3).walk { node in
            await tracker.enter(node)
            await Task.yield()
            await tracker.leave()
            return true
        }
        #expect(outcomes.count == 40)
        #expect(await tracker.peak <= 3)
        let order = await tracker.order
        for node in 1..<40 { #expect(order.firstIndex(of: node / 3)! < order.firstIndex(of: node)!) }
    }

    /// Ten independent nodes, each held at a gate: exactly three start, no fourth until one is let go; a serial
    /// walker would stall at one and fail.
    @Test func walkerRunsExactlyItsParallelismAtOnce() async throws {
        var graph = DependencyGraph<Int>()
        for node in 0..<10 { graph.add(node) }
        let tracker = ConcurrencyTracker()
        let gate = Gate()
        let walk = Task {
            await GraphWalker(graph: graph, parallelism: 3).walk { node in
                await tracker.enter(node)
                await gate.wait()
                await tracker.leave()
                return true
            }
        }
        while await tracker.current < 3 { await Task.yield() }
        for _ in 0..<100 { await Task.yield() }
        #expect(await tracker.current == 3)
        await gate.open()
        let outcomes = await walk.value
        #expect(outcomes.count == 10 && outcomes.values.allSatisfy { $0 == .succeeded })
        #expect(await tracker.peak == 3)
    }

    @Test func renderingIsStable() {
        var graph = DependencyGraph<ResourceAddress>()
        graph.add("azure.vnet/k8s", dependsOn: "azure.resource_group/k8s")
        #expect(graph.render(as: .dot) == """
            digraph drover {
              rankdir = "RL";
              node [shape = box];
              "azure.resource_group/k8s";
              "azure.vnet/k8s";
              "azure.vnet/k8s" -> "azure.resource_group/k8s";
            }

            """)
        #expect(graph.render(as: .mermaid).contains("n1 --> n0"))
    }
}

actor ConcurrencyTracker {
    var current = 0
    var peak = 0
    var order: [Int] = []
    func enter(_ node: Int) {
        current += 1
        peak = max(peak, current)
        order.append(node)
    }
    func leave() { current -= 1 }
}

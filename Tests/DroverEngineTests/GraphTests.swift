@testable import DroverEngine
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

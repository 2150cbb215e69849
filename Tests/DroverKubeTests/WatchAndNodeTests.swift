import DroverEngine
import DroverHTTPTestSupport
@testable import DroverKube
import Foundation
import Testing

/// Watch streaming, resumption and relisting after 410, and node summaries of kube-and-rancher-wire.md §D.
@Suite struct WatchAndNodeTests {
    static func line(_ object: [String: Any]) -> Data {
        (try! JSONSerialization.data(withJSONObject: object)) + Data("\n".utf8)
    }

    static func node(_ name: String, _ rv: String, ready: String = "True") -> [String: Any] {
        ["metadata": ["name": name, "resourceVersion": rv], "status": ["conditions": [["type": "Ready", "status": ready]]]]
    }

    @Test func watchStreamsEventsResumesAndRelistsAfterExpiry() async throws {
        let calls = Counter()
        try await withKubeServer(respond: { request in
            if let discovery = FakeDiscovery.answer(request.apiPath) { return discovery }
            if request.query("watch") != "true" {
                // The relist after 410.
                return .json(200, ["kind": "NodeList", "metadata": ["resourceVersion": "50"], "items": [Self.node("n1", "49")]])
            }
            switch calls.next() {
            case 1:
                // One event split over two chunks, a bookmark, then the server ends the stream (timeoutSeconds).
                let modified = Self.line(["type": "MODIFIED", "object": Self.node("n1", "11", ready: "False")])
                return .chunks(status: 200, headers: [("Content-Type", "application/json")], parts: [
                    Self.line(["type": "ADDED", "object": Self.node("n1", "10")]), modified.prefix(20), modified.dropFirst(20),
                    Self.line(["type": "BOOKMARK", "object": ["kind": "Node", "apiVersion": "v1", "metadata": ["resourceVersion": "12"]]]),
                ])
            case 2:
                return .chunks(status: 200, headers: [], parts: [
                    Self.line(["type": "ERROR", "object": FakeDiscovery.status(410, "Expired", "too old resource version: 12 (40)")]),
                ])
            default:
                return .chunks(status: 200, headers: [], parts: [Self.line(["type": "DELETED", "object": Self.node("n1", "51")])])
            }
        }) { server, kube in
            var events: [WatchEvent] = []
            for try await event in kube.watch(apiVersion: "v1", kind: "Node", selector: KubeSelector(fields: "metadata.name=n1"), resourceVersion: "9", timeoutSeconds: 60) {
                events.append(event)
                if events.count == 4 { break }
            }
            #expect(events.map(\.kind) == [.added, .modified, .added, .deleted])
            #expect(events.map(\.fromRelist) == [false, false, true, false])
            #expect(events[1].object.kind == "Node" && events[1].object.resourceVersion == "11")
            let watches = server.requests.filter { $0.query("watch") == "true" }
            #expect(watches.map { $0.query("resourceVersion") }.prefix(3) == ["9", "12", "50"])
            #expect(watches.allSatisfy { $0.query("allowWatchBookmarks") == "true" && $0.query("timeoutSeconds") == "60" && $0.query("fieldSelector") == "metadata.name=n1" })
        }
    }

    @Test func watchEndsWithTheErrorOfAFailedRequest() async throws {
        try await withKubeServer(respond: { request in
            FakeDiscovery.answer(request.apiPath) ?? .json(403, FakeDiscovery.status(403, "Forbidden", "nodes is forbidden"))
        }) { _, kube in
            let error = await #expect(throws: CodedError.self) {
                for try await _ in kube.watch(apiVersion: "v1", kind: "Node") {}
            }
            #expect(error?.code == "Forbidden")
        }
    }

    @Test func errorEventsOtherThanExpiryEndTheWatch() async throws {
        try await withKubeServer(respond: { request in
            FakeDiscovery.answer(request.apiPath) ?? .chunks(status: 200, headers: [], parts: [
                Self.line(["type": "ERROR", "object": FakeDiscovery.status(500, "InternalError", "etcdserver: request timed out")]),
            ])
        }) { _, kube in
            let error = await #expect(throws: CodedError.self) {
                for try await _ in kube.watch(apiVersion: "v1", kind: "Node") {}
            }
            #expect(error?.code == "InternalError" && error?.status == 500 && error?.retryable == true)
            #expect(error?.message == "etcdserver: request timed out")
        }
    }

    @Test func lineSplitterKeepsPartialLines() {
        var splitter = WatchLineSplitter()
        #expect(splitter.append(Data("{\"a\":1}\n{\"b\"".utf8)) == [Data("{\"a\":1}".utf8)])
        #expect(splitter.append(Data(":2}\n\n".utf8)) == [Data("{\"b\":2}".utf8)])
    }

    /// The minimal Windows node of kube-and-rancher-wire.md §D, and a Linux all-roles node.
    static let windowsNode = """
        {"apiVersion":"v1","kind":"Node",
         "metadata":{"name":"ec2amaz-a1b2c3d","labels":{"kubernetes.io/os":"windows","kubernetes.io/arch":"amd64",
           "node.kubernetes.io/windows-build":"10.0.17763","node-role.kubernetes.io/worker":"true","cattle.io/os":"windows"}},
         "spec":{"podCIDR":"10.42.3.0/24"},
         "status":{"conditions":[{"type":"Ready","status":"False","reason":"KubeletNotReady","message":"container runtime network not ready"}],
          "nodeInfo":{"operatingSystem":"windows","osImage":"Windows Server 2019 Datacenter","kernelVersion":"10.0.17763.6054","kubeletVersion":"v1.31.9"}}}
        """
    static let linuxNode = """
        {"apiVersion":"v1","kind":"Node",
         "metadata":{"name":"cp-0","labels":{"node-role.kubernetes.io/control-plane":"true","node-role.kubernetes.io/etcd":"true",
           "node-role.kubernetes.io/master":"true","node-role.kubernetes.io/worker":"true"}},
         "spec":{"taints":[{"key":"cattle.io/os","value":"linux","effect":"NoSchedule"}],"unschedulable":true},
         "status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"}],
          "nodeInfo":{"operatingSystem":"linux","kernelVersion":"5.15.0-105-generic","kubeletVersion":"v1.31.9+rke2r1"}}}
        """

    @Test func nodeSummaryReadsLabelsReadinessRolesAndTaints() throws {
        let windows = NodeSummary(node: try JSONDecoder().decode(Value.self, from: Data(Self.windowsNode.utf8)))
        #expect(windows.os == "windows" && windows.osLabel == "windows")
        #expect(windows.windowsBuild == "10.0.17763")
        #expect(windows.ready == false && windows.readyDetail == "KubeletNotReady: container runtime network not ready")
        #expect(windows.roles == ["worker"])
        let linux = NodeSummary(node: try JSONDecoder().decode(Value.self, from: Data(Self.linuxNode.utf8)))
        // No kubernetes.io/os label: the kubelet's report stands in, and the label's absence is visible.
        #expect(linux.osLabel == nil && linux.os == "linux" && linux.windowsBuild == nil)
        #expect(linux.roles == ["control-plane", "etcd", "master", "worker"])
        #expect(linux.taints == [NodeSummary.Taint(key: "cattle.io/os", value: "linux", effect: "NoSchedule")])
        #expect(linux.taints[0].description == "cattle.io/os=linux:NoSchedule")
        #expect(linux.ready == true && linux.unschedulable)
        // Without the label, the build comes from the kernel version 10.0.BUILD.UBR.
        var unlabeled = try JSONDecoder().decode(Value.self, from: Data(Self.windowsNode.utf8))
        if case .object(var fields) = unlabeled, case .object(var metadata)? = fields["metadata"] {
            metadata["labels"] = ["kubernetes.io/os": "windows"]
            fields["metadata"] = .object(metadata)
            unlabeled = .object(fields)
        }
        #expect(NodeSummary(node: unlabeled).windowsBuild == "10.0.17763")
    }
}

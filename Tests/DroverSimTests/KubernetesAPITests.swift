@testable import DroverSim
import Foundation
import Testing

/// The API server's verbs and `metav1.Status` errors on the wire (kube-and-rancher-wire.md §A.4, §A.7, §A.8),
/// through ``KubernetesCluster/handle(_:)`` as the Rancher proxy calls it.
@Suite("Kubernetes simulator API")
struct KubernetesAPITests {
    let clock = ManualClock()
    let cluster: KubernetesCluster

    init() throws {
        cluster = try KubernetesCluster(id: "c-m-test1234", clock: clock)
    }

    func send(_ method: String, _ path: String, _ body: JSONValue? = nil, contentType: String = "application/json",
              query: [String: String] = [:], accept: String = "application/json") async -> (status: Int, body: JSONValue) {
        let response = await cluster.handle(SimRequest(method: method, path: path, query: query,
                                                       headers: ["content-type": contentType, "accept": accept], body: body?.encoded() ?? Data()))
        return (response.status, (try? JSONValue.parse(response.body)) ?? .null)
    }

    static let configMap: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "settings"], "data": ["a": "1"]]

    @Test func statusErrorsCarryCodeReasonAndMessage() async throws {
        let missing = await send("GET", "/api/v1/nodes/ghost")
        #expect(missing.status == 404)
        #expect(missing.body == ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                                 "message": "nodes \"ghost\" not found", "reason": "NotFound", "details": ["name": "ghost", "kind": "nodes"], "code": 404])
        let appsMissing = await send("GET", "/apis/apps/v1/namespaces/default/deployments/web")
        #expect(appsMissing.body["message"] == "deployments.apps \"web\" not found")
        #expect(appsMissing.body.at("details.group") == "apps")

        #expect(await send("POST", "/api/v1/namespaces/default/configmaps", Self.configMap).status == 201)
        let duplicate = await send("POST", "/api/v1/namespaces/default/configmaps", Self.configMap)
        #expect(duplicate.status == 409 && duplicate.body["reason"] == "AlreadyExists")
        #expect(duplicate.body["message"] == "configmaps \"settings\" already exists")

        let noNamespace = await send("POST", "/api/v1/namespaces/nowhere/configmaps", Self.configMap)
        #expect(noNamespace.status == 404 && noNamespace.body["message"] == "namespaces \"nowhere\" not found")

        let notAllowed = await send("POST", "/api/v1/namespaces/default/configmaps/settings", Self.configMap)
        #expect(notAllowed.status == 405 && notAllowed.body["reason"] == "MethodNotAllowed")

        let badPatch = await send("PATCH", "/api/v1/namespaces/default/configmaps/settings", ["data": ["a": "2"]], contentType: "text/plain")
        #expect(badPatch.status == 415 && badPatch.body["reason"] == "UnsupportedMediaType")

        let unknownPath = await send("GET", "/apis/example.com/v1/widgets")
        #expect(unknownPath.status == 404)
    }

    @Test func invalidObjectsListEveryCause() async throws {
        let badName = await send("POST", "/api/v1/namespaces/default/configmaps",
                                 ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "Not_Valid"]])
        #expect(badName.status == 422 && badName.body["reason"] == "Invalid")
        #expect((badName.body["message"]?.string ?? "").hasPrefix("ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value: \"Not_Valid\": a lowercase RFC 1123 subdomain"))
        #expect(badName.body.at("details.causes")?.array?.first?["field"] == "metadata.name")

        let deployment: JSONValue = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
                                     "spec": ["selector": ["matchLabels": ["app": "web"]],
                                              "template": ["metadata": ["labels": ["app": "other"]], "spec": ["containers": [["name": "web"]]]]]]
        let invalid = await send("POST", "/apis/apps/v1/namespaces/default/deployments", deployment)
        #expect(invalid.status == 422)
        let fields = (invalid.body.at("details.causes")?.array ?? []).compactMap { $0["field"]?.string }
        #expect(fields == ["spec.template.metadata.labels", "spec.template.spec.containers[0].image"])
        #expect(invalid.body.at("details.kind") == "Deployment")

        let badNamespace = await send("POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "a.b"]])
        #expect(badNamespace.status == 422, "a namespace is a DNS-1123 label: no dots")
    }

    @Test func updatesCheckResourceVersionAndCountGenerations() async throws {
        let created = await send("POST", "/api/v1/namespaces/default/configmaps", Self.configMap)
        let version = try #require(created.body.at("metadata.resourceVersion")?.string)
        #expect(created.body.at("metadata.uid")?.string?.count == 36)
        #expect(created.body.at("metadata.creationTimestamp") == .string(KubeTime.format(clock.now())))
        var changed = created.body
        changed["data"] = ["a": "2"]
        let updated = await send("PUT", "/api/v1/namespaces/default/configmaps/settings", changed)
        #expect(updated.status == 200)
        #expect(Int(updated.body.at("metadata.resourceVersion")?.string ?? "0")! > Int(version)!)
        let stale = await send("PUT", "/api/v1/namespaces/default/configmaps/settings", changed)
        #expect(stale.status == 409 && stale.body["reason"] == "Conflict")
        #expect(stale.body["message"] == "Operation cannot be fulfilled on configmaps \"settings\": the object has been modified; please apply your changes to the latest version and try again")
    }

    @Test func serverSideApplyCreatesThenDetectsConflictsUnlessForced() async throws {
        let applied: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "settings"], "data": ["a": "1", "b": "1"]]
        let created = await send("PATCH", "/api/v1/namespaces/default/configmaps/settings", applied,
                                 contentType: "application/apply-patch+yaml", query: ["fieldManager": "drover"])
        #expect(created.status == 201)
        let other = await send("PATCH", "/api/v1/namespaces/default/configmaps/settings", ["data": ["a": "2"]],
                               contentType: "application/merge-patch+json", query: ["fieldManager": "operator"])
        #expect(other.status == 200)
        var again = applied
        again["data"] = ["a": "3"]
        let conflict = await send("PATCH", "/api/v1/namespaces/default/configmaps/settings", again,
                                  contentType: "application/apply-patch+yaml", query: ["fieldManager": "drover"])
        #expect(conflict.status == 409)
        #expect(conflict.body["message"] == "Apply failed with 1 conflict: conflict with \"operator\" using v1: .data.a")
        let forced = await send("PATCH", "/api/v1/namespaces/default/configmaps/settings", again,
                                contentType: "application/apply-patch+yaml", query: ["fieldManager": "drover", "force": "true"])
        #expect(forced.status == 200)
        // `b` was applied before and is no longer: the apply removes it; `a` now belongs to drover alone.
        #expect(forced.body["data"] == ["a": "3"])
        let managers = (forced.body.at("metadata.managedFields")?.array ?? []).compactMap { $0["manager"]?.string }
        #expect(managers == ["drover"])
    }

    @Test func listsFilterByLabelAndFieldSelectors() async throws {
        for (name, tier) in [("a", "web"), ("b", "db"), ("c", "web")] {
            _ = await send("POST", "/api/v1/namespaces/default/configmaps",
                           ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "labels": ["tier": .string(tier)]]])
        }
        func names(_ query: [String: String]) async -> [String] {
            (await send("GET", "/api/v1/namespaces/default/configmaps", query: query).body["items"]?.array ?? []).map(\.metadataName)
        }
        #expect(await names(["labelSelector": "tier=web"]) == ["a", "c"])
        #expect(await names(["labelSelector": "tier in (db,cache)"]) == ["b"])
        #expect(await names(["labelSelector": "tier!=web"]) == ["b"])
        #expect(await names(["labelSelector": "!tier"]) == [])
        #expect(await names(["fieldSelector": "metadata.name=b"]) == ["b"])
        #expect(await names(["fieldSelector": "metadata.name!=b", "labelSelector": "tier"]) == ["a", "c"])
    }

    @Test func watchStreamsEventsForTheSelectedObjectOnly() async throws {
        let node = KubeNodeFixture.linux("lin-1", ready: false).object
        #expect(await send("POST", "/api/v1/nodes", node).status == 201)
        #expect(await send("POST", "/api/v1/nodes", KubeNodeFixture.linux("lin-2").object).status == 201)
        let list = await send("GET", "/api/v1/nodes", query: ["fieldSelector": "metadata.name=lin-1"])
        let version = try #require(list.body.at("metadata.resourceVersion")?.string)
        let response = await cluster.handle(SimRequest(method: "GET", path: "/api/v1/nodes", query: [
            "watch": "true", "fieldSelector": "metadata.name=lin-1", "resourceVersion": version, "timeoutSeconds": "300",
            "allowWatchBookmarks": "true"]))
        let stream = try #require(response.stream)
        #expect(response.header("Content-Type") == "application/json")
        _ = await send("PATCH", "/api/v1/nodes/lin-2", ["metadata": ["labels": ["x": "y"]]], contentType: "application/merge-patch+json")
        _ = await send("PATCH", "/api/v1/nodes/lin-1/status", ["status": ["conditions": [["type": "Ready", "status": "True"]]]],
                       contentType: "application/strategic-merge-patch+json")
        await cluster.tick()
        clock.advance(by: 301)
        await cluster.tick()
        var events: [JSONValue] = []
        for await chunk in stream {
            for line in String(decoding: chunk, as: UTF8.self).split(separator: "\n") { events.append(try JSONValue.parse(Data(line.utf8))) }
        }
        #expect(events.map { $0["type"]?.string ?? "" } == ["MODIFIED", "BOOKMARK"])
        #expect(events.first?.at("object.metadata.name") == "lin-1")
        #expect(events.first.map { KubernetesCluster.isReady($0["object"]!) } == true)
    }

    @Test func watchFromZeroStartsWithTheExistingObjects() async throws {
        _ = await send("POST", "/api/v1/namespaces/default/configmaps", Self.configMap)
        let response = await cluster.handle(SimRequest(method: "GET", path: "/api/v1/namespaces/default/configmaps",
                                                       query: ["watch": "1", "resourceVersion": "0", "timeoutSeconds": "5"]))
        _ = await send("DELETE", "/api/v1/namespaces/default/configmaps/settings")
        clock.advance(by: 6)
        await cluster.tick()
        var types: [String] = []
        for await chunk in try #require(response.stream) {
            for line in String(decoding: chunk, as: UTF8.self).split(separator: "\n") { types.append(try JSONValue.parse(Data(line.utf8))["type"]?.string ?? "") }
        }
        #expect(types == ["ADDED", "DELETED"])
    }

    @Test func watchFromAVersionOlderThanTheHistoryIsExpired() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drover-kube-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try KubernetesCluster(id: "c", clock: clock, directory: directory)
        var versions: [String] = []
        for name in ["a", "b"] {
            var map = Self.configMap
            map.set("metadata.name", .string(name))
            let created = await first.handle(SimRequest(method: "POST", path: "/api/v1/namespaces/default/configmaps", body: map.encoded()))
            versions.append(try JSONValue.parse(created.body).at("metadata.resourceVersion")?.string ?? "")
        }
        // A restarted server keeps its objects but not its event history.
        let restarted = try KubernetesCluster(id: "c", clock: clock, directory: directory)
        let response = await restarted.handle(SimRequest(method: "GET", path: "/api/v1/namespaces/default/configmaps",
                                                         query: ["watch": "true", "resourceVersion": versions[0]]))
        var events: [JSONValue] = []
        for await chunk in try #require(response.stream) { events.append(try JSONValue.parse(chunk)) }
        #expect(events.count == 1)
        #expect(events.first?["type"] == "ERROR")
        #expect(events.first?.at("object.code") == 410 && events.first?.at("object.reason") == "Expired")
        let current = await restarted.handle(SimRequest(method: "GET", path: "/api/v1/namespaces/default/configmaps",
                                                        query: ["watch": "true", "resourceVersion": versions[1], "timeoutSeconds": "1"]))
        clock.advance(by: 2)
        await restarted.tick()
        var none = 0
        for await _ in try #require(current.stream) { none += 1 }
        #expect(none == 0, "a watch from the current version waits for changes")
    }

    @Test func tablesHaveEveryColumnAndRowMetadata() async throws {
        _ = await send("POST", "/api/v1/nodes", KubeNodeFixture.windows("win-1", build: "10.0.20348", ip: "10.0.0.9").object)
        let table = await send("GET", "/api/v1/nodes", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        #expect(table.body["kind"] == "Table" && table.body["apiVersion"] == "meta.k8s.io/v1")
        let columns = (table.body["columnDefinitions"]?.array ?? []).map { "\($0["name"]?.string ?? ""):\($0["priority"]?.int ?? -1)" }
        #expect(columns == ["Name:0", "Status:0", "Roles:0", "Age:0", "Version:0", "Internal-IP:1", "External-IP:1", "OS-Image:1",
                            "Kernel-Version:1", "Container-Runtime:1"])
        #expect(table.body.at("rows")?.array?.first?.at("object.metadata.labels")?["kubernetes.io/os"] == "windows")
    }

    @Test func discoveryAnswersLegacyAndAggregatedForms() async throws {
        let legacy = await send("GET", "/apis")
        #expect((legacy.body["groups"]?.array ?? []).compactMap { $0["name"]?.string } == ["apps", "batch", "coordination.k8s.io"])
        let response = await cluster.handle(SimRequest(method: "GET", path: "/apis", headers: [
            "accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"]))
        #expect(response.header("Content-Type") == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        let aggregated = try JSONValue.parse(response.body)
        let apps = try #require(aggregated["items"]?.array?.first { $0.at("metadata.name") == "apps" })
        let deployments = try #require(apps["versions"]?.array?.first?["resources"]?.array?.first { $0["resource"] == "deployments" })
        #expect(deployments["responseKind"] == ["group": "apps", "version": "v1", "kind": "Deployment"])
        #expect(deployments["shortNames"] == ["deploy"])
        let openapi = await send("GET", "/openapi/v3")
        let url = try #require(openapi.body.at("paths")?["apis/apps/v1"]?["serverRelativeURL"]?.string)
        let document = await send("GET", String(url.split(separator: "?")[0]))
        let patch = try #require(document.body["paths"]?["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]?["patch"])
        #expect(patch["parameters"]?.array?.contains { $0["name"] == "fieldValidation" && $0["in"] == "query" } == true)
    }

    @Test func deletionCascadesUnlessOrphaned() async throws {
        _ = await send("POST", "/api/v1/nodes", KubeNodeFixture.linux("lin-1").object)
        let deployment: JSONValue = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
                                     "spec": ["replicas": 2, "selector": ["matchLabels": ["app": "web"]],
                                              "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "web", "image": "nginx"]]]]]]
        _ = await send("POST", "/apis/apps/v1/namespaces/default/deployments", deployment)
        #expect(await send("GET", "/api/v1/namespaces/default/pods").body["items"]?.array?.count == 2)
        let orphaned = await send("DELETE", "/apis/apps/v1/namespaces/default/deployments/web", ["propagationPolicy": "Orphan"])
        #expect(orphaned.status == 200 && orphaned.body.metadataName == "web")
        let sets = await send("GET", "/apis/apps/v1/namespaces/default/replicasets").body["items"]?.array ?? []
        #expect(sets.count == 1 && sets.first?.at("metadata.ownerReferences") == nil)
        _ = await send("DELETE", "/apis/apps/v1/namespaces/default/replicasets/\(sets[0].metadataName)")
        #expect(await send("GET", "/api/v1/namespaces/default/pods").body["items"]?.array?.count == 0)
    }

    @Test func nodeSummariesReportOSRolesAndReadiness() async throws {
        _ = await send("POST", "/api/v1/nodes", KubeNodeFixture.linux("cp-1").object)
        _ = await send("POST", "/api/v1/nodes", KubeNodeFixture.windows("win-1", build: "10.0.17763", ip: "10.0.0.7", ready: false).object)
        #expect(await cluster.nodeSummaries() == [
            DownstreamNodeSummary(name: "cp-1", os: "linux", roles: ["controlplane", "etcd", "worker"], ready: true),
            DownstreamNodeSummary(name: "win-1", os: "windows", roles: ["worker"], ready: false),
        ])
        await cluster.tearDown()
        #expect(await cluster.nodeSummaries().isEmpty)
    }

    @Test func objectsPersistToAPrivateFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("drover-kube-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try KubernetesCluster(id: "c", clock: clock, directory: directory)
        let secret: JSONValue = ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": "token"], "stringData": ["token": "s3cret"]]
        let created = await first.handle(SimRequest(method: "POST", path: "/api/v1/namespaces/default/secrets", body: secret.encoded()))
        #expect(created.status == 201)
        let file = directory.appendingPathComponent("objects.json")
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let second = try KubernetesCluster(id: "c", clock: clock, directory: directory)
        let stored = await second.object("secrets", namespace: "default", name: "token")
        #expect(stored?["data"] == ["token": .string(Data("s3cret".utf8).base64EncodedString())])
        #expect(stored?["stringData"] == nil)
    }
}

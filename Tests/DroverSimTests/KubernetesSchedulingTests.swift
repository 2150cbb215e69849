@testable import DroverSim
import Foundation
import Testing

/// The scheduler's filters and messages, the kubelet's image/OS outcomes (peers.md P3) and the workload
/// controllers, on the simulator clock.
@Suite("Kubernetes simulator scheduling and controllers")
struct KubernetesSchedulingTests {
    struct ImageCase: CustomTestStringConvertible, Sendable {
        let image: String
        let os: String
        let build: String?
        var testDescription: String { image }
    }

    static let images: [ImageCase] = [
        ImageCase(image: "mcr.microsoft.com/windows/servercore:ltsc2022", os: "windows", build: "10.0.20348"),
        ImageCase(image: "mcr.microsoft.com/windows/servercore:ltsc2019", os: "windows", build: "10.0.17763"),
        ImageCase(image: "mcr.microsoft.com/windows/nanoserver:1809", os: "windows", build: "10.0.17763"),
        ImageCase(image: "mcr.microsoft.com/windows/server:ltsc2025", os: "windows", build: "10.0.26100"),
        ImageCase(image: "mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019", os: "windows", build: "10.0.17763"),
        ImageCase(image: "mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022", os: "windows", build: "10.0.20348"),
        ImageCase(image: "mcr.microsoft.com/windows/servercore@sha256:0123abcd", os: "windows", build: nil),
        ImageCase(image: "nginx:1.27", os: "linux", build: nil),
        ImageCase(image: "registry.local:5000/team/app:ltsc2022-fake", os: "linux", build: nil),
        ImageCase(image: "mcr.microsoft.com/dotnet/aspnet:8.0", os: "linux", build: nil),
    ]

    @Test(arguments: images)
    func recognisesWindowsBaseImages(_ item: ImageCase) {
        let platform = ContainerImagePlatform(image: item.image)
        #expect(platform.os == item.os)
        #expect(platform.windowsBuild == item.build)
    }

    @Test func imageFailuresNameTheCause() {
        let windows = ContainerImagePlatform(image: "mcr.microsoft.com/windows/servercore:ltsc2022")
        #expect(windows.failure(image: "x", nodeOS: "linux", nodeBuild: nil)?.reason == "ErrImagePull")
        #expect(windows.failure(image: "x", nodeOS: "windows", nodeBuild: "10.0.17763")?.reason == "CreateContainerError")
        #expect(windows.failure(image: "x", nodeOS: "windows", nodeBuild: "10.0.20348") == nil)
        let linux = ContainerImagePlatform(image: "nginx")
        #expect(linux.failure(image: "nginx", nodeOS: "windows", nodeBuild: "10.0.17763")?.message
                == "failed to pull and unpack image \"nginx\": no matching manifest for windows/amd64 10.0.17763 in the manifest list entries")
    }

    static func node(_ fixture: KubeNodeFixture) -> JSONValue { fixture.object }

    @Test func schedulerMessagesCountEveryRejectedNode() {
        let nodes = [
            KubeNodeFixture.linux("lin-1", taints: [["key": "cattle.io/os", "value": "linux", "effect": "NoSchedule"]]).object,
            KubeNodeFixture.windows("win-1", build: "10.0.17763", ip: "10.0.0.7").object,
            KubeNodeFixture.windows("win-2", build: "10.0.20348", ip: "10.0.0.8").object,
        ]
        var unschedulable = KubeNodeFixture.linux("lin-2").object
        unschedulable.set("spec.unschedulable", true)
        let linuxPod: JSONValue = ["spec": ["nodeSelector": ["kubernetes.io/os": "linux"]]]
        #expect(KubeScheduler.schedule(linuxPod, nodes: nodes + [unschedulable], podCounts: [:]) == .unschedulable(
            "0/4 nodes are available: 1 node(s) had untolerated taint {cattle.io/os: linux}, 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector."))
        var tolerating = linuxPod
        tolerating.set("spec.tolerations", [["key": "cattle.io/os", "operator": "Exists"]])
        #expect(KubeScheduler.schedule(tolerating, nodes: nodes, podCounts: [:]) == .bind("lin-1"))
        let affinity: JSONValue = ["spec": ["affinity": ["nodeAffinity": ["requiredDuringSchedulingIgnoredDuringExecution": ["nodeSelectorTerms": [
            ["matchExpressions": [["key": "kubernetes.io/os", "operator": "In", "values": ["windows"]],
                                  ["key": "node.kubernetes.io/windows-build", "operator": "In", "values": ["10.0.20348"]]]]]]]]]]
        #expect(KubeScheduler.schedule(affinity, nodes: nodes, podCounts: [:]) == .bind("win-2"))
        let anyWindows: JSONValue = ["spec": ["nodeSelector": ["kubernetes.io/os": "windows"]]]
        #expect(KubeScheduler.schedule(anyWindows, nodes: nodes, podCounts: ["win-1": 3, "win-2": 1]) == .bind("win-2"), "fewest pods wins")
    }

    func harness() throws -> (KubernetesCluster, ManualClock) {
        let clock = ManualClock()
        return (try KubernetesCluster(id: "c", clock: clock), clock)
    }

    func send(_ cluster: KubernetesCluster, _ method: String, _ path: String, _ body: JSONValue? = nil) async -> (status: Int, body: JSONValue) {
        let response = await cluster.handle(SimRequest(method: method, path: path, headers: ["content-type": "application/json"], body: body?.encoded() ?? Data()))
        return (response.status, (try? JSONValue.parse(response.body)) ?? .null)
    }

    static func template(_ labels: JSONValue, image: String = "nginx", restart: String? = nil, selector: JSONValue? = nil) -> JSONValue {
        var spec: JSONValue = ["containers": [["name": "main", "image": .string(image)]]]
        if let restart { spec["restartPolicy"] = .string(restart) }
        if let selector { spec["nodeSelector"] = selector }
        return ["metadata": ["labels": labels], "spec": spec]
    }

    func pods(_ cluster: KubernetesCluster) async -> [JSONValue] {
        await send(cluster, "GET", "/api/v1/namespaces/default/pods").body["items"]?.array ?? []
    }

    @Test func daemonSetRunsOnePodPerFittingNode() async throws {
        let (cluster, _) = try harness()
        _ = await send(cluster, "POST", "/api/v1/nodes", KubeNodeFixture.linux("lin-1").object)
        _ = await send(cluster, "POST", "/api/v1/nodes", KubeNodeFixture.windows("win-1", build: "10.0.17763", ip: "10.0.0.7").object)
        let set: JSONValue = ["apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": ["name": "agent"],
                              "spec": ["selector": ["matchLabels": ["app": "agent"]],
                                       "template": Self.template(["app": "agent"], selector: ["kubernetes.io/os": "linux"])]]
        #expect(await send(cluster, "POST", "/apis/apps/v1/namespaces/default/daemonsets", set).status == 201)
        #expect(await pods(cluster).compactMap { $0.at("spec.nodeName")?.string } == ["lin-1"])
        _ = await send(cluster, "POST", "/api/v1/nodes", KubeNodeFixture.linux("lin-2", roles: ["worker"], ip: "10.0.0.5").object)
        #expect(await pods(cluster).compactMap { $0.at("spec.nodeName")?.string }.sorted() == ["lin-1", "lin-2"])
        let stored = await send(cluster, "GET", "/apis/apps/v1/namespaces/default/daemonsets/agent").body
        #expect(stored.at("status.desiredNumberScheduled") == 2 && stored.at("status.numberReady") == 2)
    }

    @Test func statefulSetCreatesOrdinalPodsInOrder() async throws {
        let (cluster, _) = try harness()
        let set: JSONValue = ["apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": ["name": "db"],
                              "spec": ["replicas": 3, "selector": ["matchLabels": ["app": "db"]], "template": Self.template(["app": "db"])]]
        _ = await send(cluster, "POST", "/apis/apps/v1/namespaces/default/statefulsets", set)
        #expect(await pods(cluster).map(\.metadataName) == ["db-0"], "db-1 waits until db-0 is Ready, and no node exists")
        _ = await send(cluster, "POST", "/api/v1/nodes", KubeNodeFixture.linux("lin-1").object)
        #expect(await pods(cluster).map(\.metadataName) == ["db-0", "db-1", "db-2"])
        #expect(await send(cluster, "GET", "/apis/apps/v1/namespaces/default/statefulsets/db").body.at("status.readyReplicas") == 3)
    }

    @Test func jobCompletesOnTheClockAndCronJobFiresOnSchedule() async throws {
        let (cluster, clock) = try harness()
        _ = await send(cluster, "POST", "/api/v1/nodes", KubeNodeFixture.linux("lin-1").object)
        let cron: JSONValue = ["apiVersion": "batch/v1", "kind": "CronJob", "metadata": ["name": "report"],
                               "spec": ["schedule": "*/5 * * * *", "jobTemplate": ["spec": ["template": Self.template(["app": "report"], restart: "Never")]]]]
        #expect(await send(cluster, "POST", "/apis/batch/v1/namespaces/default/cronjobs", cron).status == 201)
        // ManualClock starts at 2027-01-15 08:00:00 UTC, a firing minute already past at creation: the next is 08:05.
        clock.advance(by: 299)
        await cluster.tick()
        #expect((await send(cluster, "GET", "/apis/batch/v1/namespaces/default/jobs").body["items"]?.array ?? []).isEmpty)
        clock.advance(by: 2)
        await cluster.tick()
        let jobs = await send(cluster, "GET", "/apis/batch/v1/namespaces/default/jobs").body["items"]?.array ?? []
        #expect(jobs.map(\.metadataName) == ["report-30000005"])
        #expect(await pods(cluster).first.map(KubeTables.podStatus) == "Running")
        clock.advance(by: 5)
        await cluster.tick()
        #expect(await pods(cluster).first.map(KubeTables.podStatus) == "Completed")
        let job = await send(cluster, "GET", "/apis/batch/v1/namespaces/default/jobs/report-30000005").body
        #expect(job.at("status.succeeded") == 1)
        #expect(job.at("status.conditions")?.array?.first?["type"] == "Complete")

        let invalid: JSONValue = ["apiVersion": "batch/v1", "kind": "CronJob", "metadata": ["name": "bad"],
                                  "spec": ["schedule": "every day", "jobTemplate": ["spec": ["template": Self.template(["a": "b"], restart: "Never")]]]]
        #expect(await send(cluster, "POST", "/apis/batch/v1/namespaces/default/cronjobs", invalid).status == 422)
    }

    @Test func podWithAnotherOSInSpecIsRejectedByTheKubelet() async throws {
        let (cluster, _) = try harness()
        _ = await send(cluster, "POST", "/api/v1/nodes", KubeNodeFixture.linux("lin-1").object)
        let pod: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "wrong-os"],
                              "spec": ["os": ["name": "windows"], "containers": [["name": "main", "image": "nginx"]]]]
        _ = await send(cluster, "POST", "/api/v1/namespaces/default/pods", pod)
        let stored = await send(cluster, "GET", "/api/v1/namespaces/default/pods/wrong-os").body
        #expect(stored.at("status.phase") == "Failed" && stored.at("status.reason") == "PodOSNotSupported")
    }

    @Test func cronSchedulesParseTheFiveFields() throws {
        let schedule = try #require(KubeCronSchedule("30 2 * * 1-5"))
        #expect(!schedule.fires(at: Date(timeIntervalSince1970: 1_800_000_000))) // 2027-01-15 08:00 UTC (a Friday)
        #expect(schedule.fires(at: Date(timeIntervalSince1970: 1_799_980_200))) // 2027-01-15 02:30 UTC
        #expect(!schedule.fires(at: Date(timeIntervalSince1970: 1_800_066_600))) // 2027-01-16 02:30 UTC (a Saturday)
        #expect(KubeCronSchedule("@daily")?.fires(at: Date(timeIntervalSince1970: 1_799_971_200)) == true) // 2027-01-15 00:00 UTC
        #expect(KubeCronSchedule("61 * * * *") == nil)
        #expect(KubeCronSchedule("* * *") == nil)
    }
}

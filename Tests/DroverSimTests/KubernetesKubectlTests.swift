import DroverSim
import Foundation
import Testing

/// The real kubectl against the standalone Kubernetes simulator, one simulator per test (issue 9's verb list).
/// Run with `DROVER_KUBECTL=/path/to/kubectl` to try another version (CI: Debian bookworm's 1.20; here also 1.32).
@Suite("Kubernetes simulator with the real kubectl")
struct KubernetesKubectlTests {
    /// Collapses runs of spaces so table rows compare independently of column widths.
    static func rows(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: default
        spec:
          replicas: REPLICAS
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              nodeSelector: {kubernetes.io/os: linux}
              containers:
              - name: web
                image: nginx:1.27
        """

    @Test func getNodesWideShowsEveryColumnOfBothOperatingSystems() async throws {
        try await KubeHarness.with { sim in
            try await sim.register(.linux("cp-1"))
            try await sim.register(.windows("win-2019", build: "10.0.17763", ip: "10.0.0.7"))
            try await sim.register(.windows("win-2022", build: "10.0.20348", ip: "10.0.0.8", ready: false))
            let output = try await sim.kubectl(["get", "nodes", "-o", "wide"])
            try #require(output.status == 0, "\(output)")
            let lines = Self.rows(output.stdout)
            #expect(lines == [
                "NAME STATUS ROLES AGE VERSION INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME",
                "cp-1 Ready control-plane,etcd,master,worker 0s v1.31.9+rke2r1 10.0.0.4 <none> Ubuntu 22.04.4 LTS 5.15.0-105-generic containerd://1.7.27-k3s1",
                "win-2019 Ready worker 0s v1.31.9 10.0.0.7 <none> Windows Server 2019 Datacenter 10.0.17763.6054 containerd://1.7.27",
                "win-2022 NotReady worker 0s v1.31.9 10.0.0.8 <none> Windows Server 2022 Datacenter 10.0.20348.2582 containerd://1.7.27",
            ])
            sim.clock.advance(by: 3 * 3600 + 600)
            let later = try await sim.kubectl(["get", "nodes", "win-2019"])
            #expect(Self.rows(later.stdout).last == "win-2019 Ready worker 3h10m v1.31.9")
        }
    }

    @Test func describeNodeShowsLabelsTaintsConditionsAndSystemInfo() async throws {
        try await KubeHarness.with { sim in
            try await sim.register(.linux("lin-1", roles: ["worker"], taints: [["key": "cattle.io/os", "value": "linux", "effect": "NoSchedule"]]))
            try await sim.register(.windows("win-2019", build: "10.0.17763", ip: "10.0.0.7"))
            let linux = try await sim.kubectl(["describe", "node", "lin-1"])
            try #require(linux.status == 0, "\(linux)")
            #expect(Self.rows(linux.stdout).contains("Taints: cattle.io/os=linux:NoSchedule"))
            let output = try await sim.kubectl(["describe", "node", "win-2019"])
            try #require(output.status == 0, "\(output)")
            let lines = Self.rows(output.stdout)
            for expected in ["Name: win-2019", "Roles: worker", "kubernetes.io/os=windows", "node.kubernetes.io/windows-build=10.0.17763",
                             "Taints: <none>", "Kernel Version: 10.0.17763.6054", "OS Image: Windows Server 2019 Datacenter",
                             "Operating System: windows", "Kubelet Version: v1.31.9", "Container Runtime Version: containerd://1.7.27"] {
                #expect(lines.contains { $0.contains(expected) }, "missing \(expected) in\n\(output.stdout)")
            }
            #expect(lines.contains { $0.hasPrefix("Ready True") && $0.contains("KubeletReady kubelet is posting ready status") })
        }
    }

    @Test func labelAndTaintChangeTheStoredNode() async throws {
        try await KubeHarness.with { sim in
            try await sim.register(.linux("lin-1", roles: ["worker"]))
            let label = try await sim.kubectl(["label", "node", "lin-1", "drover.io/pool=linux"])
            #expect(label.status == 0 && label.stdout.contains("node/lin-1 labeled"), "\(label)")
            let again = try await sim.kubectl(["label", "node", "lin-1", "drover.io/pool=other"])
            #expect(again.status != 0 && again.stderr.contains("already has a value (linux)"), "kubectl refuses to overwrite without --overwrite: \(again)")
            let overwrite = try await sim.kubectl(["label", "node", "lin-1", "drover.io/pool=other", "--overwrite"])
            #expect(overwrite.status == 0, "\(overwrite)")
            let labelled = try #require(await sim.cluster.object("nodes", name: "lin-1"))
            #expect(labelled.at("metadata.labels")?["drover.io/pool"] == "other")
            let managers = (labelled.at("metadata.managedFields")?.array ?? []).compactMap { $0["manager"]?.string }
            #expect(managers.contains("kubectl-label"))

            let taint = try await sim.kubectl(["taint", "node", "lin-1", "cattle.io/os=linux:NoSchedule"])
            #expect(taint.status == 0 && taint.stdout.contains("node/lin-1 tainted"), "\(taint)")
            let second = try await sim.kubectl(["taint", "node", "lin-1", "dedicated=infra:NoExecute"])
            #expect(second.status == 0, "\(second)")
            let tainted = try #require(await sim.cluster.object("nodes", name: "lin-1"))
            // `spec.taints` is atomic: kubectl sends the whole new list (kube-and-rancher-wire.md §A.4), in its own order.
            #expect(Set((tainted.at("spec.taints")?.array ?? []).map { String(decoding: $0.encoded(), as: UTF8.self) }) == [
                #"{"effect":"NoSchedule","key":"cattle.io/os","value":"linux"}"#, #"{"effect":"NoExecute","key":"dedicated","value":"infra"}"#])
            let untaint = try await sim.kubectl(["taint", "node", "lin-1", "cattle.io/os-"])
            #expect(untaint.status == 0 && untaint.stdout.contains("untainted"), "\(untaint)")
            let after = try #require(await sim.cluster.object("nodes", name: "lin-1"))
            #expect(after.at("spec.taints") == [["key": "dedicated", "value": "infra", "effect": "NoExecute"]])
        }
    }

    @Test func clientSideApplyCreatesConfiguresAndLeavesUnchanged() async throws {
        try await KubeHarness.with { sim in
            try await sim.register(.linux("lin-1", roles: ["worker"]))
            let file = try sim.file("web.yaml", Self.deployment.replacingOccurrences(of: "REPLICAS", with: "2"))
            let created = try await sim.kubectl(["apply", "-f", file])
            #expect(created.status == 0 && created.stdout.contains("deployment.apps/web created"), "\(created)")
            let deploy = try await sim.kubectl(["get", "deploy", "web"])
            #expect(Self.rows(deploy.stdout) == ["NAME READY UP-TO-DATE AVAILABLE AGE", "web 2/2 2 2 0s"], "\(deploy)")
            let pods = try await sim.kubectl(["get", "pods", "-l", "app=web", "-o", "wide"])
            let podRows = Self.rows(pods.stdout).dropFirst()
            #expect(podRows.count == 2)
            #expect(podRows.allSatisfy { $0.contains(" 1/1 Running 0 0s 10.42.4.") && $0.contains(" lin-1 ") }, "\(pods)")

            let scaled = try sim.file("web.yaml", Self.deployment.replacingOccurrences(of: "REPLICAS", with: "3"))
            let configured = try await sim.kubectl(["apply", "-f", scaled])
            #expect(configured.status == 0 && configured.stdout.contains("deployment.apps/web configured"), "\(configured)")
            let unchanged = try await sim.kubectl(["apply", "-f", scaled])
            #expect(unchanged.status == 0 && unchanged.stdout.contains("deployment.apps/web unchanged"), "\(unchanged)")
            let stored = try #require(await sim.cluster.object("deployments.apps", namespace: "default", name: "web"))
            #expect(stored.at("spec.replicas") == 3)
            #expect(stored.at("metadata.generation") == 2)
            #expect(stored.at("metadata.annotations")?["kubectl.kubernetes.io/last-applied-configuration"] != nil)
            let count = try await sim.kubectl(["get", "pods", "-l", "app=web", "--no-headers"])
            #expect(Self.rows(count.stdout).count == 3)
        }
    }

    @Test func serverSideApplyCreatesUpdatesAndReportsConflicts() async throws {
        try await KubeHarness.with { sim in
            try await sim.register(.linux("lin-1", roles: ["worker"]))
            let file = try sim.file("web.yaml", Self.deployment.replacingOccurrences(of: "REPLICAS", with: "1"))
            let created = try await sim.kubectl(["apply", "--server-side", "-f", file])
            #expect(created.status == 0 && created.stdout.contains("deployment.apps/web serverside-applied"), "\(created)")
            let stored = try #require(await sim.cluster.object("deployments.apps", namespace: "default", name: "web"))
            let entry = try #require(stored.at("metadata.managedFields")?.array?.first)
            #expect(entry["manager"] == "kubectl" && entry["operation"] == "Apply")
            #expect(entry.at("fieldsV1")?["f:spec"]?["f:replicas"] == [:])

            // Another manager takes spec.replicas, then kubectl's apply of a different value conflicts.
            let scale = try await sim.kubectl(["patch", "deployment", "web", "--type=merge", "-p", #"{"spec":{"replicas":4}}"#])
            #expect(scale.status == 0, "\(scale)")
            let owners = try #require(await sim.cluster.object("deployments.apps", namespace: "default", name: "web"))
            #expect(owners.at("metadata.managedFields")?.array?.contains { $0["manager"] == "kubectl-patch" && $0.at("fieldsV1")?["f:spec"]?["f:replicas"] == [:] } == true)
            let changed = try sim.file("web.yaml", Self.deployment.replacingOccurrences(of: "REPLICAS", with: "2"))
            let conflict = try await sim.kubectl(["apply", "--server-side", "-f", changed])
            #expect(conflict.status != 0)
            #expect(conflict.stderr.contains("conflict with \"kubectl-patch\""), "\(conflict)")
            #expect(conflict.stderr.contains(".spec.replicas"), "\(conflict)")
            let forced = try await sim.kubectl(["apply", "--server-side", "--force-conflicts", "-f", changed])
            #expect(forced.status == 0, "\(forced)")
            let after = try #require(await sim.cluster.object("deployments.apps", namespace: "default", name: "web"))
            #expect(after.at("spec.replicas") == 2)
        }
    }

    @Test func deleteWithFileRemovesTheObjectAndItsPods() async throws {
        try await KubeHarness.with { sim in
            try await sim.register(.linux("lin-1", roles: ["worker"]))
            let file = try sim.file("web.yaml", Self.deployment.replacingOccurrences(of: "REPLICAS", with: "2"))
            _ = try await sim.kubectl(["apply", "-f", file])
            let before = try await sim.kubectl(["get", "pods", "--no-headers"])
            #expect(Self.rows(before.stdout).count == 2)
            let deleted = try await sim.kubectl(["delete", "-f", file])
            #expect(deleted.status == 0 && deleted.stdout.contains("deployment.apps \"web\" deleted"), "\(deleted)")
            let after = try await sim.kubectl(["get", "deploy,rs,pods"])
            #expect(after.status == 0)
            #expect((after.stdout + after.stderr).contains("No resources found"), "\(after)")
            let missing = try await sim.kubectl(["delete", "-f", file])
            #expect(missing.status != 0 && missing.stderr.contains("Error from server (NotFound)"), "\(missing)")
        }
    }

    @Test func waitReturnsWhenTheKubeletReportsReadyOnTheClock() async throws {
        try await KubeHarness.with { sim in
            try await sim.register(.windows("win-2019", build: "10.0.17763", ip: "10.0.0.7", ready: false))
            var drove = false
            let output = try await sim.kubectl(["wait", "--for=condition=Ready", "node/win-2019", "--timeout=60s"], whileWatching: "nodes") {
                sim.clock.advance(by: 95)
                await sim.cluster.tick()
                try await sim.setReady("win-2019", true)
                drove = true
            }
            #expect(drove, "kubectl never opened its watch: \(output)")
            #expect(output.status == 0 && output.stdout.contains("node/win-2019 condition met"), "\(output)")
        }
    }

    @Test func getWatchPrintsTableRowsAsTheNodeChanges() async throws {
        try await KubeHarness.with { sim in
            try await sim.register(.linux("cp-1"))
            try await sim.register(.windows("win-2019", build: "10.0.17763", ip: "10.0.0.7", ready: false))
            let output = try await sim.kubectl(["get", "nodes", "-w"], whileWatching: "nodes") {
                try await sim.setReady("win-2019", true)
                await sim.cluster.closeWatches() // the server ends the watch; kubectl then exits
            }
            #expect(Self.rows(output.stdout) == [
                "NAME STATUS ROLES AGE VERSION",
                "cp-1 Ready control-plane,etcd,master,worker 0s v1.31.9+rke2r1",
                "win-2019 NotReady worker 0s v1.31.9",
                "win-2019 Ready worker 0s v1.31.9",
            ], "\(output)")
        }
    }

    @Test func waitIgnoresOtherNodesThatAreReady() async throws {
        try await KubeHarness.with { sim in
            try await sim.register(.linux("cp-1"))
            try await sim.register(.windows("win-2019", build: "10.0.17763", ip: "10.0.0.7", ready: false))
            let output = try await sim.kubectl(["wait", "--for=condition=Ready", "node/win-2019", "--timeout=1s"])
            #expect(output.status != 0, "a Ready cp-1 must not satisfy the wait for win-2019: \(output)")
            #expect(output.stderr.contains("timed out waiting for the condition"), "\(output)")
        }
    }

    /// A hybrid cluster as RKE1's Windows-preferred mode leaves it (rancher-api.md §5): a Linux node tainted
    /// `cattle.io/os=linux:NoSchedule`, Windows Server 2019 and 2022 workers.
    static func hybrid(_ sim: KubeHarness) async throws {
        try await sim.register(.linux("lin-1", taints: [["key": "cattle.io/os", "value": "linux", "effect": "NoSchedule"]]))
        try await sim.register(.windows("win-2019", build: "10.0.17763", ip: "10.0.0.7"))
        try await sim.register(.windows("win-2022", build: "10.0.20348", ip: "10.0.0.8"))
    }

    static func pod(_ name: String, image: String, selector: [String: String], tolerateLinuxTaint: Bool = false) -> String {
        let selectorText = selector.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", ")
        let toleration = tolerateLinuxTaint ? "\n  tolerations: [{key: cattle.io/os, operator: Equal, value: linux, effect: NoSchedule}]" : ""
        return """
            apiVersion: v1
            kind: Pod
            metadata: {name: \(name)}
            spec:
              nodeSelector: {\(selectorText)}\(toleration)
              containers: [{name: main, image: "\(image)"}]

            """
    }

    @Test func getPodsShowsTheSchedulerAndKubeletOutcomes() async throws {
        try await KubeHarness.with { sim in
            try await Self.hybrid(sim)
            let manifest = [
                Self.pod("win-match", image: "mcr.microsoft.com/windows/servercore:ltsc2022",
                         selector: ["kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.20348"]),
                Self.pod("win-mismatch", image: "mcr.microsoft.com/windows/servercore:ltsc2022",
                         selector: ["kubernetes.io/os": "windows", "node.kubernetes.io/windows-build": "10.0.17763"]),
                Self.pod("win-on-linux", image: "mcr.microsoft.com/windows/nanoserver:ltsc2022",
                         selector: ["kubernetes.io/os": "linux"], tolerateLinuxTaint: true),
                Self.pod("linux-untolerated", image: "nginx:1.27", selector: ["kubernetes.io/os": "linux"]),
            ].joined(separator: "---\n")
            let applied = try await sim.kubectl(["apply", "-f", try sim.file("pods.yaml", manifest)])
            try #require(applied.status == 0, "\(applied)")
            let output = try await sim.kubectl(["get", "pods", "-o", "wide"])
            let rows = Self.rows(output.stdout)
            #expect(rows.contains { $0.hasPrefix("linux-untolerated 0/1 Pending 0 0s <none> <none>") }, "\(output)")
            #expect(rows.contains { $0.hasPrefix("win-match 1/1 Running 0 0s 10.42.8.") && $0.contains(" win-2022 ") }, "\(output)")
            #expect(rows.contains { $0.hasPrefix("win-mismatch 0/1 CreateContainerError 0 0s") && $0.contains(" win-2019 ") }, "\(output)")
            #expect(rows.contains { $0.hasPrefix("win-on-linux 0/1 ErrImagePull 0 0s") && $0.contains(" lin-1 ") }, "\(output)")

            let events = try await sim.kubectl(["get", "events", "--field-selector", "reason=FailedScheduling", "-o", "jsonpath={.items[*].message}"])
            #expect(events.stdout == "0/3 nodes are available: 1 node(s) had untolerated taint {cattle.io/os: linux}, 2 node(s) didn't match Pod's node affinity/selector.", "\(events)")
            let pulled = try await sim.kubectl(["get", "pod", "win-on-linux", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.message}"])
            #expect(pulled.stdout.contains("no matching manifest for linux/amd64 in the manifest list entries"), "\(pulled)")
            let created = try await sim.kubectl(["get", "pod", "win-mismatch", "-o", "jsonpath={.status.containerStatuses[0].state.waiting.message}"])
            #expect(created.stdout.contains("The container operating system does not match the host operating system"), "\(created)")

            sim.clock.advance(by: 30)
            await sim.cluster.tick()
            let later = try await sim.kubectl(["get", "pod", "win-on-linux", "--no-headers"])
            #expect(Self.rows(later.stdout).first?.hasPrefix("win-on-linux 0/1 ImagePullBackOff 0 30s") == true, "\(later)")
        }
    }

    @Test func pendingPodIsScheduledOnceAMatchingNodeIsReady() async throws {
        try await KubeHarness.with { sim in
            try await sim.register(.windows("win-2022", build: "10.0.20348", ip: "10.0.0.8", ready: false))
            let manifest = Self.pod("iis", image: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022",
                                    selector: ["kubernetes.io/os": "windows"])
            _ = try await sim.kubectl(["apply", "-f", try sim.file("iis.yaml", manifest)])
            let pending = try await sim.kubectl(["get", "pods", "--no-headers"])
            #expect(Self.rows(pending.stdout).first?.hasPrefix("iis 0/1 Pending") == true, "\(pending)")
            let message = try await sim.kubectl(["get", "pod", "iis", "-o", "jsonpath={.status.conditions[0].message}"])
            #expect(message.stdout == "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.", "\(message)")
            try await sim.setReady("win-2022", true)
            let running = try await sim.kubectl(["get", "pods", "--no-headers"])
            #expect(Self.rows(running.stdout).first?.hasPrefix("iis 1/1 Running") == true, "\(running)")
        }
    }

    @Test func versionAndDiscoveryServeShortNames() async throws {
        try await KubeHarness.with { sim in
            let version = try await sim.kubectl(["version", "-o", "json"])
            #expect(version.stdout.contains("\"gitVersion\": \"v1.31.9+rke2r1\""), "\(version)")
            let resources = try await sim.kubectl(["api-resources", "--no-headers"])
            let rows = Self.rows(resources.stdout)
            for expected in ["deployments deploy apps/v1 true Deployment", "daemonsets ds apps/v1 true DaemonSet",
                             "statefulsets sts apps/v1 true StatefulSet", "nodes no v1 false Node", "jobs batch/v1 true Job",
                             "cronjobs cj batch/v1 true CronJob"] {
                #expect(rows.contains(expected), "missing \(expected) in\n\(resources.stdout)")
            }
        }
    }

    @Test func kubeconfigIsPrivateAndAWrongTokenIsRefused() async throws {
        try await KubeHarness.with { sim in
            let mode = try FileManager.default.attributesOfItem(atPath: sim.endpoint.kubeconfigPath)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
            let good = try String(contentsOfFile: sim.endpoint.kubeconfigPath, encoding: .utf8)
            let token = try #require(good.split(separator: "\n").first { $0.contains("token:") })
            let forged = good.replacingOccurrences(of: String(token), with: "    token: drover-sim-forged")
            let forgedPath = try sim.file("forged-kubeconfig", forged)
            let command = KubeHarness.kubectl + ["--kubeconfig", forgedPath, "--cache-dir", sim.directory.appendingPathComponent("cache2").path,
                                                 "get", "nodes"]
            let output = try await KubeHarness.run(command, environment: ["HOME": sim.directory.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"], stdin: nil)
            #expect(output.status != 0)
            #expect(output.stderr.contains("You must be logged in to the server"), "\(output)")
        }
    }
}

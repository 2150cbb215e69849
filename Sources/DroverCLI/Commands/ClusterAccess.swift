import ArgumentParser
import DroverEngine
import DroverHTTP
import DroverKube
import DroverPlacement
import Foundation
import Yams

/// Flags that choose a live cluster: the kubeconfig context and the explicit opt-in to an unverified server.
struct ClusterFlags: ParsableArguments {
    @Option(help: "The kubeconfig context to use (default: its current-context).") var context: String?
    @Flag(name: .customLong("insecure-skip-tls-verify"), help: "Accept a kubeconfig cluster that sets insecure-skip-tls-verify (its certificate is not checked).")
    var insecure = false
}

/// Reads a live cluster through DroverKube for `place --cluster` and `doctor`.
enum ClusterAccess {
    /// A client for `kubeconfig` (or KUBECONFIG / ~/.kube/config when nil); host overrides come from
    /// `DROVER_CONNECT_TO` (`HOST:PORT:ADDRESS[:PORT]`, comma separated).
    static func client(kubeconfig: String?, flags: ClusterFlags) throws -> KubeClient {
        let endpoint = try KubeconfigLoader.load(path: kubeconfig).endpoint(context: flags.context)
        if flags.insecure && endpoint.cluster.insecureSkipTLSVerify {
            Console.err("Warning: cluster \(endpoint.cluster.name) is reached without checking its certificate (--insecure-skip-tls-verify)")
        }
        var base = TransportConfiguration(connectTimeout: 10, requestTimeout: 60)
        base.hostOverrides = try HostOverride.list(parsing: ProcessInfo.processInfo.environment["DROVER_CONNECT_TO"])
        return try KubeClient.connect(endpoint: endpoint, base: base, allowInsecure: flags.insecure)
    }

    /// Runs `body` with a client, shutting it down afterwards.
    static func with<T>(kubeconfig: String?, flags: ClusterFlags, _ body: (KubeClient) async throws -> T) async throws -> T {
        let kube = try client(kubeconfig: kubeconfig, flags: flags)
        do {
            let result = try await body(kube)
            try await kube.shutdown()
            return result
        } catch {
            try? await kube.shutdown()
            throw error
        }
    }

    /// `options` with the cluster read from `kubeconfig`: its OS taints, and its preferred OS as the default when
    /// no `--default-os` was given (said on standard error).
    static func options(_ options: PlacementOptions, kubeconfig: String, flags: ClusterFlags) async throws -> PlacementOptions {
        var options = options
        let cluster = try await with(kubeconfig: kubeconfig, flags: flags) { try await description($0) }
        options.cluster = cluster
        if options.defaultOS == nil, let preferred = cluster.preferredOS {
            options.defaultOS = preferred
            Console.err("The cluster prefers \(preferred.rawValue): workloads nothing decides are placed there (--default-os overrides).")
        }
        return options
    }

    /// The cluster's nodes as placement describes them.
    static func description(_ kube: KubeClient) async throws -> ClusterDescription {
        ClusterDescription(nodes: try await kube.nodes().map(clusterNode))
    }

    static func clusterNode(_ node: NodeSummary) -> ClusterNode {
        ClusterNode(
            name: node.name, os: node.os.flatMap(OperatingSystem.init(rawValue:)), hasOSLabel: node.osLabel != nil,
            build: node.windowsBuild.flatMap(WindowsBuild.init(osVersion:)), hasBuildLabel: node.windowsBuildLabel != nil,
            ready: node.ready == true, readyDetail: node.readyDetail ?? (node.ready == nil ? "no Ready condition" : nil),
            unschedulable: node.unschedulable, roles: node.roles,
            taints: node.taints.map { NodeTaint(key: $0.key, value: $0.value, effect: $0.effect) }, annotations: node.annotations)
    }

    /// The workload kinds doctor reads, by apiVersion.
    static let workloadKinds = [
        ("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"), ("apps/v1", "ReplicaSet"),
        ("batch/v1", "Job"), ("batch/v1", "CronJob"),
    ]

    /// Everything doctor needs, read from every namespace.
    static func doctorInput(_ kube: KubeClient) async throws -> DoctorInput {
        let cluster = try await description(kube)
        let pods = try await kube.list(apiVersion: "v1", kind: "Pod").items
        var workloads: [Value] = []
        for (apiVersion, kind) in workloadKinds { workloads += try await kube.list(apiVersion: apiVersion, kind: kind).items }
        let daemonSets = workloads.filter { $0.kind == "DaemonSet" && $0.namespace == "kube-system" }.compactMap(\.name)
        return DoctorInput(cluster: cluster, pods: try pods.map(yamlNode), workloads: try workloads.map(yamlNode), systemDaemonSets: daemonSets)
    }

    /// A JSON object as the YAML tree placement reads (JSON is YAML).
    static func yamlNode(_ object: Value) throws -> Yams.Node {
        let text = String(decoding: try HTTPRequest.encodeJSON(object), as: UTF8.self)
        return try Yams.compose(yaml: text, .basic, .default, .utf8) ?? Yams.Node("")
    }
}

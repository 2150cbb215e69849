import Foundation

/// One simulated Kubernetes API server and its control loops (scheduler, workload controllers, kubelet outcomes),
/// built from kube-and-rancher-wire.md §A and §D; objects live in memory and, when a folder is given, in
/// `objects.json` there (mode 0600: Secrets are stored).
///
/// It is a ``DownstreamCluster`` for the Rancher simulator's `/k8s/clusters/{id}` proxy, and the handler of a
/// standalone ``KubernetesSimulator``.
public actor KubernetesCluster: DownstreamCluster {
    /// The Rancher id or any name this cluster goes by.
    public nonisolated let id: String
    /// `rke1` or `rke2` (decides `/version`).
    public nonisolated let distribution: String
    let clock: any SimClock
    let file: URL?

    var objects: [KubeObjectKey: JSONValue] = [:]
    var revision: Int64 = 0
    var history: [KubeWatchEvent] = []
    var watchers: [UUID: KubeWatcher] = [:]
    var watchWaiters: [(resource: String, continuation: CheckedContinuation<Void, Never>)] = []
    var watchWaitersReleased = false
    var reconciling = false

    /// How many events a watch can resume from before it gets 410 Expired.
    static let historyLimit = 2000

    /// Creates an empty cluster with the four namespaces every cluster starts with, or loads `directory/objects.json`.
    public init(id: String, distribution: String = "rke2", clock: any SimClock = WallClock(), directory: URL? = nil) throws {
        self.id = id
        self.distribution = distribution
        self.clock = clock
        file = directory?.appendingPathComponent("objects.json")
        if let file, let data = try? Data(contentsOf: file) {
            do {
                let saved = try JSONDecoder().decode(KubeSavedState.self, from: data)
                revision = saved.revision
                objects = Dictionary(saved.objects.map { ($0.key, $0.object) }, uniquingKeysWith: { _, last in last })
            } catch {
                throw SimulatorError.corruptState(path: file.path, reason: "unreadable Kubernetes objects (\(error))")
            }
        } else {
            for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
                let namespace: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
                _ = try? Self.prepareBootstrap(namespace, into: &objects, revision: &revision, now: clock.now())
            }
        }
    }

    private static func prepareBootstrap(_ object: JSONValue, into objects: inout [KubeObjectKey: JSONValue],
                                         revision: inout Int64, now: Date) throws {
        revision += 1
        var stored = KubeDefaults.applyCreate(object, type: KubeCatalog.namespaces, now: now)
        stored.set("metadata.resourceVersion", .string(String(revision)))
        objects[KubeObjectKey(KubeCatalog.namespaces, namespace: nil, name: object.metadataName)] = stored
    }

    // MARK: DownstreamCluster

    /// Answers one Kubernetes API request.
    public func handle(_ request: SimRequest) async -> SimResponse {
        do {
            return try route(request)
        } catch {
            return error.response
        }
    }

    /// The nodes as Rancher sees them: name, `kubernetes.io/os`, roles from `node-role.kubernetes.io/*`, Ready.
    public func nodeSummaries() -> [DownstreamNodeSummary] {
        list(KubeCatalog.nodes, namespace: nil).map { node in
            DownstreamNodeSummary(name: node.metadataName, os: node.labels["kubernetes.io/os"] ?? "linux",
                                  roles: Self.rancherRoles(node.labels), ready: Self.isReady(node))
        }
    }

    /// Removes every object and ends every watch.
    public func tearDown() {
        closeWatches()
        objects = [:]
        history = []
        persist()
    }

    /// Runs what happens with time: kubelets' image pull back-off and job completion, CronJob schedules, watch
    /// timeouts and bookmarks. Tests call it after moving a ``ManualClock``; a standalone simulator on the wall clock
    /// calls it every second.
    public func tick() {
        expireWatches()
        advanceKubelets()
        runCronJobs()
        reconcile()
    }

    /// Ends every open watch (the server is going away).
    public func closeWatches() {
        for watcher in watchers.values { watcher.continuation.finish() }
        watchers = [:]
    }

    /// A factory for the Rancher simulator: one in-memory cluster per Rancher cluster, or one folder per cluster id
    /// under `directory`. A cluster folder whose `objects.json` cannot be read stops the simulator, naming the file.
    public static func factory(clock: any SimClock, directory: URL? = nil) -> DownstreamClusterFactory {
        { id, _, distribution in
            do {
                return try KubernetesCluster(id: id, distribution: distribution, clock: clock,
                                             directory: directory?.appendingPathComponent(id))
            } catch {
                preconditionFailure("\(error)")
            }
        }
    }

    /// Suspends until a watch on `resource` (`nodes`, `deployments.apps`) is open, or ``releaseWatchWaiters()`` is
    /// called; answers whether such a watch is open (tests move the clock once kubectl is really waiting).
    @discardableResult
    public func waitForWatch(on resource: String) async -> Bool {
        if !watchWaitersReleased, !hasWatch(on: resource) {
            await withCheckedContinuation { watchWaiters.append((resource, $0)) }
        }
        return hasWatch(on: resource)
    }

    /// Wakes every ``waitForWatch(on:)`` caller, now and later (the client it waited for has gone).
    public func releaseWatchWaiters() {
        watchWaitersReleased = true
        for waiter in watchWaiters { waiter.continuation.resume() }
        watchWaiters = []
    }

    private func hasWatch(on resource: String) -> Bool {
        watchers.values.contains { $0.type.qualifiedName == resource }
    }

    /// The stored object, if any (for tests and the simulators that embed this one).
    public func object(_ resource: String, namespace: String? = nil, name: String) -> JSONValue? {
        guard let type = KubeCatalog.all.first(where: { $0.qualifiedName == resource }) else { return nil }
        return objects[KubeObjectKey(type, namespace: namespace, name: name)]
    }

    // MARK: Store

    /// Objects of `type` in `namespace` (nil = all), sorted by namespace then name.
    func list(_ type: KubeResourceType, namespace: String?) -> [JSONValue] {
        objects.filter { $0.key.resource == type.qualifiedName && (namespace == nil || $0.key.namespace == namespace) }
            .sorted { $0.key < $1.key }.map(\.value)
    }

    /// Stores `object` (nil deletes) under a new resourceVersion, tells the watches, and saves.
    @discardableResult
    func commit(_ type: KubeResourceType, _ key: KubeObjectKey, _ object: JSONValue?) -> JSONValue? {
        let old = objects[key]
        revision += 1
        let version = JSONValue.string(String(revision))
        var stored = object
        stored?.set("metadata.resourceVersion", version)
        objects[key] = stored
        if stored == nil, var gone = old {
            gone.set("metadata.resourceVersion", version)
            notify(type: type, old: old, new: nil, deleted: gone)
        } else if let stored {
            notify(type: type, old: old, new: stored, deleted: nil)
        }
        persist()
        return stored
    }

    func persist() {
        guard let file else { return }
        let saved = KubeSavedState(revision: revision, objects: objects.sorted { $0.key < $1.key }.map { .init(key: $0.key, object: $0.value) })
        if let data = try? JSONEncoder().encode(saved) { try? AtomicFile.write(data, to: file) }
    }

    var now: String { KubeTime.format(clock.now()) }

    static func isReady(_ node: JSONValue) -> Bool {
        (node.at("status.conditions")?.array ?? []).contains { $0["type"]?.string == "Ready" && $0["status"]?.string == "True" }
    }

    /// Rancher's role names from the `node-role.kubernetes.io/*` labels RKE2 and RKE1 set (§D).
    static func rancherRoles(_ labels: [String: String]) -> Set<String> {
        var roles: Set<String> = []
        for key in labels.keys where key.hasPrefix("node-role.kubernetes.io/") {
            switch key.dropFirst("node-role.kubernetes.io/".count) {
            case "control-plane", "controlplane", "master": roles.insert("controlplane")
            case "etcd": roles.insert("etcd")
            case "worker": roles.insert("worker")
            default: break
            }
        }
        return roles
    }
}

/// The saved form of a cluster's objects.
struct KubeSavedState: Codable {
    struct Entry: Codable {
        let key: KubeObjectKey
        let object: JSONValue
    }
    let revision: Int64
    let objects: [Entry]
}

extension Error {
    /// The Status response for an error thrown while handling a request.
    var response: SimResponse {
        (self as? KubeStatusError)?.response
            ?? KubeStatusError(code: 500, reason: "InternalError", message: "internal error: \(self)").response
    }
}

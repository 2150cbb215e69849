// Prints, for docs/benchmarks.md, the Azure provider's requests per created resource against the simulated Azure at
// zero latency (issue 8: one PUT per object plus the polls its long-running operation needs), and with `throttled`
// how close a large spec comes to the minimum time the simulator's write budget allows (issue 8: within 1.1x, with
// no failed request). Not a test: run it in release mode.
import DroverBlueprint
import DroverCLI
import DroverEngine
import DroverSim
import Foundation

/// What one run against a fresh simulator did.
struct Run {
    var elapsed: Double
    var created: Int
    var failures: Int
    var arm: [RequestLogEntry]
}

/// Builds the Azure objects of a spec with `workers` workload nodes against a fresh simulator.
func build(workers: Int, timeScale: Double, throttling: ThrottleBudget?) async throws -> Run {
    var spec = ClusterSpec.defaults(for: .current)
    spec.cluster.nodePools[2].count = workers / 2
    spec.cluster.nodePools[3].count = workers - workers / 2
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-azure-bench-\(getpid())-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let home = folder.appendingPathComponent("home/.ssh")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    // A syntactically valid key: the simulator checks the form of keyData, not its math.
    try "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFz1bH8fQxA5rR1mJfH3m7mXb4dQ2f3yJ6tQ0t8b6JkY bench\n"
        .write(to: home.appendingPathComponent("id_rsa.pub"), atomically: true, encoding: .utf8)
    spec.admin.sshPublicKeyPath = home.appendingPathComponent("id_rsa.pub").path

    // Zero latency: only the write budget (refilled on the time scale) can slow the run down.
    var latency = LatencyModel()
    (latency.network, latency.linuxVM, latency.windowsVM, latency.vmDelete) = (0, 0, 0, 0)
    (latency.linuxExtension, latency.windowsExtension, latency.resourceGroupDelete, latency.graphReplication, latency.retryAfter) = (0, 0, 0, 0, 0)
    let simulator = try AzureSimulator(configuration: .init(
        directory: folder.appendingPathComponent("sim"), timeScale: timeScale, latency: latency, throttling: throttling))
    let endpoints = try await simulator.start()
    spec.azure.subscriptionId = endpoints.subscriptionId
    spec.azure.tenantId = endpoints.tenantId
    let environment = CompositionRoot.Environment(
        workingDirectory: folder.appendingPathComponent(".drover"),
        variables: [
            "AZURE_TENANT_ID": endpoints.tenantId, "AZURE_CLIENT_ID": endpoints.clientId, "AZURE_CLIENT_SECRET": endpoints.clientSecret,
            "AZURE_SUBSCRIPTION_ID": endpoints.subscriptionId, "ARM_METADATA_HOSTNAME": endpoints.armHost, "DROVER_CA_FILE": endpoints.caFile,
            "DROVER_SIM_TIME_SCALE": String(timeScale),
        ], subscriptionId: spec.azure.subscriptionId, tenantId: spec.azure.tenantId)
    let providers = CompositionRoot.providers(environment)
    let engine = Engine(registry: providers.registry, store: InMemoryStateStore(), parallelism: 16)
    let configuration = Blueprint(spec: spec).configuration()
    // Every Azure object of stages 1, 2, 5 and 7 (what does not wait for Rancher): every VM, the RKE2 servers'
    // secrets extension, and the role assignment, with everything they depend on.
    let targets = Set(configuration.resources.keys.filter {
        $0.type == "azure.virtual_machine" || ($0.type == "azure.vm_extension" && $0.name.hasSuffix("/rke2-secrets"))
    }).union([ResourceAddress(type: "azure.role_assignment", name: "k8s/contributor")])

    let clock = ContinuousClock()
    let started = clock.now
    let result = try await engine.apply(try await engine.plan(configuration, targets: targets))
    let elapsed = clock.now - started
    try await providers.shutdown()
    await simulator.stop()
    return Run(
        elapsed: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
        created: result.state.resources.keys.filter { $0.type.hasPrefix("azure.") }.count, failures: result.failures.count,
        arm: simulator.requestLog.all.filter { $0.service == "arm" })
}

/// The ARM resource type a request path names (`virtualMachines`, `virtualMachines/extensions`, an operation URL).
func kind(_ path: String) -> String {
    let parts = path.split(separator: "/").map(String.init)
    if parts.contains(where: { $0.lowercased().hasPrefix("operation") }) { return "(operation status)" }
    guard let provider = parts.firstIndex(where: { $0.lowercased() == "providers" }) else {
        return parts.count == 4 && parts[2].lowercased() == "resourcegroups" ? "resourceGroups" : "(other)"
    }
    let types = parts[(provider + 2)...].enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
    return types.joined(separator: "/")
}

/// `requests`: ARM requests per created object at zero latency, without throttling.
func requestsPerObject(workers: Int) async throws {
    let run = try await build(workers: workers, timeScale: 0, throttling: nil)
    let puts = run.arm.filter { $0.method == "PUT" }
    let gets = run.arm.filter { $0.method == "GET" }
    print("spec: \(workers) workers -> \(run.created) Azure objects created in \(String(format: "%.2f", run.elapsed)) s (simulator at zero latency, no throttling)")
    print("failures: \(run.failures)")
    print(String(format: "ARM requests per created object: %.2f PUT, %.2f GET (reads before create, operation polls, read-back)",
        Double(puts.count) / Double(run.created), Double(gets.count) / Double(run.created)))
    for (type, requests) in Dictionary(grouping: run.arm, by: { kind($0.path) }).sorted(by: { $0.key < $1.key }) {
        let counts = Dictionary(grouping: requests, by: \.method).mapValues(\.count).sorted(by: { $0.key < $1.key })
        print("  \(type): " + counts.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
}

/// `throttled`: the same build under the write budget (1200 an hour, refilled `1/timeScale` times faster), starting
/// from a full and from an empty bucket, against the least time the budget allows: the writes beyond what the bucket
/// starts with, one per refill, or the unthrottled run's time when that is longer.
func throttled(workers: Int, timeScale: Double) async throws {
    let free = try await build(workers: workers, timeScale: timeScale, throttling: nil)
    print("spec: \(workers) workers, \(free.created) Azure objects; time scale \(timeScale) (one write refills every \(3 * timeScale) s)")
    print(String(format: "unthrottled: %.2f s, %d failures", free.elapsed, free.failures))
    for fill in [1.0, 0.0] {
        let budget = ThrottleBudget(readsPerHour: 12000, writesPerHour: 1200, deletesPerHour: 15000, writesStartingFraction: fill)
        let run = try await build(workers: workers, timeScale: timeScale, throttling: budget)
        let writes = run.arm.filter { $0.method != "GET" && $0.method != "DELETE" }
        let throttledAnswers = run.arm.filter { $0.status == 429 }.count
        // A refused write is sent again, so it appears twice among the writes.
        let accepted = writes.count - throttledAnswers
        let budgetBound = max(0, Double(accepted) - 1200 * fill) * 3 * timeScale
        let bound = max(budgetBound, free.elapsed)
        print(String(format: "bucket %@ at start: %d writes, %.2f s; least time the budget allows %.2f s (unthrottled %.2f s) -> ratio %.3f; 429 answers %d, failures %d",
            fill == 1 ? "full" : "empty", accepted, run.elapsed, budgetBound, free.elapsed, run.elapsed / bound, throttledAnswers, run.failures))
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "throttled" {
    try await throttled(workers: arguments.dropFirst().first.flatMap { Int($0) } ?? 300, timeScale: arguments.dropFirst(2).first.flatMap { Double($0) } ?? 0.01)
} else {
    try await requestsPerObject(workers: arguments.first.flatMap { Int($0) } ?? 40)
}

// Prints the engine's speed and memory numbers for docs/benchmarks.md. Not a test: run it in release mode.
import DroverBlueprint
import DroverEngine
import DroverTestSupport
import Foundation

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    let d = clock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func peakResidentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return .nan }
    return kb / 1024
}

let arguments = CommandLine.arguments
let nodes = Int(arguments.dropFirst().first ?? "") ?? 1000
let dagSize = Int(arguments.dropFirst(2).first ?? "") ?? 2000
let parallelism = Int(arguments.dropFirst(3).first ?? "") ?? 256

// 1. Plan and apply the blueprint of a spec with `nodes` workload nodes.
var spec = ClusterSpec.defaults(for: .current)
spec.cluster.network = NetworkSettings(vnet: "10.0.0.0/16", subnet: "10.0.0.0/20")
spec.cluster.nodePools = [
    NodePool(name: "etcd", os: .linux, roles: [.etcd, .controlplane], count: 3, vmSize: "Standard_D2s_v3"),
    NodePool(name: "lin", os: .linux, roles: [.worker], count: nodes / 2 - 3, vmSize: "Standard_D2s_v3"),
    NodePool(name: "win", os: .windows, roles: [.worker], count: nodes - nodes / 2, vmSize: "Standard_D2s_v3", windowsVersion: .ws2022),
]
var configuration = Configuration()
let build = await seconds { configuration = Blueprint(spec: spec).configuration() }
var registry = ProviderRegistry()
// Answers every call at once, with outputs under every name the blueprint refers to.
let zeroLatency = RecordingCloud(extraOutputs: ["name", "subnetId", "ipAddress", "backendPoolId", "token", "linuxCommand", "windowsCommand", "appId", "secret", "value"])
for type in Set(configuration.resources.keys.map(\.type)) { registry.register(RecordingHandler(cloud: zeroLatency, type: type)) }
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-bench-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let store = FileStateStore(path: folder.appendingPathComponent("state.json").path)
let engine = Engine(registry: registry, store: store, parallelism: 16)
var plan: Plan!
let planTime = try await seconds { plan = try await engine.plan(configuration) }
var applied: ApplyResult!
let applyTime = try await seconds { applied = try await engine.apply(plan) }
let replanTime = try await seconds { plan = try await engine.plan(configuration) }
print("spec: \(nodes) nodes -> \(configuration.resources.count) resources (blueprint built in \(String(format: "%.3f", build)) s)")
print(String(format: "plan (empty state):        %.3f s", planTime))
print(String(format: "apply (zero latency, file state, parallelism 16): %.3f s  [%d created, %d failed]", applyTime, applied.completed["create"] ?? 0, applied.failures.count))
print(String(format: "re-plan (all no-op):       %.3f s  [changes: %@]", replanTime, plan.hasChanges ? "yes" : "none"))

// 2. A seeded random DAG with 1–100 ms per resource: makespan versus the critical path.
var rng = SplitMix64(state: 42)
var durations: [Int] = []
var resources: [DesiredResource] = []
var deps: [[Int]] = []
for i in 0..<dagSize {
    let ms = Int.random(in: 1...100, using: &rng)
    durations.append(ms)
    let count = i == 0 ? 0 : Int.random(in: 0...min(3, i), using: &rng)
    let chosen = Array(Set((0..<count).map { _ in Int.random(in: max(0, i - 50)..<i, using: &rng) })).sorted()
    deps.append(chosen)
    resources.append(DesiredResource(ResourceAddress(type: "bench.node", name: String(i)), inputs: ["seconds": .number(Double(ms) / 1000)],
        dependsOn: Set(chosen.map { ResourceAddress(type: "bench.node", name: String($0)) })))
}
var finish = [Int](repeating: 0, count: dagSize)
for i in 0..<dagSize { finish[i] = durations[i] + (deps[i].map { finish[$0] }.max() ?? 0) }
let criticalPath = Double(finish.max() ?? 0) / 1000
var sleepers = ProviderRegistry()
sleepers.register(RecordingHandler(cloud: RecordingCloud(), type: "bench.node"))
let dagEngine = Engine(registry: sleepers, store: InMemoryStateStore(), parallelism: parallelism)
let dagPlan = try await dagEngine.plan(Configuration(resources))
let makespan = try await seconds { _ = try await dagEngine.apply(dagPlan) }
print("random DAG: \(dagSize) resources, 1–100 ms each, parallelism \(parallelism)")
print(String(format: "critical path %.3f s, makespan %.3f s, ratio %.3f", criticalPath, makespan, makespan / criticalPath))
print(String(format: "peak resident memory: %.1f MB", peakResidentMB()))

// Prints the Azure provider's requests per created resource against the simulated Azure at zero latency, for
// docs/benchmarks.md: issue 8's target is one PUT per object plus the polls its long-running operation needs.
// Not a test: run it in release mode.
import DroverBlueprint
import DroverCLI
import DroverEngine
import DroverSim
import Foundation

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let workers = arguments.first ?? 40

var spec = ClusterSpec.defaults(for: .current)
spec.cluster.nodePools[2].count = workers / 2
spec.cluster.nodePools[3].count = workers - workers / 2
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-azure-bench-\(getpid())")
defer { try? FileManager.default.removeItem(at: folder) }
let home = folder.appendingPathComponent("home/.ssh")
try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
// A syntactically valid key: the simulator checks the form of keyData, not its math.
try "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFz1bH8fQxA5rR1mJfH3m7mXb4dQ2f3yJ6tQ0t8b6JkY bench\n"
    .write(to: home.appendingPathComponent("id_rsa.pub"), atomically: true, encoding: .utf8)
spec.admin.sshPublicKeyPath = home.appendingPathComponent("id_rsa.pub").path

let simulator = try AzureSimulator(configuration: .init(directory: folder.appendingPathComponent("sim"), timeScale: 0, throttling: nil))
let endpoints = try await simulator.start()
spec.azure.subscriptionId = endpoints.subscriptionId
spec.azure.tenantId = endpoints.tenantId
let environment = CompositionRoot.Environment(
    workingDirectory: folder.appendingPathComponent(".drover"),
    variables: [
        "AZURE_TENANT_ID": endpoints.tenantId, "AZURE_CLIENT_ID": endpoints.clientId, "AZURE_CLIENT_SECRET": endpoints.clientSecret,
        "AZURE_SUBSCRIPTION_ID": endpoints.subscriptionId, "ARM_METADATA_HOSTNAME": endpoints.armHost, "DROVER_CA_FILE": endpoints.caFile,
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

let arm = simulator.requestLog.all.filter { $0.service == "arm" }
let created = result.state.resources.keys.filter { $0.type.hasPrefix("azure.") }.count
let puts = arm.filter { $0.method == "PUT" }
let gets = arm.filter { $0.method == "GET" }
print("spec: \(workers) workers -> \(created) Azure objects created in \(elapsed) (simulator at zero latency, no throttling)")
print("failures: \(result.failures.count)")
print(String(format: "ARM requests per created object: %.2f PUT, %.2f GET (reads before create, operation polls, read-back)",
    Double(puts.count) / Double(created), Double(gets.count) / Double(created)))
for (type, requests) in Dictionary(grouping: arm, by: { kind($0.path) }).sorted(by: { $0.key < $1.key }) {
    let counts = Dictionary(grouping: requests, by: \.method).mapValues(\.count).sorted(by: { $0.key < $1.key })
    print("  \(type): " + counts.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
}

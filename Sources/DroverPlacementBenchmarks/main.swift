// Prints placement's speed numbers for docs/benchmarks.md. Not a test: run it in release mode.
//
// 1. `place` over WORKLOADS generated workloads (one YAML stream, seven kinds, Windows/Linux/undecided images).
// 2. The webhook over TLS on 127.0.0.1 beside a bare Hummingbird handler (same TLS, fixed allow response), in the
//    same run: p50/p99 latency at RATE requests per second (open loop, latency measured from each request's
//    scheduled start), then the maximum throughput with CONCURRENCY requests in flight.
import AsyncHTTPClient
import DroverPlacement
import DroverPlacementNet
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

let arguments = Dictionary(uniqueKeysWithValues: CommandLine.arguments.dropFirst().compactMap { argument -> (String, Int)? in
    let parts = argument.split(separator: "=")
    guard parts.count == 2, let value = Int(parts[1]) else { return nil }
    return (String(parts[0]), value)
})
let workloads = arguments["WORKLOADS"] ?? 10_000
let rate = arguments["RATE"] ?? 1_000
let seconds = arguments["SECONDS"] ?? 5
let concurrency = arguments["CONCURRENCY"] ?? 64

/// A pod spec's containers at `indent` spaces.
func podSpec(_ image: String, indent: Int) -> String {
    let pad = String(repeating: " ", count: indent)
    return ["containers:", "  - name: app", "    image: \(image)", "    ports:", "      - containerPort: 8080"].map { pad + $0 }.joined(separator: "\n")
}

/// Workload number `index`: the kind and image cycle through seven kinds and four images.
func workload(_ index: Int) -> String {
    let images = ["mcr.microsoft.com/windows/servercore:ltsc2022", "nginx:1.25-alpine", "example.com/app:\(index)",
                  "mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2019"]
    let image = images[index % images.count]
    switch index % 7 {
    case 0:
        return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\(index)\nspec:\n" + podSpec(image, indent: 2)
    case 6:
        return "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: w\(index)\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n"
            + "      template:\n        spec:\n" + podSpec(image, indent: 10)
    default:
        let kind = ["", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"][index % 7]
        return "apiVersion: \(kind == "Job" ? "batch/v1" : "apps/v1")\nkind: \(kind)\nmetadata:\n  name: w\(index)\nspec:\n  selector:\n"
            + "    matchLabels:\n      app: w\(index)\n  template:\n    metadata:\n      labels:\n        app: w\(index)\n    spec:\n" + podSpec(image, indent: 6)
    }
}

func time(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

// MARK: place

let stream = (0..<workloads).map(workload).joined(separator: "\n---\n")
let placer = WorkloadPlacer(options: PlacementOptions(defaultOS: .linux))
var placed: PlaceRun?
let placeSeconds = try time { placed = try PlaceRun(text: stream, file: "bench.yaml", placer: placer) }
let placedCount = placed?.placements.count ?? 0
print(String(format: "place: %d workloads (%d placed) in %.2f s", workloads, placedCount, placeSeconds))

// MARK: webhook beside a bare handler

/// A logger that stays silent (closing connections at the end logs as errors).
func quietLogger() -> Logger {
    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    return logger
}

/// Starts `run` in a task and returns the port it reports.
func start(_ run: @escaping @Sendable (@escaping @Sendable (Int) async -> Void) async throws -> Void) async -> (Task<Void, Error>, Int) {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let task = Task { try await run { continuation.yield($0) } }
    var iterator = ports.makeAsyncIterator()
    return (task, await iterator.next() ?? 0)
}

/// The baseline: a Hummingbird handler with the same TLS that reads the body and returns a fixed allow.
func runBareHandler(_ identity: ServingIdentity, onStarted: @escaping @Sendable (Int) async -> Void) async throws {
    let fixedAllow = ByteBuffer(string: #"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"bench","allowed":true}}"#)
    let router = Router()
    router.post("/mutate") { request, _ -> Response in
        _ = try await request.body.collect(upTo: 1 << 20)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: fixedAllow))
    }
    let app = Application(router: router, server: try .tls(.http1(), tlsConfiguration: identity.serverConfiguration()),
                          configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { await onStarted($0.localAddress?.port ?? 0) }, logger: quietLogger())
    try await app.runService(gracefulShutdownSignals: [])
}

/// A load generator posting one AdmissionReview of a Windows Deployment.
struct Load: Sendable {
    let client: HTTPClient
    let review: Data
    let rate: Int
    let seconds: Int
    let concurrency: Int

    /// One POST; false when it failed.
    func post(_ port: Int) async -> Bool {
        var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)/mutate")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: review))
        guard let response = try? await client.execute(request, timeout: .seconds(10)), response.status == .ok,
              (try? await response.body.collect(upTo: 1 << 20)) != nil else { return false }
        return true
    }

    /// Open loop at `rate` for `seconds`: latency percentiles (ms) from each request's scheduled start.
    func latencies(_ port: Int) async -> (p50: Double, p99: Double, failed: Int) {
        let total = rate * seconds
        let clock = ContinuousClock()
        let start = clock.now + .milliseconds(100)
        let results = await withTaskGroup(of: Double?.self) { group in
            for index in 0..<total {
                group.addTask {
                    let scheduled = start + .nanoseconds(Int64(index) * 1_000_000_000 / Int64(rate))
                    try? await clock.sleep(until: scheduled)
                    guard await post(port) else { return nil }
                    let elapsed = clock.now - scheduled
                    return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                }
            }
            var values: [Double?] = []
            for await value in group { values.append(value) }
            return values
        }
        let sorted = results.compactMap { $0 }.sorted()
        guard !sorted.isEmpty else { return (0, 0, total) }
        return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)], total - sorted.count)
    }

    /// Closed loop with `concurrency` in flight for `seconds`: completed requests per second.
    func throughput(_ port: Int) async -> Double {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        let done = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var count = 0
                    while clock.now < deadline { if await post(port) { count += 1 } }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        return Double(done) / Double(seconds)
    }
}

let certificates = try DevelopmentCertificates(dnsNames: ["localhost"])
let serving = certificates.serving
let webhook = WebhookServer(reviewer: AdmissionReviewer(placer: placer), identity: serving, host: "127.0.0.1", port: 0)
let (webhookTask, webhookPort) = await start { onStarted in try await webhook.run(logger: quietLogger(), onStarted: onStarted) }
let (bareTask, barePort) = await start { onStarted in try await runBareHandler(serving, onStarted: onStarted) }

var tls = TLSConfiguration.makeClientConfiguration()
tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(certificates.caPEM.utf8)))
var clientConfiguration = HTTPClient.Configuration(tlsConfiguration: tls)
clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)

let deployment: [String: Any] = [
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "namespace": "default"],
    "spec": ["selector": ["matchLabels": ["app": "web"]], "template": ["metadata": ["labels": ["app": "web"]],
        "spec": ["containers": [["name": "web", "image": "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022",
                                 "ports": [["containerPort": 80]], "resources": ["requests": ["cpu": "100m", "memory": "128Mi"]]]]]]],
]
let review = try JSONSerialization.data(withJSONObject: [
    "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
    "request": ["uid": "bench", "operation": "CREATE", "kind": ["group": "apps", "version": "v1", "kind": "Deployment"], "object": deployment],
])
let load = Load(client: client, review: review, rate: rate, seconds: seconds, concurrency: concurrency)

// The reviewer alone, without HTTP or TLS: what each webhook request costs on top of the bare handler.
let reviewer = AdmissionReviewer(placer: placer)
let reviews = 20_000
let reviewSeconds = time { for _ in 0..<reviews { _ = reviewer.review(review) } }
print(String(format: "reviewer alone: %.1f µs per review (%d reviews)", reviewSeconds / Double(reviews) * 1e6, reviews))

// Warm up connections and code paths on both servers.
for port in [webhookPort, barePort] { for _ in 0..<200 { _ = await load.post(port) } }
for (name, port) in [("bare handler", barePort), ("webhook", webhookPort)] {
    let latency = await load.latencies(port)
    let maximum = await load.throughput(port)
    print(String(format: "%@: at %d rps p50 %.2f ms, p99 %.2f ms (%d failed); max %.0f requests/s with %d in flight",
                 name, rate, latency.p50, latency.p99, latency.failed, maximum, concurrency))
}

try await client.shutdown()
webhookTask.cancel()
bareTask.cancel()
_ = await webhookTask.result
_ = await bareTask.result

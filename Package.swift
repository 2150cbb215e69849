// swift-tools-version:6.0
// Drover: a Rancher-managed hybrid Linux + Windows Kubernetes cluster on Azure, as one typed program.
//
// Modules depend one way (see docs/architecture.md):
//   drover ─► DroverCLI ─► DroverBlueprint ─► DroverNodes ─► DroverEngine
//              DroverCLI ─► DroverAzure ─► DroverHTTP ─► DroverEngine (the composition root registers the providers)
//              DroverCLI ─► DroverRancher ─► DroverHTTP ─► DroverEngine
//              DroverCLI ─► DroverKube ─► DroverHTTP (doctor, place --cluster)
// DroverEngine knows no provider, no HTTP and no Azure or Rancher word.
import PackageDescription

let package = Package(
    name: "Drover",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "drover", targets: ["drover"]),
        .library(name: "DroverEngine", targets: ["DroverEngine"]),
        .library(name: "DroverBlueprint", targets: ["DroverBlueprint"]),
        .library(name: "DroverNodes", targets: ["DroverNodes"]),
        .library(name: "DroverPlacement", targets: ["DroverPlacement"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // DroverHTTP: the one HTTP client (TLS, pooling, timeouts, DNS override with SNI) and its logging.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Test-only HTTPS server for DroverHTTP and DroverAzure tests: NIO (already under async-http-client) and a
        // throwaway CA made with swift-certificates.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // DroverSim: the simulators' HTTPS server.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // DroverPlacementNet: the webhook server's graceful shutdown on SIGTERM.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // MARK: Core

        /// Generic resource graph, plan, apply, destroy, crash-safe state and events.
        .target(name: "DroverEngine"),

        /// The cluster spec (drover.yaml), profiles, preflight validation, spec → resource graph.
        .target(
            name: "DroverBlueprint",
            dependencies: ["DroverEngine", "DroverNodes", .product(name: "Yams", package: "Yams")]
        ),

        /// Cloud-init, Windows join scripts, RKE2/RKE1 configuration, chart manifests, registration commands, SSH.
        .target(
            name: "DroverNodes",
            dependencies: ["DroverEngine", .product(name: "Yams", package: "Yams")]
        ),

        // MARK: Workload placement

        /// What OS and Windows build a workload needs, `place` edits, AdmissionReview → JSONPatch; no network.
        .target(name: "DroverPlacement", dependencies: [.product(name: "Yams", package: "Yams")]),

        /// The network edges of placement: the TLS admission webhook server, the OCI registry client, the dev CA.
        .target(
            name: "DroverPlacementNet",
            dependencies: [
                "DroverPlacement",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Providers

        /// The one HTTPS transport (Azure, Graph, Rancher, Kubernetes): TLS, extra CA, host override, timeouts,
        /// retries, REST errors as CodedError, redacted debug logging.
        .target(
            name: "DroverHTTP",
            dependencies: [
                "DroverEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        /// Kubernetes: kubeconfig (read, merge, write), discovery, get/list/watch/apply/patch/delete of any kind,
        /// `Status` errors, node summaries; over DroverHTTP.
        .target(
            name: "DroverKube",
            dependencies: ["DroverEngine", "DroverHTTP", .product(name: "Yams", package: "Yams")]
        ),

        /// Azure: clouds, credential chain, ARM (long-running operations, pacing) and Graph clients, and the
        /// handlers of every azure.* and graph.* resource type.
        .target(name: "DroverAzure", dependencies: ["DroverEngine", "DroverHTTP"]),

        /// Rancher: waiting for the server in stages, bootstrap, the custom cluster (RKE1 and RKE2), registration,
        /// readiness and kubeconfig, as the handlers of every rancher.* resource type. Yams only to merge kubeconfigs.
        .target(name: "DroverRancher", dependencies: ["DroverEngine", "DroverHTTP", .product(name: "Yams", package: "Yams")]),

        // MARK: Simulators

        /// Simulated Azure (Entra ID token endpoint, ARM, Microsoft Graph) over TLS; standalone, imports no Drover module.
        .target(
            name: "DroverSim",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                // The Rancher simulator reads Rancher's CRD schema and the machines cloud-config (both YAML); a machine's
                // agent calls Rancher over real HTTPS.
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            // Microsoft's and Rancher's official definitions (see Resources/openapi/LICENSE-NOTICE.md), read at run time.
            resources: [.copy("Resources/openapi")]
        ),

        // MARK: Command line

        /// Commands, views (progress, plan, JSON events) and the composition root.
        .target(
            name: "DroverCLI",
            dependencies: [
                "DroverEngine", "DroverBlueprint", "DroverNodes", "DroverAzure", "DroverRancher", "DroverKube", "DroverPlacement",
                "DroverPlacementNet", "DroverSim",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "drover", dependencies: ["DroverCLI"]),

        /// Helpers shared by the tests and the benchmarks (the recording fake provider, a manual clock, a seeded generator); never shipped.
        .target(name: "DroverTestSupport", dependencies: ["DroverEngine"]),

        /// Prints plan/apply/makespan numbers for docs/benchmarks.md; not a test.
        .executableTarget(
            name: "drover-benchmarks",
            dependencies: ["DroverEngine", "DroverBlueprint", "DroverTestSupport"],
            path: "Sources/DroverBenchmarks"
        ),

        /// Prints `place` and webhook latency/throughput numbers beside a bare Hummingbird handler; not a test.
        .executableTarget(
            name: "drover-placement-benchmarks",
            dependencies: [
                "DroverPlacement", "DroverPlacementNet",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/DroverPlacementBenchmarks"
        ),

        /// A scripted HTTPS server on 127.0.0.1 with a throwaway CA, for the DroverHTTP and DroverAzure tests; never shipped.
        .target(
            name: "DroverHTTPTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        /// Prints the Azure provider's requests per created resource against the simulator; not a test.
        .executableTarget(
            name: "drover-azure-benchmarks",
            dependencies: ["DroverCLI", "DroverBlueprint", "DroverEngine", "DroverSim"],
            path: "Sources/DroverAzureBenchmarks"
        ),

        // MARK: Tests

        .testTarget(name: "DroverEngineTests", dependencies: ["DroverEngine", "DroverTestSupport"]),
        .testTarget(
            name: "DroverHTTPTests",
            dependencies: ["DroverHTTP", "DroverEngine", "DroverHTTPTestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "DroverAzureTests",
            dependencies: ["DroverAzure", "DroverHTTP", "DroverEngine", "DroverHTTPTestSupport", "DroverTestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "DroverRancherTests",
            dependencies: ["DroverRancher", "DroverHTTP", "DroverEngine", "DroverHTTPTestSupport", "DroverTestSupport", "Yams"],
            // Golden files and the CRD schema are read through #filePath, not bundled.
            exclude: ["Golden", "Schemas"]),
        .testTarget(
            name: "DroverKubeTests",
            dependencies: ["DroverKube", "DroverHTTP", "DroverEngine", "DroverHTTPTestSupport", "Yams",
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]),
        .testTarget(name: "DroverBlueprintTests", dependencies: ["DroverBlueprint", "DroverEngine", "DroverTestSupport"]),
        .testTarget(
            name: "DroverNodesTests", dependencies: ["DroverNodes", "DroverEngine", "DroverBlueprint", "DroverTestSupport", "Yams"],
            // Read through #filePath by the validator tests, not bundled.
            exclude: ["Schemas"]),
        .testTarget(
            name: "DroverPlacementTests",
            dependencies: [
                "DroverPlacement", "DroverPlacementNet", "Yams",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            // Golden files are read and rewritten through #filePath, not bundled.
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "DroverAzureSimTests",
            dependencies: ["DroverAzure", "DroverSim", "DroverEngine", "DroverTestSupport"]),
        .testTarget(
            name: "DroverSimTests",
            dependencies: ["DroverSim", "DroverTestSupport", "Yams", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "X509", package: "swift-certificates")],
            // Official example copies, read through #filePath; not bundled.
            exclude: ["AzureExamples"]
        ),
        .testTarget(
            name: "DroverCLITests",
            dependencies: ["DroverCLI", "DroverEngine", "DroverBlueprint", "DroverNodes", "DroverAzure", "DroverSim", "DroverTestSupport",
                           "DroverHTTPTestSupport"],
            resources: [.copy("Snapshots")]
        ),
    ]
)

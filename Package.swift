// swift-tools-version:6.0
// Drover: a Rancher-managed hybrid Linux + Windows Kubernetes cluster on Azure, as one typed program.
//
// Modules depend one way (see docs/architecture.md):
//   drover ─► DroverCLI ─► DroverBlueprint ─► DroverNodes ─► DroverEngine
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
        // The admission webhook's server and TLS, the registry client, and the development CA (DroverPlacementNet).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
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

        // MARK: Command line

        /// Commands, views (progress, plan, JSON events) and the composition root.
        .target(
            name: "DroverCLI",
            dependencies: [
                "DroverEngine", "DroverBlueprint", "DroverNodes", "DroverPlacement", "DroverPlacementNet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "drover", dependencies: ["DroverCLI"]),

        /// Helpers shared by the tests and the benchmarks (a seeded generator, a line collector); never shipped.
        .target(name: "DroverTestSupport"),

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

        // MARK: Tests

        .testTarget(name: "DroverEngineTests", dependencies: ["DroverEngine"]),
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
            name: "DroverCLITests",
            dependencies: ["DroverCLI", "DroverEngine", "DroverBlueprint", "DroverNodes", "DroverTestSupport"],
            resources: [.copy("Snapshots")]
        ),
    ]
)

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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.26.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
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
            ],
            // Microsoft's official definitions (MIT, see Resources/openapi/LICENSE-NOTICE.md), read at run time.
            resources: [.copy("Resources/openapi")]
        ),

        // MARK: Command line

        /// Commands, views (progress, plan, JSON events) and the composition root.
        .target(
            name: "DroverCLI",
            dependencies: [
                "DroverEngine", "DroverBlueprint", "DroverNodes", "DroverSim",
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

        // MARK: Tests

        .testTarget(name: "DroverEngineTests", dependencies: ["DroverEngine", "DroverTestSupport"]),
        .testTarget(name: "DroverBlueprintTests", dependencies: ["DroverBlueprint", "DroverEngine", "DroverTestSupport"]),
        .testTarget(
            name: "DroverNodesTests", dependencies: ["DroverNodes", "DroverEngine", "DroverBlueprint", "DroverTestSupport", "Yams"],
            // Read through #filePath by the validator tests, not bundled.
            exclude: ["Schemas"]),
        .testTarget(
            name: "DroverSimTests",
            dependencies: ["DroverSim", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "X509", package: "swift-certificates")],
            // Official example copies, read through #filePath; not bundled.
            exclude: ["AzureExamples"]
        ),
        .testTarget(
            name: "DroverCLITests",
            dependencies: ["DroverCLI", "DroverEngine", "DroverBlueprint", "DroverNodes", "DroverTestSupport"],
            resources: [.copy("Snapshots")]
        ),
    ]
)

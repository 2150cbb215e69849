import DroverBlueprint
import DroverEngine
import DroverSim
import Foundation
import Testing

/// The `drover` binary against the simulated Azure, configured only by the variables `drover sim serve` prints: the
/// same path a user takes, environment plumbing included.
@Suite struct SimulatedAzureBinaryTests {
    @Test func applyReapplyAndDestroyThroughTheBinary() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-simbin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let simulator = try AzureSimulator(configuration: .init(directory: folder.appendingPathComponent("sim"), timeScale: 0))
        let endpoints = try await simulator.start()
        defer { try? FileManager.default.removeItem(at: folder) }
        var drover = try DroverBinary(directory: folder)
        drover.extraEnvironment = [
            "AZURE_TENANT_ID": endpoints.tenantId, "AZURE_CLIENT_ID": endpoints.clientId, "AZURE_CLIENT_SECRET": endpoints.clientSecret,
            "AZURE_SUBSCRIPTION_ID": endpoints.subscriptionId, "ARM_METADATA_HOSTNAME": endpoints.armHost, "DROVER_CA_FILE": endpoints.caFile,
        ]
        let outcome: Result<Void, any Error>
        do {
            outcome = .success(try await run(drover, simulator))
        } catch {
            outcome = .failure(error)
        }
        await simulator.stop()
        try outcome.get()
    }

    private func run(_ drover: DroverBinary, _ simulator: AzureSimulator) async throws {
        #expect(try await drover("init").status == 0)
        let spec = ClusterSpec.defaults(for: .current)
        let linux = try #require(spec.clusterNodes.first { $0.os == .linux }), windows = try #require(spec.clusterNodes.first { $0.os == .windows })
        let targets = ["azure.role_assignment/k8s/contributor", "azure.virtual_machine/k8s/\(linux.vmName)", "azure.virtual_machine/k8s/\(windows.vmName)"]
            .flatMap { ["--target", $0] }

        let applied = try await drover.run(["apply", "--auto-approve"] + targets)
        #expect(applied.status == 0, "\(applied.stderr)\n\(applied.stdout.suffix(2000))")
        #expect(applied.stdout.contains("Apply complete!"))
        // The apply was recorded as it went: the timeline reads it back, with the VM waits on the critical path.
        let timeline = try await drover.run(["timeline"])
        #expect(timeline.status == 0, "\(timeline.stderr)")
        #expect(timeline.stdout.contains("Critical path") && timeline.stdout.contains("azure.virtual_machine/k8s/"), "\(timeline.stdout)")
        let chart = try String(contentsOf: drover.directory.appendingPathComponent(".drover/timeline.svg"), encoding: .utf8)
        #expect(chart.hasPrefix("<svg") && chart.contains("azure.role_assignment/k8s/contributor"))

        let writes = simulator.requestLog.all.filter { $0.service != "login" && $0.method != "GET" }.count
        let again = try await drover.run(["apply", "--auto-approve"] + targets)
        #expect(again.status == 0 && again.stdout.contains("No changes"), "\(again.stdout.suffix(1000))")
        #expect(simulator.requestLog.all.filter { $0.service != "login" && $0.method != "GET" }.count == writes)

        let destroyed = try await drover.run(["destroy", "--auto-approve"])
        #expect(destroyed.status == 0 && destroyed.stdout.contains("Destroy complete!"), "\(destroyed.stderr)\n\(destroyed.stdout.suffix(2000))")
        let inventory = await simulator.inventory()
        #expect(inventory["resources"]?.array?.isEmpty == true, "\(inventory)")
        #expect(inventory["applications"]?.array?.isEmpty == true)
    }
}

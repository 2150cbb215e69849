import DroverBlueprint
import DroverCLI
import DroverEngine
import DroverSim
import Foundation
import Testing

/// The Azure part of each profile's default spec applied, re-applied and destroyed against the Azure simulator through
/// the handlers `drover` registers, configured only by what the simulator hands a client (docs/simulators.md).
@Suite struct AzureSimulatorApplyTests {
    @Test(arguments: Profile.allCases) func everyVMAndTheRoleAssignmentConvergeThenTearDown(_ profile: Profile) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-azsim-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let simulator = try AzureSimulator(configuration: .init(directory: folder.appendingPathComponent("sim"), timeScale: 0))
        let endpoints = try await simulator.start()
        let result = await outcome { try await converge(profile, simulator, endpoints, folder) }
        await simulator.stop()
        try result.get()
    }

    /// Runs `body` to its end, so what it started is stopped whatever it throws.
    private func outcome(_ body: () async throws -> Void) async -> Result<Void, any Error> {
        do { return .success(try await body()) } catch { return .failure(error) }
    }

    private func converge(_ profile: Profile, _ simulator: AzureSimulator, _ endpoints: AzureSimulatorEndpoints, _ folder: URL) async throws {
        try DroverBinary.writePublicKey(home: folder)
        var spec = ClusterSpec.defaults(for: profile)
        spec.azure.subscriptionId = endpoints.subscriptionId
        spec.azure.tenantId = endpoints.tenantId
        spec.admin.sshPublicKeyPath = folder.appendingPathComponent(".ssh/id_rsa.pub").path
        let providers = CompositionRoot.providers(CompositionRoot.Environment(
            workingDirectory: folder.appendingPathComponent(".drover"),
            variables: [
                "AZURE_TENANT_ID": endpoints.tenantId, "AZURE_CLIENT_ID": endpoints.clientId, "AZURE_CLIENT_SECRET": endpoints.clientSecret,
                "ARM_METADATA_HOSTNAME": endpoints.armHost, "DROVER_CA_FILE": endpoints.caFile,
            ],
            subscriptionId: spec.azure.subscriptionId, tenantId: spec.azure.tenantId))
        let result = await outcome { try await applyReapplyDestroy(spec, providers.registry, simulator, folder) }
        try await providers.shutdown()
        try result.get()
    }

    private func applyReapplyDestroy(_ spec: ClusterSpec, _ registry: ProviderRegistry, _ simulator: AzureSimulator, _ folder: URL) async throws {
        let engine = Engine(registry: registry, store: FileStateStore(path: folder.appendingPathComponent("drover.state.json").path))
        let configuration = Blueprint(spec: spec).configuration()
        // Every VM (Rancher servers with their rendered custom data behind the load balancer, Linux and Windows
        // workers), the RKE2 servers' secrets extension (its script rendered from the generated secrets) and the role
        // assignment: every azure.* and graph.* type the blueprint uses.
        let targets = Set(configuration.resources.keys.filter {
            $0.type == "azure.virtual_machine" || ($0.type == "azure.vm_extension" && $0.name.hasSuffix("/rke2-secrets"))
        }).union([ResourceAddress(type: "azure.role_assignment", name: "k8s/contributor")])
        #expect(targets.contains { $0.name.hasPrefix("k8s/win") })
        let applied = try await engine.apply(try await engine.plan(configuration, targets: targets))
        #expect(applied.succeeded, "\(applied.failures)")
        let built = await simulator.inventory()
        let types = Set(built["resources"]?.array?.compactMap { $0["type"]?.string?.lowercased() } ?? [])
        #expect(types.contains("microsoft.compute/virtualmachines") && types.contains("microsoft.network/loadbalancers"), "\(types)")
        #expect(spec.profile != .current || types.contains("microsoft.compute/virtualmachines/extensions"), "\(types)")

        // A second run: the reads find everything as recorded and nothing is written.
        let before = simulator.requestLog.all.count
        let (_, drift) = try await engine.refresh()
        #expect(drift.isEmpty, "\(drift)")
        let again = try await engine.plan(configuration, targets: targets)
        #expect(!again.hasChanges, "\(again.changes.filter { $0.action != .noop }.map(\.address))")
        _ = try await engine.apply(again)
        let writes = simulator.requestLog.all.dropFirst(before).filter { $0.service != "login" && $0.method != "GET" }
        #expect(writes.isEmpty, "\(writes.map { "\($0.method) \($0.path)" })")

        let destroyed = try await engine.apply(try await engine.plan(configuration, mode: .destroy))
        #expect(destroyed.succeeded, "\(destroyed.failures)")
        let inventory = await simulator.inventory()
        #expect(inventory["resources"]?.array?.isEmpty == true, "\(inventory)")
        #expect(inventory["applications"]?.array?.isEmpty == true)
        #expect(inventory["servicePrincipals"]?.array?.isEmpty == true)
    }
}

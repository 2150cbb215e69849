import DroverAzure
import DroverEngine
import DroverSim
import DroverTestSupport
import Foundation
import Testing

/// The Azure handlers (built from the reference without the simulator) against the simulated Azure (built from the
/// reference without the client), over real HTTPS: each side checks the other.
@Suite(.serialized) struct AzureAgainstSimulatorTests {
    /// A running simulator, a registry of the real Azure handlers pointed at it through `ARM_METADATA_HOSTNAME` and
    /// the simulator's CA, and the folder holding both.
    struct World {
        let folder: URL
        let simulator: AzureSimulator
        let endpoints: AzureSimulatorEndpoints
        let session: AzureSession
        let engine: Engine

        static func start(faults: String? = nil) async throws -> World {
            let folder = try temporaryDirectory()
            let simulator = try AzureSimulator(configuration: .init(
                directory: folder.appendingPathComponent("sim"), timeScale: 0,
                faults: try faults.map { try FaultPlan(parsing: $0) } ?? .none, seed: 11,
                requestLogFile: folder.appendingPathComponent("requests.jsonl")))
            let endpoints = try await simulator.start()
            let variables = [
                "AZURE_TENANT_ID": endpoints.tenantId, "AZURE_CLIENT_ID": endpoints.clientId,
                "AZURE_CLIENT_SECRET": endpoints.clientSecret, "AZURE_SUBSCRIPTION_ID": endpoints.subscriptionId,
                "ARM_METADATA_HOSTNAME": endpoints.armHost, "DROVER_CA_FILE": endpoints.caFile,
            ]
            var registry = ProviderRegistry()
            let session = AzureProvider.register(into: &registry, environment: AzureEnvironment(variables: variables))
            let engine = Engine(registry: registry, store: InMemoryStateStore(), parallelism: 8)
            return World(folder: folder, simulator: simulator, endpoints: endpoints, session: session, engine: engine)
        }

        func stop() async {
            try? await session.shutdown()
            await simulator.stop()
            try? FileManager.default.removeItem(at: folder)
        }

        /// Write requests (PUT, PATCH, POST, DELETE) the simulator has answered so far, the token endpoint excepted.
        var writes: Int {
            simulator.requestLog.all.filter { $0.service != "login" && ["PUT", "PATCH", "POST", "DELETE"].contains($0.method) }.count
        }
    }

    static func ref(_ address: ResourceAddress, _ path: String) -> Value { .reference(OutputReference(address, path)) }

    /// The Azure half of a hybrid cluster, in the handlers' own input shapes: a group, NSG, VNet, a Linux and a Windows
    /// VM each with a public IP and NIC, an extension on each, and the Entra ID identity with its role assignment.
    static func configuration(extraRule: Bool = false, linuxSize: String = "Standard_D2s_v5") -> Configuration {
        let group: ResourceAddress = "azure.resource_group/k8s", nsg: ResourceAddress = "azure.network_security_group/k8s"
        let vnet: ResourceAddress = "azure.virtual_network/k8s", app: ResourceAddress = "graph.application/drover-test"
        var rules: [Value] = [
            ["name": "ssh", "priority": 100, "protocol": "Tcp", "destinationPortRanges": ["22"], "sourceAddressPrefix": "203.0.113.0/24"],
            ["name": "vxlan", "priority": 110, "protocol": "Udp", "destinationPortRanges": ["4789"], "sourceAddressPrefix": "VirtualNetwork"],
        ]
        if extraRule {
            rules.append(["name": "kubelet", "priority": 120, "protocol": "Tcp", "destinationPortRanges": ["10250"], "sourceAddressPrefix": "VirtualNetwork"])
        }
        var resources = [
            DesiredResource(group, inputs: ["name": "drover-sim-k8s", "location": "eastus2"]),
            DesiredResource(nsg, inputs: ["name": "k8s-nsg", "resourceGroup": ref(group, "name"), "location": "eastus2", "rules": .array(rules)]),
            DesiredResource(vnet, inputs: [
                "name": "k8s-vnet", "resourceGroup": ref(group, "name"), "location": "eastus2", "addressSpace": "10.0.0.0/16",
                "subnetName": "k8s-subnet", "subnetPrefix": "10.0.1.0/24", "networkSecurityGroupId": ref(nsg, "id"),
            ]),
            DesiredResource(app, inputs: ["displayName": "drover-test"]),
            DesiredResource("graph.service_principal/drover-test", inputs: ["appId": ref(app, "appId")]),
            DesiredResource("graph.client_secret/drover-test", inputs: ["applicationId": ref(app, "id"), "displayName": "drover"]),
            DesiredResource("azure.role_assignment/k8s/contributor", inputs: [
                "scope": ref(group, "id"), "principalId": ref("graph.service_principal/drover-test", "id"), "role": "Contributor",
            ]),
        ]
        for (vm, os, address) in [("k8s-lin-0", "linux", "10.0.1.4"), ("k8s-win-0", "windows", "10.0.1.5")] {
            let pip = ResourceAddress(type: "azure.public_ip", name: "k8s/\(vm)"), nic = ResourceAddress(type: "azure.network_interface", name: "k8s/\(vm)")
            let machine = ResourceAddress(type: "azure.virtual_machine", name: "k8s/\(vm)")
            resources.append(DesiredResource(pip, inputs: [
                "name": .string("\(vm)-pip"), "resourceGroup": ref(group, "name"), "location": "eastus2", "sku": "Standard", "allocation": "Static",
            ]))
            resources.append(DesiredResource(nic, inputs: [
                "name": .string("\(vm)-nic"), "resourceGroup": ref(group, "name"), "location": "eastus2", "subnetId": ref(vnet, "subnetId"),
                "privateIPAddress": .string(address), "publicIPAddressId": ref(pip, "id"),
            ]))
            var inputs: [String: Value] = [
                "name": .string(vm), "computerName": .string(vm), "resourceGroup": ref(group, "name"), "location": "eastus2",
                "size": .string(os == "linux" ? linuxSize : "Standard_D2s_v5"), "os": .string(os), "adminUsername": "drover",
                "networkInterfaceId": ref(nic, "id"),
            ]
            if os == "linux" {
                inputs["image"] = "Canonical:ubuntu-24_04-lts:server:latest"
                inputs["sshPublicKey"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFz1bH8fQxA5rR1mJfH3m7mXb4dQ2f3yJ6tQ0t8b6JkY drover@test"
                inputs["customData"] = "#cloud-config\npackage_update: true\n"
            } else {
                inputs["image"] = "MicrosoftWindowsServer:WindowsServer:2022-datacenter-core-g2:latest"
                inputs["adminPassword"] = "Correct-Horse-Battery-42"
            }
            resources.append(DesiredResource(machine, inputs: inputs))
            resources.append(DesiredResource(ResourceAddress(type: "azure.vm_extension", name: "k8s/\(vm)/join"), inputs: [
                "name": "drover-join", "virtualMachineId": ref(machine, "id"), "os": .string(os),
                "script": .string(os == "linux" ? "#!/bin/sh\necho joined\n" : "Write-Output 'joined'"),
            ]))
        }
        return Configuration(resources)
    }

    @Test func buildsReappliesWithoutWritingUpdatesAndDestroysEverything() async throws {
        let world = try await World.start()
        do {
            let built = try await world.engine.apply(try await world.engine.plan(Self.configuration()))
            let builtOK = built.succeeded
            #expect(builtOK, "\(built.failures)")
            #expect(built.state.resources.count == 15)

            // One PUT per ARM object (issue 8's target), whatever polling its long-running operation took.
            let puts = Dictionary(grouping: world.simulator.requestLog.all.filter { $0.service == "arm" && $0.method == "PUT" }, by: { $0.path.lowercased() })
            #expect(puts.count == 12, "\(puts.keys.sorted())")
            #expect(puts.filter { $0.value.count != 1 }.isEmpty, "sent more than once: \(puts.filter { $0.value.count != 1 }.keys.sorted())")

            // A second run plans nothing and writes nothing.
            let writesBefore = world.writes
            let again = try await world.engine.plan(Self.configuration())
            let changed = again.changes.filter { $0.action != .noop }.map(\.address)
            #expect(changed.isEmpty)
            _ = try await world.engine.apply(again)
            #expect(world.writes == writesBefore)

            // One more NSG rule and a bigger Linux VM: two updates in place (a PUT of the NSG, a PATCH of the VM's size).
            let update = try await world.engine.plan(Self.configuration(extraRule: true, linuxSize: "Standard_D4s_v5"))
            #expect(update.changes.filter { $0.action != .noop }.map(\.address).sorted() == [
                "azure.network_security_group/k8s", "azure.virtual_machine/k8s/k8s-lin-0",
            ])
            #expect(update.changes.allSatisfy { $0.action == .noop || $0.action == .update })
            let updated = try await world.engine.apply(update)
            let updatedOK = updated.succeeded
            #expect(updatedOK, "\(updated.failures)")

            // Destroy leaves the simulated subscription empty.
            // Reading everything back finds what the updates sent: no drift.
            let (_, drift) = try await world.engine.refresh()
            #expect(drift.isEmpty, "\(drift)")
            let destroyed = try await world.engine.apply(try await world.engine.plan(Self.configuration(extraRule: true), mode: .destroy))
            let destroyedOK = destroyed.succeeded
            #expect(destroyedOK, "\(destroyed.failures)")
            let inventory = String(decoding: try JSONEncoder().encode(await world.simulator.inventory()), as: UTF8.self)
            #expect(!inventory.contains("drover-sim-k8s"), "\(inventory.prefix(400))")

            // Every body either side sent matches Microsoft's definition of its operation.
            let check = try ProjectChecks.swaggerValidate(world.folder.appendingPathComponent("requests.jsonl"))
            #expect(check.status == 0, "\(check.output)")
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }

    /// 10 % 5xx, 5 % throttling and dropped connections: the same build converges with no manual step.
    @Test func convergesThroughAFaultyCloud() async throws {
        let world = try await World.start(faults: "500=0.1,429=0.05,drop=0.02")
        do {
            var result = try await world.engine.apply(try await world.engine.plan(Self.configuration()))
            let firstFailures = result.failures.map { "\($0.address): \($0.code ?? "") \($0.message)" }
            var runs = 1
            while !result.succeeded, runs < 4 {
                result = try await world.engine.apply(try await world.engine.plan(Self.configuration()))
                runs += 1
            }
            let converged = result.succeeded
            #expect(converged, "after \(runs) runs: \(result.failures)")
            #expect(runs == 1, "retries inside one run should absorb transient faults; took \(runs) runs; first: \(firstFailures)")
            let remaining = try await world.engine.plan(Self.configuration()).changes.filter { $0.action != .noop }.map(\.address)
            #expect(remaining.isEmpty)
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }
}

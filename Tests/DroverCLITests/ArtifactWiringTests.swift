import DroverAzure
import DroverBlueprint
import DroverCLI
import DroverEngine
import DroverNodes
import DroverTestSupport
import Foundation
import Testing

/// The blueprint against the handlers `drover` really registers, and the artifact resources against `drover render`.
@Suite struct ArtifactWiringTests {
    static let variants: [(Profile, JoinMethod)] = Profile.allCases.flatMap { profile in JoinMethod.allCases.map { (profile, $0) } }

    static func spec(_ profile: Profile, _ joinMethod: JoinMethod) -> ClusterSpec {
        var spec = ClusterSpec.defaults(for: profile)
        spec.cluster.joinMethod = joinMethod
        return spec
    }

    /// The planner decodes every resource's inputs into its handler's `Inputs`: a blueprint input of the wrong shape
    /// fails the plan. No credentials and no network are needed (the Azure session is built on first use).
    @Test(arguments: variants) func everyInputFitsTheRealHandlers(_ profile: Profile, _ joinMethod: JoinMethod) async throws {
        let providers = CompositionRoot.providers(.forState(
            at: FileManager.default.temporaryDirectory.appendingPathComponent("unused").path,
            spec: Self.spec(profile, joinMethod)))
        let configuration = Blueprint(spec: Self.spec(profile, joinMethod)).configuration()
        let engine = Engine(registry: providers.registry, store: InMemoryStateStore())
        let plan = try await engine.plan(configuration)
        #expect(plan.changes.count == configuration.resources.count)
        // Every azure.* and graph.* type of the graph is served by DroverAzure, not by a planning stand-in.
        let azureTypes = Set(configuration.resources.keys.map(\.type).filter { $0.hasPrefix("azure.") || $0.hasPrefix("graph.") })
        #expect(!azureTypes.isEmpty && azureTypes.isSubset(of: Set(AzureProvider.types)))
        try await providers.shutdown()
    }

    /// A blueprint input the handler does not accept fails `drover plan` naming the field.
    @Test func anInputOfTheWrongShapeFailsThePlan() async throws {
        let registry = CompositionRoot.registry(.forState(at: FileManager.default.temporaryDirectory.appendingPathComponent("unused").path))
        let configuration = Configuration([
            DesiredResource("azure.network_security_group/k8s", inputs: [
                "name": "nsg", "resourceGroup": "rg", "location": "eastus", "inboundRules": [["port": 22, "protocol": "Tcp"]],
            ])
        ])
        await #expect(throws: CodedError.self) { try await Engine(registry: registry, store: InMemoryStateStore()).plan(configuration) }
    }

    /// Applied behind fake Azure and Rancher, every artifact resource holds the text `drover render` writes for the
    /// same secrets and addresses, and VMs and extensions received exactly that text.
    @Test(arguments: variants) func artifactResourcesRenderWhatDroverRenderWrites(_ profile: Profile, _ joinMethod: JoinMethod) async throws {
        let spec = Self.spec(profile, joinMethod)
        let engine = fakeCloudEngine(spec)
        let applied = try await engine.apply(try await engine.plan(Blueprint(spec: spec).configuration()))
        #expect(applied.succeeded, "\(applied.failures)")
        let state = applied.state
        func output(_ address: String, _ field: String) -> String? { state.resources[ResourceAddress(parsing: address)!]?.outputs[field]?.stringValue }
        var secrets = ArtifactSecrets.placeholders
        secrets.rke2Token = output("drover.secret/rke2-token", "value") ?? secrets.rke2Token
        secrets.bootstrapPassword = try #require(output("drover.secret/rancher-bootstrap", "value"))
        secrets.registrationToken = fakeRegistrationToken
        if let certificate = output("local.rancher_tls/rancher", "certificate") {
            secrets.rancherTLS = RancherTLSMaterial(
                certificate: certificate, privateKey: try #require(output("local.rancher_tls/rancher", "privateKey")),
                caCertificate: try #require(output("local.rancher_tls/rancher", "caCertificate")))
        }
        var addresses: [String: String] = [:]
        for node in spec.clusterNodes { addresses[node.vmName] = output("azure.public_ip/k8s/\(node.vmName)", "ipAddress") }
        let rendered = Set(try NodeArtifacts(spec: spec).render(secrets, publicAddresses: addresses).map(\.content))

        let artifacts = state.resources.values.filter { $0.address.type.hasPrefix("local.node_") }
        #expect(artifacts.count >= spec.rancherNodes.count + spec.clusterNodes.count)
        for artifact in artifacts {
            let text = try #require(artifact.outputs["text"]?.stringValue)
            #expect(rendered.contains(text), "\(artifact.address) differs from drover render")
        }
        // What the VMs and extensions were given is the artifacts' text, final.
        let texts = Set(artifacts.compactMap { $0.outputs["text"]?.stringValue })
        for resource in state.resources.values where resource.address.type == "azure.virtual_machine" || resource.address.type == "azure.vm_extension" {
            guard let given = (resource.inputs["customData"] ?? resource.inputs["script"])?.stringValue else { continue }
            #expect(texts.contains(given) || rendered.contains(given), "\(resource.address)")
        }
    }

    /// An artifact holding a secret has a sensitive `text`; one without does not; and no secret reaches the plan,
    /// even once the secrets are known and the artifacts render at plan time.
    @Test func secretArtifactsAreSensitiveAndStayOutOfThePlan() async throws {
        let spec = ClusterSpec.defaults(for: .current)
        let engine = fakeCloudEngine(spec)
        let applied = try await engine.apply(try await engine.plan(Blueprint(spec: spec).configuration()))
        #expect(applied.succeeded)
        let state = applied.state
        let secretScript = try #require(state.resources["local.node_secret_artifact/rancher/rke2-secrets"])
        let cloudConfig = try #require(state.resources["local.node_artifact/rancher/rancher-0-vm/cloud-config"])
        #expect(secretScript.sensitivePaths.contains("outputs.text"))
        #expect(!cloudConfig.sensitivePaths.contains("outputs.text"))
        let token = try #require(state.resources["drover.secret/rke2-token"]?.outputs["value"]?.stringValue)
        #expect(secretScript.outputs["text"]?.stringValue?.contains(token) == true)

        var changed = spec
        changed.rancher.version = "v2.14.1"
        let plan = try await engine.plan(Blueprint(spec: changed).configuration())
        #expect(plan.changes.contains { $0.address == "local.node_secret_artifact/rancher/rke2-secrets" && $0.action == .update })
        let text = PlanRenderer().render(plan)
        for secret in [token, fakeRegistrationToken, try #require(state.resources["drover.secret/rancher-bootstrap"]?.outputs["value"]?.stringValue)] {
            #expect(!text.contains(secret))
        }
    }

    /// Rendered at plan time when every input is known; unknown while a reference is open; a secret artifact under
    /// the plain type is refused.
    @Test func plannedOutputsAndTypeChecks() async throws {
        let spec = ClusterSpec.defaults(for: .current)
        let artifacts = NodeArtifacts(spec: spec)
        let server = try #require(spec.rancherNodes.first)
        let plain = NodeArtifactHandler(holdsSecrets: false), secret = NodeArtifactHandler(holdsSecrets: true)
        let known = try Value.encode(artifacts.serverCloudConfig(server))
        let expected = try #require(try NodeArtifacts(spec: spec).render(.placeholders).first { $0.path == "rancher/\(server.vmName)/cloud-config.yaml" })
        #expect(plain.plannedOutputs(old: nil, new: known, prior: nil) == ["text": .string(expected.content)])

        guard case .object(var open) = try Value.encode(artifacts.serverSecretsScript(.placeholders)) else { throw CodedError(code: "Test", message: "not an object") }
        open["rke2Token"] = .reference(OutputReference("drover.secret/rke2-token", "value"))
        #expect(secret.plannedOutputs(old: nil, new: .object(open), prior: nil) == ["text": .unknown])

        let context = OperationContext(address: "local.node_artifact/rancher/rke2-secrets")
        await #expect(throws: CodedError.self) { try await plain.create(artifacts.serverSecretsScript(.placeholders), context: context) }
        #expect(try await secret.create(artifacts.serverSecretsScript(.placeholders), context: context).text.contains(ArtifactSecrets.placeholders.rke2Token))
    }
}

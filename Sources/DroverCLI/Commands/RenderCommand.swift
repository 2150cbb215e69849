import ArgumentParser
import DroverBlueprint
import DroverEngine
import DroverNodes
import Foundation

/// `drover render`: every file a run would send to machines, written out for review.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write every cloud-config, join script, chart manifest and (rancher-2.3) cluster.yml a run would send, for review.",
        discussion: "Secrets appear as SENSITIVE.<name> unless --show-sensitive, which reads them from the state file.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "The folder to write into.") var out = "drover-render"
    @Flag(name: .customLong("show-sensitive"), help: "Write the real secrets from the state file instead of placeholders.")
    var showSensitive = false

    func run() async throws {
        let workspace = Workspace(specPath: options.spec, statePath: options.state, parallelism: 1, sink: { _ in })
        let (spec, warnings) = try workspace.loadSpec()
        Console.diagnostics(warnings)
        let (secrets, addresses) = showSensitive ? try await stateValues(spec, workspace.store) : (.placeholders, [:])
        // Everything is rendered before the first file is written, so an error leaves nothing half-written.
        let artifacts = try NodeArtifacts(spec: spec).render(secrets, publicAddresses: addresses)
        for artifact in artifacts {
            // Paths stay as the user wrote them, so errors name them that way.
            let file = (out as NSString).appendingPathComponent(artifact.path)
            try OutputFile.createFolder((file as NSString).deletingLastPathComponent, mode: 0o700)
            try OutputFile.save(Data(artifact.content.utf8), to: file, mode: artifact.sensitive ? 0o600 : 0o644)
            if options.json {
                Console.json("artifact", JSONLines.Artifact(path: artifact.path, delivery: artifact.delivery.rawValue, sensitive: artifact.sensitive))
            } else {
                Console.out("\(artifact.path)  (\(artifact.delivery.rawValue)\(artifact.sensitive ? ", holds secrets" : ""))")
            }
        }
        if options.json { return Console.json("rendered", JSONLines.Rendered(folder: out, files: artifacts.count)) }
        Console.out("\nWrote \(artifacts.count) files to \(out)/." + (showSensitive
            ? " They hold real secrets: files marked so are mode 0600; delete them when done."
            : " Secrets are shown as SENSITIVE.<name>; --show-sensitive writes the real values."))
    }

    /// Secrets and workload public addresses recorded by an earlier apply, so the files are what apply sent; what the
    /// state does not hold yet stays a placeholder.
    private func stateValues(_ spec: ClusterSpec, _ store: FileStateStore) async throws -> (ArtifactSecrets, [String: String]) {
        let state = try await store.load()
        func output(_ address: ResourceAddress, _ path: String) -> String? { state.resources[address]?.outputs[path]?.stringValue }
        var secrets = ArtifactSecrets.placeholders
        if let v = output(ResourceAddress(type: "drover.secret", name: "rke2-token"), "value") { secrets.rke2Token = v }
        if let v = output(ResourceAddress(type: "drover.secret", name: "rancher-bootstrap"), "value") { secrets.bootstrapPassword = v }
        if let v = output(ResourceAddress(type: "rancher.registration_token", name: spec.cluster.name), "token") { secrets.registrationToken = v }
        if let v = output(ResourceAddress(type: "rancher.bootstrap", name: "rancher"), "caChecksum") { secrets.caChecksum = v }
        if let v = output(ResourceAddress(type: "local.rke1_rancher", name: "rancher"), "caChecksum") { secrets.caChecksum = v }
        let tls = ResourceAddress(type: Blueprint.tlsType, name: "rancher")
        if let certificate = output(tls, "certificate"), let key = output(tls, "privateKey"), let ca = output(tls, "caCertificate") {
            secrets.rancherTLS = RancherTLSMaterial(certificate: certificate, privateKey: key, caCertificate: ca)
            secrets.caChecksum = output(tls, "caChecksum") ?? secrets.caChecksum
        }
        var addresses: [String: String] = [:]
        for node in spec.clusterNodes {
            addresses[node.vmName] = output(ResourceAddress(type: "azure.public_ip", name: "k8s/\(node.vmName)"), "ipAddress")
        }
        Console.note("Warning: --show-sensitive writes secrets into \(out)/; files holding them are mode 0600.")
        return (secrets, addresses)
    }
}

import DroverEngine
import Foundation

/// `rancher.kubeconfig`: a kubeconfig for a cluster Rancher manages — the workload cluster, or Rancher's own `local`
/// cluster (no SSH needed) — from `POST /v3/clusters/<id>?action=generateKubeconfig` (kube-and-rancher-wire.md §C.7:
/// call v3 directly, Steve answers 302). Written mode 0600 under Drover's working directory, optionally merged into
/// `~/.kube/config`; the output is the path, never the content (it holds a token).
public struct KubeconfigHandler: ResourceHandler {
    /// Inputs.
    public struct Inputs: RancherAccessInputs, Equatable {
        public var url: String
        public var rancherToken: String
        public var caCertificate: String?
        /// The management cluster id, or `local` for Rancher's own cluster.
        public var clusterId: String
        /// The file name under the working directory; `kubeconfig-<clusterId>.yaml` when not given.
        public var fileName: String?
        /// Also merge it into `~/.kube/config`; off when not given.
        public var mergeInto: Bool?
    }

    /// Outputs.
    public struct Outputs: Codable, Sendable, Equatable {
        /// Where the kubeconfig is.
        public var path: String
        /// The file it was merged into, if any.
        public var mergedInto: String?
        /// The cluster, user and context names merged, to take out again on delete.
        public var mergedNames: [String: [String]]?
    }

    let session: RancherSession

    /// Creates the handler.
    public init(session: RancherSession) { self.session = session }

    public var type: String { "rancher.kubeconfig" }
    public var replaceTriggers: Set<String> { ["fileName"] }
    public var sensitiveInputs: Set<String> { ["rancherToken"] }

    func path(_ inputs: Inputs) -> URL {
        session.environment.workingDirectory.appendingPathComponent(inputs.fileName ?? "kubeconfig-\(inputs.clusterId).yaml")
    }

    var userKubeconfig: URL { session.environment.homeDirectory.appendingPathComponent(".kube/config") }

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        let client = try await session.client(for: inputs)
        struct Generated: Decodable { var config: String }
        let generated = try await client.json(
            Generated.self, "POST", "/v3/clusters/\(inputs.clusterId)", query: [("action", "generateKubeconfig")], idempotent: true, context: context)
        let file = path(inputs)
        try PrivateFile.write(Data(generated.config.utf8), to: file)
        context.report("kubeconfig of \(inputs.clusterId) written to \(file.path) (mode 0600)")
        guard inputs.mergeInto == true else { return Outputs(path: file.path) }
        let target = userKubeconfig
        let existing = try? String(contentsOf: target, encoding: .utf8)
        let merged = try KubeconfigMerge.merge(generated.config, into: existing, existingPath: target.path)
        try PrivateFile.write(Data(merged.utf8), to: target)
        context.report("kubeconfig of \(inputs.clusterId) merged into \(target.path)")
        return Outputs(path: file.path, mergedInto: target.path, mergedNames: KubeconfigMerge.names(generated.config))
    }

    /// Gone when the file is gone (it is then written again).
    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        guard let prior, FileManager.default.fileExists(atPath: prior.path) else { return nil }
        return Observed(prior)
    }

    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        try await delete(old, prior: prior, context: context)
        return try await create(new, context: context)
    }

    /// Removes the file and the merged entries.
    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        try? FileManager.default.removeItem(atPath: prior.path)
        guard let merged = prior.mergedInto, let names = prior.mergedNames, let existing = try? String(contentsOfFile: merged, encoding: .utf8) else { return }
        try PrivateFile.write(Data(try KubeconfigMerge.remove(names, from: existing, existingPath: merged).utf8), to: URL(fileURLWithPath: merged))
    }
}

import DroverEngine
import Yams

/// The kubeconfig RKE2 writes on a server, made usable from outside.
public enum Kubeconfig {
    /// `yaml` with every cluster's `server` set to `server` (RKE2 writes `https://127.0.0.1:6443`).
    public static func pointing(_ yaml: String, to server: String) throws(CodedError) -> String {
        guard case .mapping(var root)? = try? Yams.compose(yaml: yaml),
            case .sequence(var clusters)? = root["clusters"], !clusters.isEmpty
        else {
            throw CodedError(code: "BadKubeconfig", message: "the kubeconfig fetched from the server has no clusters",
                remediation: "check \(RKE2ServerBootstrap.kubeconfigPath) on the first Rancher server")
        }
        for index in clusters.indices {
            guard case .mapping(var entry) = clusters[index], case .mapping(var cluster)? = entry["cluster"] else { continue }
            cluster["server"] = Node(server)
            entry["cluster"] = .mapping(cluster)
            clusters[index] = .mapping(entry)
        }
        root["clusters"] = .sequence(clusters)
        return (try? Yams.serialize(node: .mapping(root))) ?? yaml
    }
}

extension SSHRunner {
    /// Fetches the kubeconfig RKE2 wrote on the first Rancher server and points it at `https://FQDN:6443`, the
    /// load balancer (RKE2's certificate lists the FQDN in `tls-san`).
    public func fetchKubeconfig(
        from server: SSHTarget, fqdn: String, path: String = RKE2ServerBootstrap.kubeconfigPath, sudo: Bool = true
    ) async throws -> String {
        let raw = String(decoding: try await fetch(path, on: server, sudo: sudo), as: UTF8.self)
        return try Kubeconfig.pointing(raw, to: "https://\(fqdn):6443")
    }
}

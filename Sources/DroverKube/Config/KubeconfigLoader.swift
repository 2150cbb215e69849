import DroverEngine
import Foundation

/// Finds and merges kubeconfig files the way kubectl does: an explicit path alone; otherwise every file of
/// `KUBECONFIG` (colon separated, missing ones skipped, the first to define a name wins); otherwise `~/.kube/config`.
public enum KubeconfigLoader {
    /// The merged kubeconfig.
    /// - Throws: `CodedError` `KubeconfigNotFound`, or the parser's errors naming file and position.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                            home: String = NSHomeDirectory()) throws -> Kubeconfig {
        let candidates: [String]
        let explicit: Bool
        if let path {
            candidates = [path]
            explicit = true
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            candidates = list.split(separator: ":").map(String.init)
            explicit = false
        } else {
            candidates = [(home as NSString).appendingPathComponent(".kube/config")]
            explicit = true
        }
        var merged = Kubeconfig()
        var found = false
        for file in candidates {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                if explicit {
                    throw CodedError(
                        code: "KubeconfigNotFound", message: "cannot read the kubeconfig \(file)",
                        remediation: "pass --kubeconfig with the file Rancher or the cluster gave you, or set KUBECONFIG", nothingApplied: true)
                }
                continue
            }
            found = true
            merged.merge(try KubeconfigParser(file: file).parse(text))
        }
        guard found else {
            throw CodedError(
                code: "KubeconfigNotFound", message: "none of the KUBECONFIG files can be read: \(candidates.joined(separator: ", "))",
                remediation: "set KUBECONFIG to existing files or pass --kubeconfig", nothingApplied: true)
        }
        return merged
    }
}

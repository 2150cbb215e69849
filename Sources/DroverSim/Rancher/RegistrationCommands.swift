import Crypto
import Foundation

/// The node commands of a cluster registration token, from the templates of rancher-api.md §3.3 (Go format strings,
/// verbatim) and the fill-in rules of kube-and-rancher-wire.md §C.3.
struct RegistrationCommands {
    var version: RancherVersion
    /// True for a provisioning v2 (RKE2) cluster (rancher-api.md §3.3 `isRKE2`).
    var isRKE2: Bool
    /// `server-url`, or the request host on 2.3–2.5 (rancher-api.md §7 item 4).
    var rootURL: String
    var token: String
    var clusterId: String
    /// The `cacerts` setting; empty ⇒ no checksum flag (rancher-api.md §6.1).
    var caCertificates: String

    /// sha256 of `cacerts` with a trailing newline ensured (rancher-api.md §6.1, kube-and-rancher-wire.md §C.8).
    static func checksum(of caCertificates: String) -> String? {
        guard !caCertificates.isEmpty else { return nil }
        let text = caCertificates.hasSuffix("\n") ? caCertificates : caCertificates + "\n"
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Every status field of the token (rancher-api.md §3.2); commands empty where the version leaves them empty.
    func fields() -> [String: String] {
        let checksum = Self.checksum(of: caCertificates)
        let ca = checksum.map { " --ca-checksum \($0)" } ?? ""
        var result = ["token": token, "manifestUrl": manifestURL]
        result["command"] = "kubectl apply -f \(manifestURL)"
        result["insecureCommand"] = "curl --insecure -sfL \(manifestURL) | kubectl apply -f -"
        // No agent env vars are configured, so every envVars %s is empty (the double spaces of §6.6 stay).
        let envVars = ""
        if isRKE2 {
            let windowsCA = checksum.map { " -CaChecksum \($0)" } ?? ""
            let linuxScript = rootURL + "/system-agent-install.sh"
            let windowsScript = rootURL + "/wins-agent-install.ps1"
            result["nodeCommand"] = "\(envVars) curl -fL \(linuxScript) | sudo \(envVars) sh -s - --server \(rootURL) --label 'cattle.io/os=linux' --token \(token)\(ca)"
            result["insecureNodeCommand"] = "\(envVars) curl --insecure -fL \(linuxScript) | sudo \(envVars) sh -s - --server \(rootURL) --label 'cattle.io/os=linux' --token \(token)\(ca)"
            result["windowsNodeCommand"] = "\(envVars) curl.exe -fL \(windowsScript) -o install.ps1; Set-ExecutionPolicy Bypass -Scope Process -Force; ./install.ps1 -Server \(rootURL) -Label 'cattle.io/os=windows' -Token \(token) -Worker\(windowsCA)"
            result["insecureWindowsNodeCommand"] = "\(envVars) curl.exe --insecure -fL \(windowsScript) -o install.ps1; Set-ExecutionPolicy Bypass -Scope Process -Force; ./install.ps1 -Server \(rootURL) -Label 'cattle.io/os=windows' -Token \(token) -Worker\(windowsCA)"
            return result
        }
        let image = version.agentImage
        // The Windows agent image env is set only with a private registry (agentImageDockerEnv, §3.3 2.3.x).
        let imageEnv = ""
        if version < RancherVersion(2, 5) {
            result["nodeCommand"] = "sudo docker run -d --privileged --restart=unless-stopped --net=host -v /etc/kubernetes:/etc/kubernetes -v /var/run:/var/run \(image) --server \(rootURL) --token \(token)\(ca)"
        } else {
            result["nodeCommand"] = "sudo docker run -d --privileged --restart=unless-stopped --net=host -v /etc/kubernetes:/etc/kubernetes -v /var/run:/var/run \(envVars) \(image) --server \(rootURL) --token \(token)\(ca)"
        }
        if version < RancherVersion(2, 4) {
            result["windowsNodeCommand"] = "PowerShell -NoLogo -NonInteractive -Command \"& {docker run -v c:/:c:/host \(imageEnv)\(image) bootstrap --server \(rootURL) --token \(token)\(ca) | iex}\""
        } else {
            // 2.4+: backslashes and the optional " --prefix-path" (no prefix path is configured: empty).
            let prefixPath = ""
            result["windowsNodeCommand"] = "PowerShell -NoLogo -NonInteractive -Command \"& {docker run -v c:\\:c:\\host \(imageEnv)\(image) bootstrap --server \(rootURL) --token \(token)\(ca)\(prefixPath) | iex}\""
        }
        // insecureNodeCommand / insecureWindowsNodeCommand are only filled for RKE2 (R-2.6 status.go, §3.2).
        if version >= RancherVersion(2, 6) {
            result["insecureNodeCommand"] = ""
            result["insecureWindowsNodeCommand"] = ""
        }
        return result
    }

    /// `<server-url>/v3/import/<token>.yaml` on 2.3/2.4, `<token>_<clusterId>.yaml` from 2.5 (rancher-api.md §3.2).
    var manifestURL: String {
        version < RancherVersion(2, 5) ? "\(rootURL)/v3/import/\(token).yaml" : "\(rootURL)/v3/import/\(token)_\(clusterId).yaml"
    }
}

/// Registration commands formatted the way Rancher formats them (rancher-api.md §3.3), for `drover render` to
/// show what a node will run before Rancher has issued the real command.
public enum RegistrationTemplates {
    /// Linux `nodeCommand` of Rancher `rancherVersion` (RKE2 system agent when `rke2`, else the RKE1 Docker agent).
    public static func linux(rancherVersion: String, rke2: Bool, server: String, token: String, caChecksum: String?) -> String {
        let ca = caChecksum.map { " --ca-checksum \($0)" } ?? ""
        if rke2 {
            return " curl -fL \(server)/system-agent-install.sh | sudo  sh -s - --server \(server) --label 'cattle.io/os=linux' --token \(token)\(ca)"
        }
        let env = isAtLeast(rancherVersion, 2, 5) ? " " : ""
        return "sudo docker run -d --privileged --restart=unless-stopped --net=host -v /etc/kubernetes:/etc/kubernetes -v /var/run:/var/run \(env)rancher/rancher-agent:\(rancherVersion) --server \(server) --token \(token)\(ca)"
    }

    /// Windows `windowsNodeCommand` of Rancher `rancherVersion`.
    public static func windows(rancherVersion: String, rke2: Bool, server: String, token: String, caChecksum: String?) -> String {
        if rke2 {
            return " curl.exe -fL \(server)/wins-agent-install.ps1 -o install.ps1; Set-ExecutionPolicy Bypass -Scope Process -Force; ./install.ps1 -Server \(server) -Label 'cattle.io/os=windows' -Token \(token) -Worker\(caChecksum.map { " -CaChecksum \($0)" } ?? "")"
        }
        let volume = isAtLeast(rancherVersion, 2, 4) ? #"c:\:c:\host"# : "c:/:c:/host"
        return #"PowerShell -NoLogo -NonInteractive -Command "& {docker run -v \#(volume) rancher/rancher-agent:\#(rancherVersion) bootstrap --server \#(server) --token \#(token)\#(caChecksum.map { " --ca-checksum \($0)" } ?? "") | iex}""#
    }

    private static func isAtLeast(_ version: String, _ major: Int, _ minor: Int) -> Bool {
        let parts = version.drop { $0 == "v" }.split(separator: ".").compactMap { Int($0.prefix { $0.isNumber }) }
        guard parts.count >= 2 else { return true }
        return (parts[0], parts[1]) >= (major, minor)
    }
}

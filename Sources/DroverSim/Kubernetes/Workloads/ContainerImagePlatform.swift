import Foundation

/// The platform a container image runs on, recognised from its name the way peers.md P3 describes Microsoft's
/// Windows bases: `mcr.microsoft.com/windows/{servercore,nanoserver,server}` and `mcr.microsoft.com/windows` itself,
/// or any tag naming a Windows base (`…-windowsservercore-ltsc2019`, `…-nanoserver-1809`); the tag's release
/// (`ltsc2019`/`1809` ⇒ 10.0.17763, `ltsc2022` ⇒ 10.0.20348, `ltsc2025` ⇒ 10.0.26100) is the Windows build the host
/// must run (kube-and-rancher-wire.md §D `node.kubernetes.io/windows-build`). Every other image is Linux.
struct ContainerImagePlatform: Sendable, Equatable {
    /// `linux` or `windows`.
    let os: String
    /// `10.0.<build>` for a Windows image whose tag names its release, else nil.
    let windowsBuild: String?

    private static let releases: [(tokens: [String], build: String)] = [
        (["ltsc2019", "1809", "17763"], "10.0.17763"),
        (["ltsc2022", "20348"], "10.0.20348"),
        (["ltsc2025", "26100"], "10.0.26100"),
    ]
    private static let windowsRepositories = ["mcr.microsoft.com/windows/servercore", "mcr.microsoft.com/windows/nanoserver",
                                              "mcr.microsoft.com/windows/server", "mcr.microsoft.com/windows"]
    private static let windowsTagWords = ["windowsservercore", "nanoserver", "servercore"]

    /// Recognises `image` (`repository[:tag][@digest]`).
    init(image: String) {
        let withoutDigest = image.split(separator: "@").first.map(String.init) ?? image
        let lastSlash = withoutDigest.lastIndex(of: "/") ?? withoutDigest.startIndex
        let colon = withoutDigest[lastSlash...].lastIndex(of: ":")
        let repository = colon.map { String(withoutDigest[..<$0]) } ?? withoutDigest
        let tag = colon.map { String(withoutDigest[withoutDigest.index(after: $0)...]) } ?? "latest"
        let tagWords = tag.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." }).map(String.init)
        let windows = Self.windowsRepositories.contains(repository.lowercased())
            || tagWords.contains { Self.windowsTagWords.contains($0) }
        os = windows ? "windows" : "linux"
        windowsBuild = windows ? Self.releases.first { release in release.tokens.contains { tagWords.contains($0) } }?.build : nil
    }

    /// Why a node of `nodeOS` (and `nodeBuild`) cannot run this image, as the kubelet reports it, or nil.
    /// A platform the image's manifest list lacks fails the pull (ErrImagePull); a Windows build other than the
    /// host's fails container creation (peers.md P3 "The container operating system does not match the host
    /// operating system").
    func failure(image: String, nodeOS: String, nodeBuild: String?) -> (reason: String, message: String)? {
        if os != nodeOS {
            let platform = nodeOS == "windows" ? "windows/amd64 \(nodeBuild ?? "")".trimmingCharacters(in: .whitespaces) : "\(nodeOS)/amd64"
            return ("ErrImagePull", "failed to pull and unpack image \"\(image)\": no matching manifest for \(platform) in the manifest list entries")
        }
        if os == "windows", let windowsBuild, let nodeBuild, windowsBuild != nodeBuild {
            return ("CreateContainerError",
                    "failed to create containerd container: hcs::CreateComputeSystem: The container operating system does not match the host operating system. (image \(image) is Windows \(windowsBuild), host is \(nodeBuild))")
        }
        return nil
    }
}

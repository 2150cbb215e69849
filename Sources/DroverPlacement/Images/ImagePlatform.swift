/// One platform entry of an image as its registry describes it: an OCI image index / Docker manifest list
/// `manifests[].platform`, or a single image's config (`os`, `os.version`, `architecture`).
///
/// Source: OCI image-spec `image-index.md` ("platform": architecture, os, os.version) and `config.md`.
public struct ImagePlatform: Sendable, Hashable, Codable {
    /// `linux`, `windows`, …
    public var os: String
    /// The architecture, such as `amd64`.
    public var architecture: String
    /// For Windows, `10.0.17763.5458`; usually absent for Linux.
    public var osVersion: String?

    /// Creates a platform.
    public init(os: String, architecture: String, osVersion: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.osVersion = osVersion
    }

    enum CodingKeys: String, CodingKey {
        case os, architecture
        case osVersion = "os.version"
    }

    /// What a registry's list of platforms says: one OS decides it (and one Windows build decides the build);
    /// several OSes decide nothing. `unknown` and attestation entries are ignored.
    public static func verdict(_ platforms: [ImagePlatform], image: String) -> ImageVerdict {
        let known = platforms.filter { OperatingSystem(rawValue: $0.os) != nil }
        let systems = Set(known.compactMap { OperatingSystem(rawValue: $0.os) })
        let listing = known.map { p in p.osVersion.map { "\(p.os)/\(p.architecture) \($0)" } ?? "\(p.os)/\(p.architecture)" }
            .joined(separator: ", ")
        guard systems.count == 1, let os = systems.first else {
            return systems.isEmpty ? .unknown : .multiOS(reason: "registry lists \(listing) for \(image)")
        }
        let builds = Set(known.compactMap { $0.osVersion.flatMap(WindowsBuild.init(osVersion:)) })
        let build = os == .windows && builds.count == 1 ? builds.first : nil
        return .requires(os, build: build, reason: "registry lists \(listing) for \(image)")
    }
}

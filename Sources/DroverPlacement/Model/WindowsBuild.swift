/// A Windows build number (17763 for Windows Server 2019, 20348 for 2022): process-isolated containers only run on
/// a node of the same build.
public struct WindowsBuild: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The build number, the third part of `10.0.17763.x`.
    public var number: Int

    /// Creates a build from its number.
    public init(_ number: Int) { self.number = number }

    /// The value of the `node.kubernetes.io/windows-build` node label (`10.0.17763`), which the kubelet sets from
    /// the node's major.minor.build (Kubernetes docs, "Well-Known Labels": node.kubernetes.io/windows-build).
    public var nodeLabel: String { "10.0.\(number)" }

    public var description: String { String(number) }

    /// Reads `10.0.17763`, `10.0.17763.5458` or a bare `17763`.
    public init?(osVersion: String) {
        let parts = osVersion.split(separator: ".")
        if parts.count >= 3, parts[0] == "10", parts[1] == "0", let build = Int(parts[2]) {
            self.number = build
        } else if parts.count == 1, let build = Int(parts[0]), build >= 10000 {
            self.number = build
        } else {
            return nil
        }
    }

    public static func < (lhs: WindowsBuild, rhs: WindowsBuild) -> Bool { lhs.number < rhs.number }
}

/// The operating system a container image is built for, as Kubernetes names it in `spec.os.name` and the
/// `kubernetes.io/os` node label.
public enum OperatingSystem: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case linux
    case windows

    public static func < (lhs: OperatingSystem, rhs: OperatingSystem) -> Bool { lhs.rawValue < rhs.rawValue }
}

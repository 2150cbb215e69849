/// One fact that points a workload at an operating system (and perhaps a Windows build), with where it was found.
public struct Evidence: Sendable, Hashable, CustomStringConvertible {
    /// Where the fact was found: a field path such as `spec.containers[web].image`, or `registry`.
    public var field: String
    /// The operating system the fact requires, or nil when it decides nothing (a multi-OS image).
    public var os: OperatingSystem?
    /// The Windows build the fact requires, when it names one.
    public var build: WindowsBuild?
    /// Why the fact means what it means, in a few words.
    public var reason: String

    /// Creates a piece of evidence.
    public init(field: String, os: OperatingSystem?, build: WindowsBuild? = nil, reason: String) {
        self.field = field
        self.os = os
        self.build = build
        self.reason = reason
    }

    /// `spec.containers[web].image → windows 20348 (…)`.
    public var description: String {
        let verdict = os.map { os in build.map { "\(os.rawValue) \($0)" } ?? os.rawValue } ?? "decides nothing"
        return "\(field) → \(verdict) (\(reason))"
    }
}

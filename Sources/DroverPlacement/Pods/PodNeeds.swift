/// What a pod needs to run, read from its images and its own fields, with every piece of evidence.
public struct PodNeeds: Sendable, Hashable {
    /// The operating system the evidence agrees on; nil when nothing decides it.
    public var os: OperatingSystem?
    /// The Windows build the evidence agrees on; nil when unknown or not Windows.
    public var build: WindowsBuild?
    /// Every fact considered, including those that decide nothing.
    public var evidence: [Evidence]
    /// Contradictions that make a decision impossible (containers needing different OSes or builds).
    public var problems: [String]

    /// Creates the needs of a pod.
    public init(os: OperatingSystem?, build: WindowsBuild?, evidence: [Evidence], problems: [String] = []) {
        self.os = os
        self.build = build
        self.evidence = evidence
        self.problems = problems
    }
}

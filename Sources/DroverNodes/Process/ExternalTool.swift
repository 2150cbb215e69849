import DroverEngine
import Foundation

/// A program Drover runs on the user's machine (profile rancher-2.3: `rke`, Helm 2, `kubectl`), with where to get it.
public struct ExternalTool: Sendable, Equatable {
    /// The command name looked up on PATH.
    public var name: String
    /// Which version to install and from where.
    public var installHint: String

    /// Creates a tool description.
    public init(name: String, installHint: String) {
        self.name = name
        self.installHint = installHint
    }

    /// RKE1, which builds the Rancher 2.3 server cluster from `cluster.yml`.
    public static let rke = ExternalTool(
        name: "rke", installHint: "install RKE v0.3.x (it ships Kubernetes v1.15) from https://github.com/rancher/rke/releases and put it on PATH")
    /// Helm 2 with Tiller, which installs cert-manager and Rancher 2.3.
    public static let helm = ExternalTool(
        name: "helm", installHint: "install Helm v2.16 (profile rancher-2.3 needs Helm 2 and Tiller) from https://github.com/helm/helm/releases and put it on PATH")
    /// kubectl, for cert-manager's CRDs and namespace.
    public static let kubectl = ExternalTool(
        name: "kubectl", installHint: "install kubectl from https://kubernetes.io/docs/tasks/tools/ and put it on PATH")

    /// The tools known by name.
    public static let known: [String: ExternalTool] = [rke.name: rke, helm.name: helm, kubectl.name: kubectl]
}

/// Runs external tools as subprocesses with live output, and turns a missing binary or a failure into a clear error.
public struct ToolRunner: Sendable {
    /// The PATH searched for tools.
    public var searchPath: String
    /// Where the tools run (`cluster.yml` and its kubeconfig live there).
    public var workingDirectory: URL
    /// Receives every output line, prefixed with the tool's name.
    public var onLine: @Sendable (String) -> Void

    /// Creates a runner searching `searchPath` (the process's PATH by default).
    public init(
        workingDirectory: URL, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
        onLine: @escaping @Sendable (String) -> Void
    ) {
        self.workingDirectory = workingDirectory
        self.searchPath = searchPath
        self.onLine = onLine
    }

    /// Where `name` is on the search path, if anywhere.
    public func locate(_ name: String) -> URL? {
        searchPath.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Checks that every tool the commands use is installed, before any runs; names each missing one.
    public func preflight(_ commands: [[String]]) throws(CodedError) {
        let missing = Set(commands.compactMap(\.first)).sorted().filter { locate($0) == nil }
        guard missing.isEmpty else {
            throw CodedError(
                code: "ToolNotFound", message: "not on PATH: \(missing.joined(separator: ", "))",
                remediation: missing.map { ExternalTool.known[$0]?.installHint ?? "install \($0)" }.joined(separator: "; "))
        }
    }

    /// Runs one command (`argv[0]` looked up on PATH); throws `ToolFailed` with the last lines of output on a non-zero exit.
    public func run(_ argv: [String]) async throws -> ProcessOutput {
        try preflight([argv])
        let name = argv[0]
        let onLine = self.onLine
        let output = try await ProcessRunner.run(
            locate(name)!, Array(argv.dropFirst()), currentDirectory: workingDirectory, onLine: { onLine("\(name): \($0)") })
        guard output.status == 0 else {
            let tail = (output.stderr.isEmpty ? output.stdout : output.stderr).split(separator: "\n").suffix(5).joined(separator: "\n    ")
            throw CodedError(
                code: "ToolFailed", message: "`\(argv.prefix(3).joined(separator: " "))` exited with status \(output.status):\n    \(tail)",
                remediation: "fix what it reports and run the same drover command again; finished steps are not repeated")
        }
        return output
    }

    /// Runs commands in order, stopping at the first failure; every tool is checked for before the first starts.
    public func runAll(_ commands: [[String]]) async throws {
        try preflight(commands)
        for command in commands { _ = try await run(command) }
    }
}

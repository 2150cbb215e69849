import ArgumentParser
import DroverEngine
import DroverPlacement
import DroverPlacementNet
import Foundation

/// `drover place`: pins workloads to the OS and Windows build their images need.
struct PlaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Add spec.os, the kubernetes.io/os and windows-build node selectors and needed tolerations to workloads.",
        discussion: """
        Reads Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job and CronJob objects (other kinds pass through \
        untouched) and prints the stream with placement added; the report goes to standard error. Explicit choices are \
        kept: a conflict with the images is reported and that workload left unchanged, and the exit status is 1.
        """)

    @Option(name: .shortAndLong, help: "A YAML file, a folder of *.yaml/*.yml files, or - for standard input.") var file: String
    @OptionGroup var placement: PlacementFlags
    @Flag(help: "Show the evidence behind each decision and the fields added.") var explain = false
    @Flag(help: "Ask each image's registry for its platforms (OCI image index / manifest list) before deciding.") var resolve = false
    @OptionGroup var registry: RegistryFlags
    @Option(help: "A kubeconfig: read the cluster's nodes, tolerate their OS taints and warn when no node can run a workload.")
    var cluster: String?
    @OptionGroup var clusterFlags: ClusterFlags

    func run() async throws {
        let inputs = try PlaceInput.read(file)
        var analyzer = PodAnalyzer()
        if resolve {
            let images = try inputs.flatMap { try PlaceRun.images(in: $0.text, file: $0.name) }
            let (verdicts, failures) = try await registry.resolver().verdicts(for: images)
            for (image, failure) in failures.sorted(by: { $0.key < $1.key }) {
                Console.err("Warning: \(image): \(failure.message); its name decides instead" + (failure.remediation.map { " (fix: \($0))" } ?? ""))
            }
            analyzer.resolved = verdicts
        }
        var options = try placement.options()
        if let cluster { options = try await ClusterAccess.options(options, kubeconfig: cluster, flags: clusterFlags) }
        let placer = WorkloadPlacer(options: options, analyzer: analyzer)
        var placements: [WorkloadPlacement] = []
        for (index, input) in inputs.enumerated() {
            let run = try CodedPlacementError.wrap { try PlaceRun(text: input.text, file: input.name, placer: placer) }
            if inputs.count > 1 { Console.out((index == 0 ? "" : "---\n") + "# Source: \(input.name)") }
            Console.out(run.output, terminator: run.output.hasSuffix("\n") || run.output.isEmpty ? "" : "\n")
            placements += run.placements
        }
        Console.err(String(PlacementReport.render(placements, explain: explain).dropLast()))
        for warning in options.cluster?.fitWarnings(placements) ?? [] { Console.err("Warning: \(warning)") }
        let conflicts = placements.filter(\.isConflict).count
        if conflicts > 0 {
            throw CodedError(code: "PlacementConflict", message: "\(conflicts) workload\(conflicts == 1 ? "" : "s") left unchanged because of conflicts (listed above)",
                             remediation: "fix the workload's image or its nodeSelector/affinity/spec.os so they agree")
        }
    }
}

/// The files `place` reads.
enum PlaceInput {
    /// (name for errors, text) of the file, of each YAML file in a folder (sorted), or of standard input.
    static func read(_ path: String) throws -> [(name: String, text: String)] {
        if path == "-" {
            return [("<stdin>", String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self))]
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CodedError(code: "FileNotFound", message: "\(path) does not exist", remediation: "pass a YAML file, a folder of them, or - for standard input")
        }
        let files = isFolder.boolValue
            ? try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            : [path]
        return try files.map { ($0, try String(contentsOfFile: $0, encoding: .utf8)) }
    }
}

/// Flags shared by `place` and the webhook: the default OS and the cluster's taints.
struct PlacementFlags: ParsableArguments {
    @Option(name: .customLong("default-os"), help: "The OS for workloads nothing decides: linux or windows.") var defaultOS: String?
    @Flag(name: .customLong("rke1-windows-preferred"), help: "The cluster is RKE1 Windows-preferred: Linux workloads tolerate cattle.io/os=linux:NoSchedule.")
    var rke1WindowsPreferred = false

    /// The placement options these flags give.
    func options() throws -> PlacementOptions {
        var os: OperatingSystem?
        if let defaultOS {
            guard let parsed = OperatingSystem(rawValue: defaultOS) else {
                throw CodedError(code: "InvalidDefaultOS", message: "--default-os \(defaultOS) is not an OS Kubernetes schedules", remediation: "use --default-os linux or --default-os windows")
            }
            os = parsed
        }
        return PlacementOptions(defaultOS: os, rke1WindowsPreferred: rke1WindowsPreferred)
    }
}

/// Registry access for `--resolve`.
struct RegistryFlags: ParsableArguments {
    @Option(name: .customLong("registry-auth"), help: "HOST=USER:PASSWORD-FILE; the password is read from the file. Repeatable.")
    var auth: [String] = []
    @Option(name: .customLong("plain-http-registry"), help: "A loopback registry (127.0.0.1:PORT or localhost:PORT) reached without TLS. Repeatable.")
    var plainHTTP: [String] = []
    @Option(name: .customLong("registry-cache"), help: "Where registry answers are cached (mode 0600).")
    var cache = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/drover/registry-platforms.json").path

    /// A resolver with these credentials and cache.
    func resolver() throws -> RegistryResolver {
        var credentials: [String: RegistryCredential] = [:]
        for entry in auth {
            guard let equals = entry.firstIndex(of: "="), let colon = entry[equals...].firstIndex(of: ":") else {
                throw CodedError(code: "InvalidRegistryAuth", message: "--registry-auth expects HOST=USER:PASSWORD-FILE", remediation: "for example --registry-auth registry.example.com=robot:./robot.password")
            }
            let file = String(entry[entry.index(after: colon)...])
            let password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            credentials[String(entry[..<equals])] = RegistryCredential(username: String(entry[entry.index(after: equals)..<colon]), password: password)
        }
        for host in plainHTTP where !(host.hasPrefix("127.0.0.1:") || host.hasPrefix("localhost:") || host.hasPrefix("[::1]:")) {
            throw CodedError(code: "PlainHTTPRegistry", message: "\(host) is not a loopback registry", remediation: "only loopback registries may be reached without TLS")
        }
        return RegistryResolver(transport: HTTPRegistryTransport(), credentials: credentials, plainHTTPHosts: Set(plainHTTP),
                                cacheFile: URL(fileURLWithPath: cache))
    }
}

/// Turns the placement module's errors into the CLI's `CodedError`, which `ErrorRenderer` shows.
enum CodedPlacementError {
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PlacementError {
            throw CodedError(code: error.code, message: error.message, remediation: error.remediation)
        }
    }
}

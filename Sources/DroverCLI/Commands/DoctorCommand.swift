import ArgumentParser
import DroverEngine
import DroverPlacement

/// `drover doctor`: reads a live cluster and reports what keeps workloads off the right OS and build.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Diagnose a hybrid cluster: OS and build mismatches, Windows nodes NotReady, missing OS labels, workloads without an OS, a CNI Windows cannot use.",
        discussion: "Exits 1 when an error is found (warnings alone exit 0). Reads nodes, pods and workloads in every namespace.")

    @Option(help: "The kubeconfig (default: KUBECONFIG, then ~/.kube/config).") var kubeconfig: String?
    @OptionGroup var clusterFlags: ClusterFlags
    @Option(name: .shortAndLong, help: "Output format: table or json.") var output = "table"

    func run() async throws {
        guard ["table", "json"].contains(output) else {
            throw CodedError(code: "InvalidOutputFormat", message: "-o \(output) is not an output format of doctor", remediation: "use -o table or -o json")
        }
        let input = try await ClusterAccess.with(kubeconfig: kubeconfig, flags: clusterFlags) { try await ClusterAccess.doctorInput($0) }
        let findings = ClusterDoctor().diagnose(input)
        Console.out(output == "json" ? try DoctorReport.json(input.cluster, findings) : DoctorReport.table(input.cluster, findings), terminator: "")
        if findings.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}

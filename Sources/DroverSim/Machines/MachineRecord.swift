import Foundation

/// The operating system family of a simulated machine.
public enum MachineOS: String, Codable, Sendable {
    case linux, windows
}

/// Everything one simulated machine holds: what Azure gave it, its files, services, features and log. Kept in the
/// Azure simulator's world (0600), so a restarted simulator still shows why a node never joined.
public struct MachineRecord: Codable, Sendable, Equatable {
    /// The virtual machine's ARM id.
    public var vmID: String
    /// The host name (`osProfile.computerName`, else the VM name).
    public var hostName: String
    /// Linux or Windows (the VM's `osDisk.osType`).
    public var os: MachineOS
    /// `publisher:offer:sku` of the VM's image.
    public var image: String
    /// The decoded custom data (azure-api.md §6.1: saved as a file on the machine).
    public var customData: String?
    /// Files by absolute path (Windows paths as written, `C:\...`).
    public var files: [String: MachineFile] = [:]
    /// Services by name: `enabled`, `running`.
    public var services: [String: String] = [:]
    /// Windows features by name: `installed-pending-reboot` or `enabled`.
    public var features: [String: String] = [:]
    /// Scheduled tasks with an AtStartup trigger: task name → command line.
    public var startupTasks: [String: String] = [:]
    /// What the machine is doing: `created`, `booted`, `running`, `joining`, `joined`, `failed`, `rebooting`.
    public var state: String = "created"
    /// cloud-init's outcome: `running`, `done` or `error` (nil on Windows and before boot).
    public var cloudInit: String?
    /// Root certificates cloud-init's `ca_certs` added to the machine's trust store (PEM).
    public var addedRoots: [String] = []
    /// What the machine's Rancher server came to: nil (none), or a line such as `installed 2.14.0 on host`.
    public var rancher: String?
    /// A restart was asked for (`shutdown.exe /r`, `Restart-Computer`); it happens when the running script ends.
    public var restartPending: Bool = false
    /// Times the machine booted.
    public var boots: Int = 0
    /// Extensions created before the machine booted, run right after boot (ids).
    public var waitingExtensions: [String] = []
    /// The node log (`/var/log/drover-join.log`, `C:\drover\join.log`).
    public var log: [String] = []

    /// Creates the record of a machine that has not booted yet.
    public init(vmID: String, hostName: String, os: MachineOS, image: String, customData: String?) {
        self.vmID = vmID
        self.hostName = hostName
        self.os = os
        self.image = image
        self.customData = customData
    }

    /// Where the node log lives on the machine.
    public var logPath: String { os == .windows ? #"C:\drover\join.log"# : "/var/log/drover-join.log" }

    /// The Windows build of the image (kube-and-rancher-wire.md §D: 2019 ⇒ 10.0.17763, 2022 ⇒ 10.0.20348); nil on Linux.
    public var windowsBuild: String? {
        guard os == .windows else { return nil }
        let lower = image.lowercased()
        if lower.contains("2025") { return "10.0.26100" }
        if lower.contains("2022") { return "10.0.20348" }
        if lower.contains("2019") { return "10.0.17763" }
        if lower.contains("2016") { return "10.0.14393" }
        return "10.0.20348"
    }

    /// The `osImage` a kubelet reports (kube-and-rancher-wire.md §D).
    public var osImage: String {
        switch os {
        case .windows: windowsBuild == "10.0.17763" ? "Windows Server 2019 Datacenter" : "Windows Server 2022 Datacenter"
        case .linux: image.lowercased().contains("22_04") || image.lowercased().contains("jammy") ? "Ubuntu 22.04.4 LTS" : "Ubuntu 24.04.1 LTS"
        }
    }

    /// Appends a line to the node log.
    public mutating func note(_ line: String) { log.append(line) }
}

/// One file on a simulated machine.
public struct MachineFile: Codable, Sendable, Equatable {
    /// The content as text.
    public var content: String
    /// Octal permissions as written (`0600`), nil when not given.
    public var permissions: String?

    /// Creates a file.
    public init(content: String, permissions: String? = nil) {
        self.content = content
        self.permissions = permissions
    }
}

/// The outcome of a script or command run on a machine, as an extension handler reports it.
public struct ScriptResult: Sendable, Equatable {
    /// The exit code (0 = success).
    public var exitCode: Int
    /// What the script wrote to standard output.
    public var output: String
    /// What the script wrote to standard error.
    public var errorOutput: String

    /// Creates a result.
    public init(exitCode: Int, output: String = "", errorOutput: String = "") {
        self.exitCode = exitCode
        self.output = output
        self.errorOutput = errorOutput
    }

    /// Whether the script succeeded.
    public var succeeded: Bool { exitCode == 0 }
}

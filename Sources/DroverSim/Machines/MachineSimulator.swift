import Foundation
import Synchronization

/// Simulated machines: when the Azure simulator boots a VM or runs an extension, the machine reads what it was given
/// (cloud-config, shell, PowerShell) as a real Linux or Windows machine would and acts on it: an RKE2 server asks a
/// ``RancherHost`` for Rancher, a registration command makes the node's agent call Rancher over HTTPS.
public final class MachineSimulator: Sendable {
    /// The simulated Internet the machines resolve public names through.
    public let network: SimulatedNetwork
    /// Who brings Rancher up once a server's charts run; nil = no Rancher ever comes up (logged).
    public let rancherHost: (any RancherHost)?
    /// The machines' trust store (PEM certificates). Let's Encrypt staging is never in it.
    public let trustedRootsPEM: [String]
    /// Durations of what machines do, in simulated seconds (scaled by the Azure simulator's TimeScale).
    public let delays: MachineDelays

    private let work = Mutex<WorkQueue>(WorkQueue())
    private let attachment = Mutex<Attachment?>(nil)

    struct WorkQueue {
        var tails: [String: Task<Void, Never>] = [:]
        var all: [Task<Void, Never>] = []
    }

    struct Attachment {
        var host: any MachineHost
        var timer: MachineTimer
    }

    /// Creates a machine simulator.
    public init(network: SimulatedNetwork, rancherHost: (any RancherHost)? = nil, trustedRootsPEM: [String] = [],
                delays: MachineDelays = MachineDelays()) {
        self.network = network
        self.rancherHost = rancherHost
        self.trustedRootsPEM = trustedRootsPEM
        self.delays = delays
    }

    /// Connects the machines to the cloud that holds their records (called by the Azure simulator).
    func attach(host: any MachineHost, clock: any SimClock, timeScale: TimeScale) {
        attachment.withLock { $0 = Attachment(host: host, timer: MachineTimer(clock: clock, scale: timeScale)) }
    }

    /// Waits until every machine has finished what it was doing (scripts, agents, services). Machines wait on the
    /// Azure simulator's clock: with a manual clock and a time scale above 0, advance the clock first.
    public func idle() async {
        while true {
            let pending = work.withLock { queue -> [Task<Void, Never>] in
                let tasks = queue.all
                queue.all = []
                return tasks
            }
            if pending.isEmpty { return }
            for task in pending { await task.value }
        }
    }

    /// Runs `job` on machine `vmID` after what the machine is already doing (a machine does one thing at a time).
    func enqueue(_ vmID: String, _ job: @escaping @Sendable (MachineContext) async -> Void) {
        guard let attached = attachment.withLock({ $0 }) else { return }
        let context = MachineContext(vmID: vmID, host: attached.host, simulator: self, timer: attached.timer)
        work.withLock { queue in
            let previous = queue.tails[vmID.lowercased()]
            let task = Task {
                await previous?.value
                await job(context)
            }
            queue.tails[vmID.lowercased()] = task
            queue.all.append(task)
        }
    }

    /// Runs `job` beside what the machine is doing (a service: rke2-server, the kubelet).
    func background(_ vmID: String, _ job: @escaping @Sendable (MachineContext) async -> Void) {
        guard let attached = attachment.withLock({ $0 }) else { return }
        let context = MachineContext(vmID: vmID, host: attached.host, simulator: self, timer: attached.timer)
        work.withLock { $0.all.append(Task { await job(context) }) }
    }

    // MARK: What the cloud calls

    /// The VM reached Succeeded for the first time: the machine boots. Linux runs cloud-init on its custom data;
    /// Windows drops the custom data at `C:\AzureData\CustomData.bin` and runs nothing (azure-api.md §6.1).
    func boot(_ vmID: String) {
        enqueue(vmID) { context in await MachineBoot.boot(context) }
    }

    /// An extension was created on the VM: its command runs on the machine; the cloud learns the result.
    func runExtension(_ vmID: String, extensionID: String, handler: ExtensionHandler, command: ExtensionCommand) {
        enqueue(vmID) { context in
            let result = await ExtensionRun.run(command, handler: handler, context: context)
            await context.host.finishExtension(extensionID, handler: handler, result: result)
        }
    }
}

/// Durations of what a machine does, in simulated seconds.
public struct MachineDelays: Sendable {
    /// From `systemctl start rke2-server` to a running Kubernetes.
    public var rke2ServerStart: Double
    /// From a running Kubernetes to Rancher's chart answering (cert-manager, then Rancher).
    public var chartsInstall: Double
    /// From registration to a Ready Linux node.
    public var linuxNodeReady: Double
    /// From registration to a Ready Windows node (slower: wins, containerd, CNI on Windows; peers.md P1).
    public var windowsNodeReady: Double
    /// How long an agent keeps retrying registration before it gives up (the extension's limit is 90 minutes, §7).
    public var joinDeadline: Double
    /// Between registration attempts (install.sh retries every 5 s, kube-and-rancher-wire.md §C.4).
    public var retryInterval: Double
    /// A Windows restart.
    public var windowsRestart: Double

    /// Creates the delays; the defaults are typical of Azure VMs.
    public init(rke2ServerStart: Double = 90, chartsInstall: Double = 240, linuxNodeReady: Double = 60,
                windowsNodeReady: Double = 240, joinDeadline: Double = 1800, retryInterval: Double = 5, windowsRestart: Double = 120) {
        self.rke2ServerStart = rke2ServerStart
        self.chartsInstall = chartsInstall
        self.linuxNodeReady = linuxNodeReady
        self.windowsNodeReady = windowsNodeReady
        self.joinDeadline = joinDeadline
        self.retryInterval = retryInterval
        self.windowsRestart = windowsRestart
    }
}

/// Waits in simulated seconds on the Azure simulator's clock and time scale (no real waiting at scale 0).
struct MachineTimer: Sendable {
    let clock: any SimClock
    let scale: TimeScale

    func now() -> Date { clock.now() }

    /// The instant `seconds` of simulated time from now.
    func deadline(after seconds: Double) -> Date { clock.now().addingTimeInterval(scale.scaled(seconds)) }

    /// Returns once the clock reaches `seconds` of simulated time from now (a manual clock moves when a test advances it).
    func sleep(_ seconds: Double) async {
        await sleep(until: deadline(after: seconds))
    }

    func sleep(until target: Date) async {
        while clock.now() < target, !Task.isCancelled {
            let left = target.timeIntervalSince(clock.now())
            try? await Task.sleep(for: .milliseconds(Int(min(max(left, 0.001), 0.02) * 1000)))
        }
    }
}

/// The cloud side of the machines: where their records live and where extension results go (the Azure simulator).
protocol MachineHost: Sendable {
    /// The machine's record.
    func machine(_ vmID: String) async -> MachineRecord?
    /// Changes the machine's record (and saves the world).
    func updateMachine(_ vmID: String, _ change: @Sendable (inout MachineRecord) -> Void) async
    /// The extension's script ended: its provisioning state and status message follow.
    func finishExtension(_ extensionID: String, handler: ExtensionHandler, result: ScriptResult) async
}

/// One machine as a running job sees it.
struct MachineContext: Sendable {
    let vmID: String
    let host: any MachineHost
    let simulator: MachineSimulator
    let timer: MachineTimer

    func record() async -> MachineRecord? { await host.machine(vmID) }

    func update(_ change: @Sendable (inout MachineRecord) -> Void) async { await host.updateMachine(vmID, change) }

    /// Appends a line to the node log.
    func log(_ line: String) async { await update { $0.note(line) } }

    func file(_ path: String) async -> MachineFile? { await record()?.files[path] }

    func write(_ path: String, _ content: String, permissions: String? = nil, append: Bool = false) async {
        await update { record in
            let old = append ? record.files[path]?.content ?? "" : ""
            record.files[path] = MachineFile(content: old + content, permissions: permissions ?? record.files[path]?.permissions)
        }
    }
}

/// The extension handlers a machine knows (azure-api.md §7).
enum ExtensionHandler: String, Sendable {
    /// `Microsoft.Compute/CustomScriptExtension` (Windows).
    case windowsCustomScript
    /// `Microsoft.Azure.Extensions/CustomScript` v2 (Linux).
    case linuxCustomScript
}

/// What an extension asks the machine to run.
enum ExtensionCommand: Sendable {
    /// `commandToExecute` (settings or protectedSettings).
    case commandLine(String)
    /// The Linux v2 `script` (base64 of the script text).
    case script(String)
}

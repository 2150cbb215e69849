import Yams

/// Works out what a pod spec needs from its containers' images, commands, security contexts and mounts, and from
/// its pod-level security context and volumes.
///
/// Linux-only fields are those Kubernetes rejects when `spec.os.name` is `windows` (KEP-2802 "Identify Pod's OS
/// during API server admission", pod validation `validateWindows`); Windows-only fields are `windowsOptions`
/// (gMSA, `runAsUserName`, `hostProcess`) which it rejects for `linux`.
public struct PodAnalyzer: Sendable {
    /// What a registry said about images, by the reference as written in the pod; consulted before the name.
    public var resolved: [String: ImageVerdict]

    /// Creates an analyzer, with registry answers when `--resolve` gathered them.
    public init(resolved: [String: ImageVerdict] = [:]) {
        self.resolved = resolved
    }

    static let linuxContainerFields = ["seLinuxOptions", "seccompProfile", "appArmorProfile", "capabilities", "procMount", "runAsUser", "runAsGroup"]
    static let linuxPodFields = ["seLinuxOptions", "seccompProfile", "appArmorProfile", "sysctls", "fsGroup", "runAsUser", "runAsGroup"]
    static let windowsShells: Set<String> = ["powershell", "powershell.exe", "cmd", "cmd.exe"]

    /// The needs of the pod spec found at `prefix` (a field path such as `spec.template.spec`).
    public func needs(of spec: Node, at prefix: String) -> PodNeeds {
        var byContainer: [(name: String, evidence: [Evidence])] = []
        for list in ["initContainers", "containers"] {
            for container in spec.value(list)?.items ?? [] {
                let name = container.value("name")?.text ?? "?"
                byContainer.append((name, containerEvidence(container, field: "\(prefix).\(list)[\(name)]")))
            }
        }
        let podEvidence = podLevelEvidence(spec, prefix: prefix)
        let evidence = byContainer.flatMap(\.evidence) + podEvidence
        var problems = (byContainer.map { ("container \($0.name)", $0.evidence) } + [("the pod spec", podEvidence)])
            .compactMap { selfContradiction(in: $0.1, owner: $0.0) }
        let owners = byContainer.map { ("container \($0.name)", $0.evidence) } + (podEvidence.isEmpty ? [] : [("the pod spec", podEvidence)])
        if let mixed = disagreement(owners, on: { $0.os?.rawValue }, what: "operating systems") { problems.append(mixed) }
        if let builds = disagreement(owners, on: { $0.build?.description }, what: "Windows builds") { problems.append(builds) }
        guard problems.isEmpty else { return PodNeeds(os: nil, build: nil, evidence: evidence, problems: problems) }
        let os = evidence.compactMap(\.os).first
        let build = os == .windows ? evidence.compactMap(\.build).first : nil
        return PodNeeds(os: os, build: build, evidence: evidence)
    }

    /// Evidence from one container.
    func containerEvidence(_ container: Node, field: String) -> [Evidence] {
        var found: [Evidence] = []
        if let image = container.value("image")?.text {
            found.append(imageEvidence(image, field: "\(field).image"))
        }
        // Only `command` names a program; `args` are handed to the image's entrypoint.
        if let program = container.value("command")?.items.first?.text,
           let evidence = commandEvidence(program, field: "\(field).command") {
            found.append(evidence)
        }
        if let context = container.value("securityContext") {
            found += securityContextEvidence(context, field: "\(field).securityContext", linuxFields: Self.linuxContainerFields)
        }
        for mount in container.value("volumeMounts")?.items ?? [] {
            if let path = mount.value("mountPath")?.text, WindowsPath.matches(path) {
                found.append(Evidence(field: "\(field).volumeMounts[\(mount.value("name")?.text ?? "?")].mountPath", os: .windows, reason: "Windows path \(path)"))
            }
        }
        return found
    }

    /// What the image says, from the registry when resolved, else from its name.
    func imageEvidence(_ image: String, field: String) -> Evidence {
        switch resolved[image] ?? ImageClassifier.verdict(for: ImageReference(image)) {
        case let .requires(os, build, reason): return Evidence(field: field, os: os, build: build, reason: reason)
        case let .multiOS(reason): return Evidence(field: field, os: nil, reason: "multi-OS image: \(reason)")
        case .unknown: return Evidence(field: field, os: nil, reason: "the name \(image) does not say which OS it needs")
        }
    }

    /// PowerShell or cmd, a Windows executable path, or an absolute Unix path.
    func commandEvidence(_ program: String, field: String) -> Evidence? {
        let base = program.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map { $0.lowercased() } ?? ""
        if Self.windowsShells.contains(base) { return Evidence(field: field, os: .windows, reason: "runs \(base)") }
        if WindowsPath.matches(program) { return Evidence(field: field, os: .windows, reason: "runs the Windows program \(program)") }
        if program.hasPrefix("/") { return Evidence(field: field, os: .linux, reason: "runs the Unix program \(program)") }
        return nil
    }

    /// `windowsOptions` (HostProcess, gMSA, runAsUserName) and the Linux-only fields of a security context.
    func securityContextEvidence(_ context: Node, field: String, linuxFields: [String]) -> [Evidence] {
        var found: [Evidence] = []
        if let options = context.value("windowsOptions") {
            if options.value("hostProcess")?.isTrue == true {
                found.append(Evidence(field: "\(field).windowsOptions.hostProcess", os: .windows, reason: "HostProcess containers run only on Windows"))
            }
            for key in ["gmsaCredentialSpecName", "gmsaCredentialSpec"] where options.value(key)?.text != nil {
                found.append(Evidence(field: "\(field).windowsOptions.\(key)", os: .windows, reason: "gMSA is a Windows identity"))
            }
            if options.value("runAsUserName")?.text != nil {
                found.append(Evidence(field: "\(field).windowsOptions.runAsUserName", os: .windows, reason: "a Windows user name"))
            }
        }
        for key in linuxFields where context.value(key)?.isPresent == true {
            found.append(Evidence(field: "\(field).\(key)", os: .linux, reason: "Kubernetes rejects \(key) on Windows pods"))
        }
        if context.value("privileged")?.isTrue == true {
            found.append(Evidence(field: "\(field).privileged", os: .linux, reason: "Kubernetes rejects privileged on Windows pods"))
        }
        return found
    }

    /// Evidence from the pod's own security context and volumes.
    func podLevelEvidence(_ spec: Node, prefix: String) -> [Evidence] {
        var found: [Evidence] = []
        if let context = spec.value("securityContext") {
            found += securityContextEvidence(context, field: "\(prefix).securityContext", linuxFields: Self.linuxPodFields)
        }
        for volume in spec.value("volumes")?.items ?? [] {
            if let path = volume.value(at: ["hostPath", "path"])?.text, WindowsPath.matches(path) {
                let field = "\(prefix).volumes[\(volume.value("name")?.text ?? "?")].hostPath.path"
                found.append(Evidence(field: field, os: .windows, reason: path.contains("pipe") ? "Windows named pipe \(path)" : "Windows path \(path)"))
            }
        }
        return found
    }

    /// "container web: windows (…) and linux (…) disagree" when one owner's evidence points both ways.
    func selfContradiction(in evidence: [Evidence], owner: String) -> String? {
        let systems = Set(evidence.compactMap(\.os))
        guard systems.count > 1 else { return nil }
        let fields = systems.sorted().map { os in "\(os.rawValue) (\(evidence.filter { $0.os == os }.map(\.field).joined(separator: ", ")))" }
        return "\(owner) has evidence for \(fields.joined(separator: " and "))"
    }

    /// "containers need different operating systems: windows: container a; linux: container b".
    func disagreement(_ owners: [(String, [Evidence])], on value: (Evidence) -> String?, what: String) -> String? {
        var groups: [String: [String]] = [:]
        for (owner, evidence) in owners {
            for key in Set(evidence.compactMap(value)) { groups[key, default: []].append(owner) }
        }
        guard groups.count > 1 else { return nil }
        let listing = groups.keys.sorted().map { "\($0): \(groups[$0]!.joined(separator: ", "))" }.joined(separator: "; ")
        return "the pod needs different \(what): \(listing)"
    }
}

import DroverEngine
import DroverNodes
import Testing

/// Rancher's registration command templates (rancher-api.md §3.3), filled in as Rancher fills them, then given
/// each node's roles and addresses. Results are checked by parsing them back with the same shell rules.
@Suite struct RegistrationCommandTests {
    static let token = "h2dmq4xk9v7p2zwbq8c5lxw6f4g9rnm7tj3kz8pd5bx2hcvq6sjr"
    static let ca = "7881de1c0ffee0ddba11f00d5eed5a1ad0000000000000000000000000000000"
    static let linuxNode = JoinTarget(nodeName: "etcd-0-vm", roles: [.etcd, .controlplane], address: "20.1.2.3", internalAddress: "10.0.1.4")
    static let windowsNode = JoinTarget(nodeName: "win-0-vm", roles: [.worker], address: "20.1.2.9", internalAddress: "10.0.1.7")

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var command: String
        var template: RegistrationCommand.Template
        var server: String
        var ca: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "2.3 Linux", command: "sudo docker run -d --privileged --restart=unless-stopped --net=host -v /etc/kubernetes:/etc/kubernetes -v /var/run:/var/run rancher/rancher-agent:v2.3.11 --server https://rancher.example.com --token \(token) --ca-checksum \(ca)",
             template: .rke1Linux, server: "https://rancher.example.com", ca: ca),
        Case(name: "2.3 Windows", command: #"PowerShell -NoLogo -NonInteractive -Command "& {docker run -v c:/:c:/host rancher/rancher-agent:v2.3.3 bootstrap --server https://ranchertest.dev.com:9443 --token \#(token) --ca-checksum \#(ca) | iex}""#,
             template: .rke1Windows, server: "https://ranchertest.dev.com:9443", ca: ca),
        Case(name: "2.3 Windows, private registry", command: #"PowerShell -NoLogo -NonInteractive -Command "& {docker run -v c:/:c:/host -e AGENT_IMAGE=registry.example.com/rancher/rancher-agent:v2.3.0 registry.example.com/rancher/rancher-agent:v2.3.0 bootstrap --server https://r.example.com --token \#(token) | iex}""#,
             template: .rke1Windows, server: "https://r.example.com", ca: nil),
        Case(name: "2.4 Windows, backslashes and prefix path", command: #"PowerShell -NoLogo -NonInteractive -Command "& {docker run -v c:\:c:\host rancher/rancher-agent:v2.4.8 bootstrap --server https://r.example.com --token \#(token) --ca-checksum \#(ca) --prefix-path C:/rancher | iex}""#,
             template: .rke1Windows, server: "https://r.example.com", ca: ca),
        Case(name: "2.5 Linux, no env vars (double space)", command: "sudo docker run -d --privileged --restart=unless-stopped --net=host -v /etc/kubernetes:/etc/kubernetes -v /var/run:/var/run  rancher/rancher-agent:v2.5.9 --server https://r.example.com --token \(token)",
             template: .rke1Linux, server: "https://r.example.com", ca: nil),
        Case(name: "2.6–2.11 Linux, quoted env vars", command: #"sudo docker run -d --privileged --restart=unless-stopped --net=host -v /etc/kubernetes:/etc/kubernetes -v /var/run:/var/run -e "HTTP_PROXY=http://proxy:3128" -e "NO_PROXY=localhost,10.0.0.0/8" rancher/rancher-agent:v2.11.3 --server https://r.example.com --token \#(token) --ca-checksum \#(ca)"#,
             template: .rke1Linux, server: "https://r.example.com", ca: ca),
        Case(name: "RKE2 Linux", command: " curl -fL https://r.example.com/system-agent-install.sh | sudo  sh -s - --server https://r.example.com --label 'cattle.io/os=linux' --token \(token) --ca-checksum \(ca)",
             template: .rke2Linux, server: "https://r.example.com", ca: ca),
        Case(name: "RKE2 Linux, insecure, env vars", command: #"CATTLE_AGENT_LOGLEVEL="debug" curl --insecure -fL https://r.example.com/system-agent-install.sh | sudo CATTLE_AGENT_LOGLEVEL="debug" sh -s - --server https://r.example.com --label 'cattle.io/os=linux' --token \#(token)"#,
             template: .rke2Linux, server: "https://r.example.com", ca: nil),
        Case(name: "RKE2 Windows", command: " curl.exe -fL https://r.example.com/wins-agent-install.ps1 -o install.ps1; Set-ExecutionPolicy Bypass -Scope Process -Force; ./install.ps1 -Server https://r.example.com -Label 'cattle.io/os=windows' -Token \(token) -Worker -CaChecksum \(ca)",
             template: .rke2Windows, server: "https://r.example.com", ca: ca),
        Case(name: "RKE2 Windows, env vars", command: #"$env:CATTLE_AGENT_LOGLEVEL="debug"; curl.exe --insecure -fL https://r.example.com/wins-agent-install.ps1 -o install.ps1; Set-ExecutionPolicy Bypass -Scope Process -Force; ./install.ps1 -Server https://r.example.com -Label 'cattle.io/os=windows' -Token \#(token) -Worker"#,
             template: .rke2Windows, server: "https://r.example.com", ca: nil),
    ]

    @Test(arguments: cases) func parsesEveryTemplate(_ c: Case) throws {
        let command = try RegistrationCommand.parse(c.command)
        #expect(command.template == c.template)
        #expect(command.server == c.server)
        #expect(command.token == Self.token)
        #expect(command.caChecksum == c.ca)
    }

    /// The words a shell would hand the agent after rewriting.
    private func agentWords(_ c: Case, _ node: JoinTarget) throws -> [String] {
        let out = try RegistrationCommand.parse(c.command).command(for: node)
        switch c.template {
        case .rke1Linux, .rke2Linux:
            return try POSIXShell.split(out).split(whereSeparator: { $0 == .op("|") }).last!.compactMap(\.value)
        case .rke2Windows:
            return try PowerShellSyntax.split(out).split(whereSeparator: { $0 == .op(";") }).last!.compactMap(\.value)
        case .rke1Windows:
            let outer = try WindowsCommandLine.split(out)
            #expect(Array(outer.prefix(4)) == ["PowerShell", "-NoLogo", "-NonInteractive", "-Command"])
            let tokens = try PowerShellSyntax.split(outer[4])
            #expect(tokens.prefix(2) == [.op("&"), .op("{")])
            #expect(tokens.suffix(3) == [.op("|"), .word(value: "iex", raw: "iex"), .op("}")])
            return tokens.dropFirst(2).dropLast(3).compactMap(\.value)
        }
    }

    @Test(arguments: cases) func addsRolesAndAddressesAfterTheOriginalWords(_ c: Case) throws {
        let windows = c.template == .rke1Windows || c.template == .rke2Windows
        let node = windows ? Self.windowsNode : Self.linuxNode
        let words = try agentWords(c, node)
        let tail: [String]
        switch c.template {
        case .rke1Linux, .rke2Linux:
            tail = ["--etcd", "--controlplane", "--address", "20.1.2.3", "--internal-address", "10.0.1.4", "--node-name", "etcd-0-vm"]
        case .rke1Windows:
            tail = ["--worker", "--address", "20.1.2.9", "--internal-address", "10.0.1.7", "--node-name", "win-0-vm"]
        case .rke2Windows:
            tail = ["-Worker", "-Address", "20.1.2.9", "-InternalAddress", "10.0.1.7", "-NodeName", "win-0-vm"]
        }
        #expect(Array(words.suffix(tail.count)) == tail)
        // The token and server survive exactly once; no role flag is doubled.
        #expect(words.filter { $0 == Self.token }.count == 1)
        #expect(words.filter { $0.lowercased() == "--worker" || $0.lowercased() == "-worker" }.count == (windows ? 1 : 0))
    }

    @Test func rke1WindowsDropsIsolationAndExistingRoleFlags() throws {
        let command = #"PowerShell -NoLogo -NonInteractive -Command "& {docker run -v c:/:c:/host --isolation hyperv rancher/rancher-agent:v2.3.0 bootstrap --server https://r --token T0k --worker --address 1.1.1.1 | iex}""#
        let pipeline = try RegistrationCommand.parse(command).windowsPipeline(for: Self.windowsNode)
        #expect(pipeline == "docker run -v c:/:c:/host rancher/rancher-agent:v2.3.0 bootstrap --server https://r --token T0k --worker --address 20.1.2.9 --internal-address 10.0.1.7 --node-name win-0-vm | iex")
    }

    @Test func linuxRolesAreReplacedNotAppendedTwice() throws {
        let command = "sudo docker run -d rancher/rancher-agent:v2.3.0 --server https://r --token T0k --worker --address 9.9.9.9 --node-name old"
        let out = try RegistrationCommand.parse(command).command(for: Self.linuxNode)
        #expect(out == "sudo docker run -d rancher/rancher-agent:v2.3.0 --server https://r --token T0k --etcd --controlplane --address 20.1.2.3 --internal-address 10.0.1.4 --node-name etcd-0-vm")
    }

    /// Odd characters in values come back byte for byte through each template's quoting.
    @Test(arguments: ["node with space", "it's", "a\"b", "$HOME", "back\\slash", "semi;colon|pipe", "curly’quote", "-dash", "ünïcode", "`tick"])
    func oddCharactersRoundTrip(_ name: String) throws {
        for c in Self.cases {
            let windows = c.template == .rke1Windows || c.template == .rke2Windows
            var node = windows ? Self.windowsNode : Self.linuxNode
            node.nodeName = name
            let words = try agentWords(c, node)
            #expect(words.last == name, "\(c.name)")
        }
    }

    @Test func windowsNodesMustBeWorkersOnly() throws {
        var node = Self.windowsNode
        node.roles = [.worker, .etcd]
        #expect(throws: CodedError.self) { try RegistrationCommand.parse(Self.cases[1].command).command(for: node) }
        #expect(throws: CodedError.self) { try RegistrationCommand.parse(Self.cases[8].command).command(for: node) }
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var command: String
        var says: String
        var testDescription: String { says }
    }

    @Test(arguments: [
        Bad(command: "", says: "empty"),
        Bad(command: "kubectl apply -f https://r/v3/import/abc.yaml", says: "no --server"),
        Bad(command: "sudo docker run rancher/rancher-agent:v2.3.0 --server https://r --token 'SECRET-VALUE", says: "never closed"),
        Bad(command: #"PowerShell -Sta -NoLogo -NonInteractive -Command "& {docker run --rm -v C:/:C:/host --isolation hyperv rancher/rancher-agent:v2.2.9 -server https://r -token SECRET-VALUE; if($?){& c:/etc/rancher/run.ps1;}}""#, says: "2.2"),
        Bad(command: "echo --server https://r --token SECRET-VALUE", says: "neither"),
    ])
    func rejectsWhatIsNotARegistrationCommand(_ bad: Bad) {
        do {
            _ = try RegistrationCommand.parse(bad.command)
            Issue.record("accepted: \(bad.says)")
        } catch {
            #expect(error.code == "UnrecognizedRegistrationCommand")
            #expect(error.message.contains(bad.says))
            #expect(!error.message.contains("SECRET-VALUE"))
        }
    }
}

extension RegistrationCommandTests {
    /// Through `curl … | sh` a failed download runs an empty script that succeeds; as two steps curl's failure stops
    /// the join (found by the machine simulator: a node that does not trust Rancher's CA never joined, silently).
    @Test func theRKE2InstallerIsDownloadedThenRunWithTheSameArguments() throws {
        let command = try RegistrationCommand.parse(
            " curl -fL https://r.example.com/system-agent-install.sh | sudo  sh -s - --server https://r.example.com --label 'cattle.io/os=linux' --token \(Self.token) --ca-checksum \(Self.ca)")
        let steps = try command.steps(for: Self.linuxNode, downloadingTo: "/var/lib/drover/system-agent-install.sh")
        #expect(steps == [
            "curl -fL https://r.example.com/system-agent-install.sh -o /var/lib/drover/system-agent-install.sh",
            "sudo sh /var/lib/drover/system-agent-install.sh --server https://r.example.com --label 'cattle.io/os=linux' --token \(Self.token) "
                + "--ca-checksum \(Self.ca) --etcd --controlplane --address 20.1.2.3 --internal-address 10.0.1.4 --node-name etcd-0-vm",
        ])
        let docker = try RegistrationCommand.parse(
            "sudo docker run -d --privileged --restart=unless-stopped --net=host -v /etc/kubernetes:/etc/kubernetes -v /var/run:/var/run rancher/rancher-agent:v2.3.11 --server https://r.example.com --token \(Self.token) --ca-checksum \(Self.ca)")
        #expect(try docker.steps(for: Self.linuxNode, downloadingTo: "/tmp/x") == [try docker.command(for: Self.linuxNode)])
    }
}

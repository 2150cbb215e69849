import DroverSim
import Foundation
import Testing

/// Registration commands run on a node reach the (fake) Rancher server over HTTPS as the agents do
/// (kube-and-rancher-wire.md §C.4, §C.5, §C.8; rancher-api.md §3.3–§3.4), or never join, saying why.
@Suite struct MachineJoinTests {
    static let token = "kzq7ljnp8gv5xw2rbtd6h4mcf9sd2xkwq8lvpr5t7bmgz6nc4hd9xj"
    static let server = "https://\(FakeRancher.host)"

    /// A node whose cloud-config trusts `caPEM` (cloud-init `ca_certs`).
    static func trusting(_ caPEM: String) -> String {
        "#cloud-config\nca_certs:\n  trusted:\n  - |\n" + caPEM.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
    }

    /// The RKE2 nodeCommand template (rancher-api.md §3.3) with the role and address flags of §3.4.
    static func joinScript(token: String = token, checksum: String?, insecure: Bool = false, roles: String = "--etcd --controlplane --worker") -> String {
        """
        #!/bin/sh
        set -eu
        cloud-init status --wait >/dev/null || { echo 'cloud-init failed'; exit 1; }
        if [ -e /var/lib/drover/joined ]; then echo 'already joined'; exit 0; fi
        curl \(insecure ? "--insecure " : "")-fL \(server)/system-agent-install.sh | sudo  sh -s - --server \(server) --label 'cattle.io/os=linux' --token \(token)\(checksum.map { " --ca-checksum \($0)" } ?? "") \(roles) --address 20.1.2.3 --internal-address 10.0.1.5
        mkdir -p /var/lib/drover && touch /var/lib/drover/joined
        """
    }

    @Test func linuxJoinRegistersWithTheAgentHeadersAndItsNodeTurnsReady() async throws {
        try await MachineBed.run { bed in
            let rancher = try await bed.startRancher(token: Self.token)
            try await bed.linuxVM("node-0", address: "10.0.1.5", customData: Self.trusting(rancher.caPEM))
            let ext = try await bed.runLinuxScript("node-0", Self.joinScript(checksum: rancher.checksum))
            #expect(ext.provisioningState == "Succeeded", "\(ext.statusMessage ?? "")")
            let register = try #require(rancher.requests.first { $0.path == "/v3/connect/agent" })
            #expect(register.headers["authorization"] == "Bearer \(Self.token)")
            #expect(register.headers["x-cattle-id"]?.count == 63)
            #expect(register.headers["x-cattle-role-etcd"] == "true")
            #expect(register.headers["x-cattle-role-control-plane"] == "true")
            #expect(register.headers["x-cattle-role-worker"] == "true")
            #expect(register.headers["x-cattle-node-name"] == "node-0")
            #expect(register.headers["x-cattle-address"] == "20.1.2.3")
            #expect(register.headers["x-cattle-internal-address"] == "10.0.1.5")
            #expect(register.headers["x-cattle-labels"] == "cattle.io/os=linux")
            // The CA was checked before anything else (§C.4 steps 2-3).
            #expect(Array(rancher.paths().prefix(3)) == ["GET /system-agent-install.sh", "GET /cacerts", "GET /healthz"])
            let node = try #require(rancher.node("node-0"))
            #expect(node.at("metadata.labels")?["kubernetes.io/os"]?.string == "linux")
            #expect(node.at("metadata.labels")?["node-role.kubernetes.io/control-plane"]?.string == "true")
            #expect(node.at("metadata.labels")?["node-role.kubernetes.io/etcd"]?.string == "true")
            #expect(node.at("metadata.labels")?["cattle.io/os"]?.string == "linux")
            #expect(node.at("status.nodeInfo.kubeletVersion")?.string?.hasSuffix("+rke2r1") == true)
            #expect(node.at("status.conditions")?.array?.first?["status"]?.string == "True")
            #expect(try await bed.machine("node-0")?["state"]?.string == "joined")
        }
    }

    /// install.sh retries every 5 s on a non-200 answer (§C.4): a server answering 503 for a while is waited out.
    @Test func aServerAnswering503ForAWhileIsRetried() async throws {
        try await MachineBed.run { bed in
            let rancher = try await bed.startRancher(token: Self.token, unavailable: 1)
            try await bed.linuxVM("node-0", address: "10.0.1.5", customData: Self.trusting(rancher.caPEM))
            let ext = try await bed.runLinuxScript("node-0", Self.joinScript(checksum: rancher.checksum))
            #expect(ext.provisioningState == "Succeeded", "\(ext.statusMessage ?? "")")
            #expect(rancher.requests.filter { $0.path == "/v3/connect/agent" }.count == 2)
            #expect(try await bed.log("node-0").contains { $0.contains("answered HTTP 503: no Ready Linux control-plane node yet; retrying in 5 seconds") })
            #expect(rancher.node("node-0") != nil)
        }
    }

    @Test func aWrongTokenNeverJoinsAndTheExtensionAndLogSayWhy() async throws {
        try await MachineBed.run { bed in
            let rancher = try await bed.startRancher(token: Self.token)
            try await bed.linuxVM("node-0", address: "10.0.1.5", customData: Self.trusting(rancher.caPEM))
            let ext = try await bed.runLinuxScript("node-0", Self.joinScript(token: "wrong-token", checksum: rancher.checksum))
            #expect(ext.provisioningState == "Failed")
            #expect(ext.statusMessage?.contains("HTTP 401") == true, "\(ext.statusMessage ?? "")")
            #expect(rancher.requests.filter { $0.path == "/v3/connect/agent" }.count >= 2, "the agent retries")
            #expect(rancher.node("node-0") == nil)
            #expect(try await bed.log("node-0").contains { $0.contains("/v3/connect/agent answered HTTP 401") })
            #expect(try await bed.machine("node-0")?["state"]?.string == "failed")
        }
    }

    @Test func aWrongChecksumStopsBeforeRegistrationWithTheAgentsMessage() async throws {
        try await MachineBed.run { bed in
            let rancher = try await bed.startRancher(token: Self.token)
            try await bed.linuxVM("node-0", address: "10.0.1.5", customData: Self.trusting(rancher.caPEM))
            let wrong = String(repeating: "0", count: 64)
            let ext = try await bed.runLinuxScript("node-0", Self.joinScript(checksum: wrong))
            #expect(ext.provisioningState == "Failed")
            #expect(ext.statusMessage?.contains("Configured cacerts checksum (\(rancher.checksum)) does not match given --ca-checksum (\(wrong))") == true,
                    "\(ext.statusMessage ?? "")")
            #expect(!rancher.paths().contains { $0.contains("/v3/connect") })
        }
    }

    @Test func anUntrustedCertificateNeverJoins() async throws {
        try await MachineBed.run { bed in
            let rancher = try await bed.startRancher(token: Self.token)
            // No ca_certs and no checksum: the machine's trust store does not know the server's CA. `curl -fL … | sh`
            // then fails in curl, sh runs an empty script, and the extension succeeds without a join (no pipefail in
            // POSIX sh): the status message's stderr and the node log are where the reason shows.
            try await bed.linuxVM("node-0", address: "10.0.1.5", customData: nil)
            let secure = try await bed.runLinuxScript("node-0", Self.joinScript(checksum: nil))
            #expect(secure.provisioningState == "Succeeded")
            #expect(secure.statusMessage?.contains("curl: (60) SSL certificate problem") == true, "\(secure.statusMessage ?? "")")
            #expect(try await bed.log("node-0").contains { $0.hasPrefix("curl: (60)") })
            // Fetching the script insecurely, the agent still verifies the server (§C.4 step 3) and stops.
            try await bed.linuxVM("node-1", address: "10.0.1.6", customData: nil)
            let insecure = try await bed.runLinuxScript("node-1", Self.joinScript(checksum: nil, insecure: true))
            #expect(insecure.provisioningState == "Failed")
            #expect(insecure.statusMessage?.contains("SSL certificate problem") == true)
            #expect(!rancher.paths().contains { $0.contains("/v3/connect") })
            #expect(rancher.node("node-0") == nil && rancher.node("node-1") == nil)
        }
    }

    @Test func anUnpublishedServerRefusesTheConnection() async throws {
        try await MachineBed.run { bed in
            try await bed.linuxVM("node-0", address: "10.0.1.5", customData: nil)
            let ext = try await bed.runLinuxScript("node-0", Self.joinScript(checksum: nil))
            #expect(ext.statusMessage?.contains("curl: (7) Failed to connect to \(FakeRancher.host) port 443") == true)
            #expect(try await bed.machine("node-0")?["state"]?.string == "running", "never joining")
        }
    }

    @Test func aJoinWithoutRoleIsRefusedByTheInstallScript() async throws {
        try await MachineBed.run { bed in
            let rancher = try await bed.startRancher(token: Self.token)
            try await bed.linuxVM("node-0", address: "10.0.1.5", customData: Self.trusting(rancher.caPEM))
            let ext = try await bed.runLinuxScript("node-0", Self.joinScript(checksum: rancher.checksum, roles: ""))
            #expect(ext.statusMessage?.contains("You must select at least one role.") == true)
        }
    }

    /// RKE1 (rancher-2.3): the detached agent container checks `/v3/settings/cacerts` and registers through
    /// `/v3/connect/register` with the tunnel headers; in a Windows-preferred cluster its node gets the taint Rancher answers.
    @Test func rke1AgentRegistersWithTunnelHeaders() async throws {
        try await MachineBed.run { bed in
            let rancher = try await bed.startRancher(token: Self.token, taints: ["cattle.io/os=linux:NoSchedule"])
            try await bed.linuxVM("node-1", address: "10.0.1.6", customData: "#cloud-config\nruncmd:\n- apt-get install -y docker.io\n")
            let command = "sudo docker run -d --privileged --restart=unless-stopped --net=host -v /etc/kubernetes:/etc/kubernetes -v /var/run:/var/run rancher/rancher-agent:v2.3.11 --server \(Self.server) --token \(Self.token) --ca-checksum \(rancher.checksum) --worker --address 20.1.2.4 --internal-address 10.0.1.6"
            let ext = try await bed.runLinuxScript("node-1", "#!/bin/sh\n" + command + "\n")
            #expect(ext.provisioningState == "Succeeded")
            let register = try #require(rancher.requests.first { $0.path == "/v3/connect/register" })
            #expect(register.headers["x-api-tunnel-token"] == Self.token)
            let params = try JSONValue.parse(try #require(Data(base64Encoded: register.headers["x-api-tunnel-params"] ?? "")))
            #expect(params.at("node.requestedHostname")?.string == "node-1")
            #expect(params.at("node.customConfig.roles") == ["worker"])
            #expect(params.at("node.customConfig.internalAddress")?.string == "10.0.1.6")
            #expect(rancher.paths().contains("GET /v3/settings/cacerts"))
            let node = try #require(rancher.node("node-1"))
            #expect(node.at("spec.taints")?.array?.contains { $0["key"]?.string == "cattle.io/os" && $0["effect"]?.string == "NoSchedule" } == true)
        }
    }

    @Test func withoutDockerTheRKE1CommandFails() async throws {
        try await MachineBed.run { bed in
            try await bed.linuxVM("node-1", address: "10.0.1.6", customData: nil)
            let ext = try await bed.runLinuxScript("node-1", "#!/bin/sh\nsudo docker run -d rancher/rancher-agent:v2.3.11 --server \(Self.server) --token x --worker\n")
            #expect(ext.provisioningState == "Failed")
            #expect(ext.statusMessage?.contains("docker: not found") == true)
        }
    }
}

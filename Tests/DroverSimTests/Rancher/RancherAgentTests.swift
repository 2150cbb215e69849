import DroverSim
import Foundation
import Testing
import Yams

/// Node agents registering (kube-and-rancher-wire.md §C.4, §C.5, the issue-9 seams agreement), the cluster turning
/// active as Linux nodes get Ready, Windows refused before them, canal never carrying Windows.
@Suite struct RancherAgentTests {
    static func agentHeaders(id: String, node: String, windows: Bool = false) -> [String: String] {
        ["X-Cattle-Id": id, "X-Cattle-Node-Name": node, "X-Cattle-Role-Etcd": windows ? "false" : "true",
         "X-Cattle-Role-Control-Plane": windows ? "false" : "true", "X-Cattle-Role-Worker": "true",
         "X-Cattle-Address": "20.1.2.3", "X-Cattle-Internal-Address": "10.0.0.4",
         "X-Cattle-Labels": windows ? "cattle.io/os=windows" : "cattle.io/os=linux"]
    }

    /// The server and token of an agent answer's kubeconfig.
    static func kubeconfig(_ reply: RancherHarness.Reply) throws -> (server: String, token: String) {
        let yaml = try #require(reply.json?["kubeConfig"]?.string)
        let document = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        let cluster = try #require((document["clusters"] as? [[String: Any]])?.first?["cluster"] as? [String: Any])
        let user = try #require((document["users"] as? [[String: Any]])?.first?["user"] as? [String: Any])
        return (try #require(cluster["server"] as? String), try #require(user["token"] as? String))
    }

    @Test func rke2RegistrationTurnsTheClusterActive() async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            try await rancher.setServerURL(token: token)
            let clusterId = try await rancher.createRKE2Cluster("hybrid", cni: "flannel", token: token)
            let secret = try #require(try await rancher.registrationToken(clusterId, token: token)["token"]?.string)
            let downstream = try #require(rancher.clusters[clusterId])

            // Wrong token, tampered token, missing id: 401.
            let linux = Self.agentHeaders(id: String(repeating: "a", count: 63), node: "linux-0")
            #expect(try await rancher.send("GET", "/v3/connect/agent", token: "wrong", headers: linux).status == 401)
            #expect(try await rancher.send("GET", "/v3/connect/agent", token: String(secret.dropLast()) + "x", headers: linux).status == 401)
            #expect(try await rancher.send("GET", "/v3/connect/agent", token: secret).status == 401)

            // Windows before a Ready Linux control plane: 503 with the reason.
            let windows = Self.agentHeaders(id: String(repeating: "b", count: 63), node: "win-0", windows: true)
            let early = try await rancher.send("GET", "/v3/connect/agent", token: secret, headers: windows)
            #expect(early.status == 503)
            #expect(early.message.contains("no Ready Linux control-plane node"))

            let answer = try await rancher.send("GET", "/v3/connect/agent", token: secret, headers: linux)
            #expect(answer.status == 200)
            #expect(answer.json?["namespace"]?.string == "fleet-default")
            let kubeconfig = try Self.kubeconfig(answer)
            #expect(kubeconfig.server == "https://\(RancherHarness.hostname)/k8s/clusters/\(clusterId)")
            // The proxy takes the agent token for this cluster and forwards without the credential.
            let proxied = try await rancher.send("GET", "/k8s/clusters/\(clusterId)/api/v1/nodes", token: kubeconfig.token)
            #expect(proxied.status == 200 && proxied.json?["path"]?.string == "/api/v1/nodes")
            #expect(proxied.json?["authorizationForwarded"]?.bool == false)
            #expect(try await rancher.send("GET", "/k8s/clusters/\(clusterId)/api/v1/nodes", token: "nope").status == 401)
            #expect(try await rancher.send("GET", "/k8s/clusters/local/api/v1/nodes", token: kubeconfig.token).status == 401)

            let machines = try await rancher.send("GET", "/v1/cluster.x-k8s.io.machines/fleet-default", token: token)
            let machine = try #require(machines.json?["data"]?.array?.first)
            #expect(machine["apiVersion"]?.string == "cluster.x-k8s.io/v1beta1")
            #expect(machine.at("metadata.name")?.string?.range(of: "^custom-[0-9a-f]{12}$", options: .regularExpression) != nil)
            #expect(machine.at("metadata.labels")?["rke.cattle.io/control-plane-role"]?.string == "true")
            #expect(machine.at("status.phase")?.string == "Provisioning")

            // The kubelet registered and is Ready: the cluster is active and stays ready.
            downstream.setNodes([.linux("linux-0")])
            let v1 = try await rancher.send("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/hybrid", token: token)
            #expect(v1.json?.at("status.ready")?.bool == true)
            #expect(v1.json?.at("metadata.state.name")?.string == "active")
            #expect(try await rancher.send("GET", "/v3/clusters/\(clusterId)", token: token).json?["state"]?.string == "active")
            let nodes = try await rancher.send("GET", "/v3/nodes?clusterId=\(clusterId)", token: token)
            #expect(nodes.json?["data"]?.array?.first?["state"]?.string == "active")
            #expect(nodes.json?["data"]?.array?.first?["controlPlane"]?.bool == true)

            #expect(try await rancher.send("GET", "/v3/connect/agent", token: secret, headers: windows).status == 200)
            downstream.setNodes([.linux("linux-0"), .windows("win-0")])
            let all = try await rancher.send("GET", "/v1/cluster.x-k8s.io.machines", token: token)
            #expect(all.json?["data"]?.array?.map { $0.at("status.phase")?.string } == ["Running", "Running"])

            // status.ready never goes back to false.
            downstream.setNodes([.linux("linux-0", ready: false)])
            let later = try await rancher.send("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/hybrid", token: token)
            #expect(later.json?.at("status.ready")?.bool == true)
        }
    }

    /// RKE2's default CNI canal cannot carry Windows (rancher-api.md §4.3): the Windows machine stays Provisioning
    /// with that reason even though its kubelet reports Ready.
    @Test func canalClusterNeverReadiesAWindowsNode() async throws {
        try await RancherHarness.run(version: "2.14.0") { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            try await rancher.setServerURL(token: token)
            let clusterId = try await rancher.createRKE2Cluster("canal", cni: nil, token: token)
            let secret = try #require(try await rancher.registrationToken(clusterId, token: token)["token"]?.string)
            let downstream = try #require(rancher.clusters[clusterId])
            #expect(try await rancher.send("GET", "/v3/connect/agent", token: secret, headers: Self.agentHeaders(id: "l1", node: "linux-0")).status == 200)
            downstream.setNodes([.linux("linux-0")])
            #expect(try await rancher.send("GET", "/v3/connect/agent", token: secret,
                                           headers: Self.agentHeaders(id: "w1", node: "win-0", windows: true)).status == 200)
            downstream.setNodes([.linux("linux-0"), .windows("win-0")])
            let machines = try await rancher.send("GET", "/v1/cluster.x-k8s.io.machines", token: token)
            let windows = try #require(machines.json?["data"]?.array?.first { $0.at("metadata.labels")?["cattle.io/os"]?.string == "windows" })
            #expect(windows["apiVersion"]?.string == "cluster.x-k8s.io/v1beta2")
            #expect(windows.at("status.phase")?.string == "Provisioning")
            #expect(windows.at("metadata.state.message")?.string?.contains("canal cannot carry Windows") == true)
            let cluster = try await rancher.send("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/canal", token: token)
            let updated = cluster.json?.at("status.conditions")?.array?.first { $0["type"]?.string == "Updated" }
            #expect(updated?["status"]?.string == "Unknown")
            #expect(updated?["message"]?.string?.contains("canal cannot carry Windows") == true)
            let nodes = try await rancher.send("GET", "/v3/nodes?clusterId=\(clusterId)", token: token)
            #expect(nodes.json?["data"]?.array?.compactMap { $0["state"]?.string }.sorted() == ["active", "provisioning"])
        }
    }

    /// RKE1 (2.3): `/v3/connect/register` with the tunnel headers; Linux nodes of a windowsPreferedCluster get the
    /// `cattle.io/os=linux:NoSchedule` taint in the answer; Windows waits for the Linux control plane.
    @Test func rke1RegisterWithTaintsAndWindowsOrder() async throws {
        try await RancherHarness.run(version: "2.3.11", bootstrapPassword: nil) { rancher in
            let token = try await rancher.login(password: "admin")
            try await rancher.setServerURL(token: token)
            let clusterId = try #require(try await rancher.send("POST", "/v3/clusters", body: RancherClusterTests.rke1Body, token: token).json?["id"]?.string)
            let crt = try await rancher.send("POST", "/v3/clusterregistrationtokens", body: ["clusterId": .string(clusterId)], token: token)
            let secret = try #require(crt.json?["token"]?.string)
            func params(_ host: String, roles: [String], os: String) -> String {
                let node: JSONValue = ["node": ["requestedHostname": .string(host), "dockerInfo": ["OSType": .string(os)],
                                                "customConfig": ["address": "20.1.2.3", "internalAddress": "10.0.0.4",
                                                                 "roles": .array(roles.map { .string($0) })]]]
                return node.encoded().base64EncodedString()
            }
            let linux = ["X-API-Tunnel-Token": secret, "X-API-Tunnel-Params": params("linux-0", roles: ["etcd", "controlplane", "worker"], os: "linux")]
            #expect(try await rancher.send("GET", "/v3/connect/register", headers: ["X-API-Tunnel-Token": secret + "x", "X-API-Tunnel-Params": linux["X-API-Tunnel-Params"]!]).status == 401)
            let windows = ["X-API-Tunnel-Token": secret, "X-API-Tunnel-Params": params("win-0", roles: ["worker"], os: "windows")]
            #expect(try await rancher.send("GET", "/v3/connect/register", headers: windows).status == 503)
            let answer = try await rancher.send("GET", "/v3/connect/register", headers: linux)
            #expect(answer.status == 200)
            #expect(answer.json?["taints"] == [["key": "cattle.io/os", "value": "linux", "effect": "NoSchedule"]])
            #expect(try Self.kubeconfig(answer).server == "https://\(RancherHarness.hostname)/k8s/clusters/\(clusterId)")
            rancher.clusters[clusterId]?.setNodes([.linux("linux-0")])
            let joined = try await rancher.send("GET", "/v3/connect/register", headers: windows)
            #expect(joined.status == 200 && joined.json?["taints"] == [])
            #expect(try await rancher.send("GET", "/v3/clusters/\(clusterId)", token: token).json?["state"]?.string == "active")
            // Agents of 2.3 have no RKE2 endpoints.
            #expect(try await rancher.send("GET", "/cacerts").status == 404)
        }
    }
}

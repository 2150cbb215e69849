import DroverSim
import Foundation
import Testing
import Yams

/// `generateKubeconfig` (kube-and-rancher-wire.md §C.7) and the farm behind the machine simulator's `RancherHost`.
@Suite struct RancherKubeconfigAndFarmTests {
    @Test func generatedKubeconfigParsesAndOpensTheProxy() async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            try await rancher.setServerURL(token: token)
            let clusterId = try await rancher.createRKE2Cluster("hybrid", token: token)
            let reply = try await rancher.send("POST", "/v3/clusters/\(clusterId)?action=generateKubeconfig", token: token)
            #expect(reply.status == 200 && reply.json?["type"]?.string == "generateKubeconfigOutput")
            let yaml = try #require(reply.json?["config"]?.string)
            // The CA data is a folded double-quoted scalar (§C.7): a real YAML parser joins it.
            #expect(yaml.contains("\\\n      "))
            let document = try #require(try Yams.load(yaml: yaml) as? [String: Any])
            #expect(document["current-context"] as? String == "hybrid")
            let cluster = try #require((document["clusters"] as? [[String: Any]])?.first?["cluster"] as? [String: Any])
            #expect(cluster["server"] as? String == "https://\(RancherHarness.hostname)/k8s/clusters/\(clusterId)")
            let caData = try #require(cluster["certificate-authority-data"] as? String)
            let data = try #require(Data(base64Encoded: caData))
            #expect(String(decoding: data, as: UTF8.self) == rancher.endpoints.caPEM)
            let user = try #require((document["users"] as? [[String: Any]])?.first?["user"] as? [String: Any])
            let kubeToken = try #require(user["token"] as? String)
            #expect(kubeToken.hasPrefix("kubeconfig-user-"))
            let proxied = try await rancher.send("GET", "/k8s/clusters/\(clusterId)/version", token: kubeToken)
            #expect(proxied.status == 200 && proxied.json?["path"]?.string == "/version")
            // Rancher's own cluster the same way.
            let local = try await rancher.send("POST", "/v3/clusters/local?action=generateKubeconfig", token: token)
            #expect(local.json?["config"]?.string?.contains("/k8s/clusters/local\"") == true)
            #expect(try await rancher.send("GET", "/k8s/clusters/local/api/v1/nodes", token: kubeToken).status == 200)
        }
    }

    @Test func farmStartsOneServerPerHostAndPublishesIt() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("drover-farm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let network = SimulatedNetwork()
        let farm = RancherFarm(root: root, network: network, clock: ManualClock(), timeScale: 0)
        let installation = RancherInstallation(hostname: "Rancher-Y.eastus2.cloudapp.azure.com", version: "2.13.1",
                                               bootstrapPassword: "bootstrap-password-1", tlsSource: "rancher")
        let port = try await farm.install(installation)
        #expect(try await farm.install(installation) == port)
        #expect(network.loopbackPort(host: "rancher-y.eastus2.cloudapp.azure.com") == port)
        let simulator = try #require(await farm.simulator(hostname: "rancher-y.eastus2.cloudapp.azure.com"))
        #expect(await simulator.inventory()["version"]?.string == "2.13.1")
        await #expect(throws: SimulatorError.self) {
            try await farm.install(RancherInstallation(hostname: "z.example", version: "latest", bootstrapPassword: nil, tlsSource: "rancher"))
        }
        await farm.stopAll()
        #expect(network.loopbackPort(host: "rancher-y.eastus2.cloudapp.azure.com") == nil)
    }
}

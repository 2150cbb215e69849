import DroverNodes
import Testing
import Yams

/// The Rancher servers of profile current: who initialises, who joins, and what the charts say.
@Suite struct RKE2ServerBootstrapTests {
    let bootstrap = RKE2ServerBootstrap(
        servers: [
            RKE2ServerNode(name: "rancher-0-vm", privateAddress: "10.0.1.4"), RKE2ServerNode(name: "rancher-1-vm", privateAddress: "10.0.1.5"),
            RKE2ServerNode(name: "rancher-2-vm", privateAddress: "10.0.1.6"),
        ],
        rke2Version: "v1.34.2+rke2r1",
        install: RancherInstall(
            hostname: "cattle.eastus2.cloudapp.azure.com", rancherVersion: "v2.14.0", certManagerVersion: "v1.20.0",
            tls: .letsEncrypt(email: "ops@example.com", environment: "staging"), replicas: 3))

    private func config(_ index: Int) throws -> [String: Any] {
        try #require(try Yams.load(yaml: bootstrap.config(for: bootstrap.servers[index])) as? [String: Any])
    }

    @Test func firstServerInitialisesAndTheOthersJoinIt() throws {
        #expect(try config(0)["server"] == nil)
        for index in 1...2 {
            let joining = try config(index)
            #expect(joining["server"] as? String == "https://10.0.1.4:9345")
            #expect(joining["node-ip"] as? String == bootstrap.servers[index].privateAddress)
            #expect(joining["tls-san"] as? [String] == ["cattle.eastus2.cloudapp.azure.com"])
            #expect(joining["write-kubeconfig-mode"] as? String == "0600")
        }
        // The token is never in custom data; the extension script adds it once.
        let customData = bootstrap.customData(for: bootstrap.servers[1]).rendered()
        #expect(!customData.contains("token"))
        let script = bootstrap.secretsScript(token: "abc123", bootstrapPassword: "pw")
        #expect(script.contains("grep -q '^token:' /etc/rancher/rke2/config.yaml || printf 'token: %s\\n' abc123 >> /etc/rancher/rke2/config.yaml"))
        #expect(script.contains("systemctl enable --now rke2-server.service"))
        #expect(customData.contains("INSTALL_RKE2_VERSION=v1.34.2+rke2r1"))
    }

    @Test func chartsCarryTheSpecValues() throws {
        let rancher = try #require(try Yams.load(yaml: bootstrap.install.rancherChart.rendered()) as? [String: Any])
        let spec = try #require(rancher["spec"] as? [String: Any])
        #expect(spec["version"] as? String == "2.14.0")
        #expect(spec["targetNamespace"] as? String == "cattle-system")
        let valuesContent = try #require(spec["valuesContent"] as? String)
        let values = try #require(try Yams.load(yaml: valuesContent) as? [String: Any])
        #expect(values["hostname"] as? String == "cattle.eastus2.cloudapp.azure.com")
        #expect(values["replicas"] as? Int == 3)
        #expect(((values["ingress"] as? [String: Any])?["tls"] as? [String: Any])?["source"] as? String == "letsEncrypt")
        #expect((values["letsEncrypt"] as? [String: Any])?["environment"] as? String == "staging")
        #expect((values["letsEncrypt"] as? [String: Any])?["email"] as? String == "ops@example.com")

        let certManager = try #require(try Yams.load(yaml: bootstrap.install.certManagerChart.rendered()) as? [String: Any])
        let cmSpec = try #require(certManager["spec"] as? [String: Any])
        #expect(cmSpec["version"] as? String == "v1.20.0")
        #expect(cmSpec["valuesContent"] as? String == "crds:\n  enabled: true\n")

        var selfSigned = bootstrap.install
        selfSigned.tls = .rancher
        #expect(selfSigned.rancherChart.rendered().contains("source: rancher"))
        #expect(!selfSigned.rancherChart.rendered().contains("letsEncrypt"))
    }
}

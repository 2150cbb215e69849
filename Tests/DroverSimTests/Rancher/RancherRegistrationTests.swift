import Crypto
import DroverSim
import Foundation
import Testing

/// Cluster registration tokens and their commands, verbatim per version (rancher-api.md §3.3;
/// kube-and-rancher-wire.md §C.3).
@Suite struct RancherRegistrationTests {
    static func sha256(_ text: String) -> String { SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined() }

    /// 2.3 and 2.5: the token must be created; the Docker commands with the 2.3 and 2.4+ Windows forms.
    @Test(arguments: ["2.3.11", "2.5.17"])
    func rke1TokenIsCreatedAndItsCommandsAreVerbatim(version: String) async throws {
        try await RancherHarness.run(version: version, bootstrapPassword: nil) { rancher in
            let token = try await rancher.login(password: "admin")
            try await rancher.setServerURL(token: token)
            let cluster = try await rancher.send("POST", "/v3/clusters", body: RancherClusterTests.rke1Body, token: token)
            let id = try #require(cluster.json?["id"]?.string)
            let created = try await rancher.send("POST", "/v3/clusterregistrationtokens",
                                                 body: ["type": "clusterRegistrationToken", "clusterId": .string(id), "name": "default-token"], token: token)
            #expect(created.status == 201)
            #expect(created.json?["id"]?.string == "\(id):default-token")
            let secret = try #require(created.json?["token"]?.string)
            let cacerts = try #require(rancher.endpoints.caPEM)
            let checksum = Self.sha256(cacerts.hasSuffix("\n") ? cacerts : cacerts + "\n")
            let server = "https://\(RancherHarness.hostname)"
            let docker = "sudo docker run -d --privileged --restart=unless-stopped --net=host -v /etc/kubernetes:/etc/kubernetes -v /var/run:/var/run"
            if version == "2.3.11" {
                #expect(created.json?["nodeCommand"]?.string == "\(docker) rancher/rancher-agent:v2.3.11 --server \(server) --token \(secret) --ca-checksum \(checksum)")
                #expect(created.json?["windowsNodeCommand"]?.string == "PowerShell -NoLogo -NonInteractive -Command \"& {docker run -v c:/:c:/host rancher/rancher-agent:v2.3.11 bootstrap --server \(server) --token \(secret) --ca-checksum \(checksum) | iex}\"")
                #expect(created.json?["manifestUrl"]?.string == "\(server)/v3/import/\(secret).yaml")
            } else {
                // 2.5+: the empty env vars leave a double space (rancher-api.md §6.6).
                #expect(created.json?["nodeCommand"]?.string == "\(docker)  rancher/rancher-agent:v2.5.17 --server \(server) --token \(secret) --ca-checksum \(checksum)")
                #expect(created.json?["windowsNodeCommand"]?.string == "PowerShell -NoLogo -NonInteractive -Command \"& {docker run -v c:\\:c:\\host rancher/rancher-agent:v2.5.17 bootstrap --server \(server) --token \(secret) --ca-checksum \(checksum) | iex}\"")
                #expect(created.json?["manifestUrl"]?.string == "\(server)/v3/import/\(secret)_\(id).yaml")
            }
            // The 2.3 agent checks the checksum against /v3/settings/cacerts (value + newline).
            let value = try #require(try await rancher.send("GET", "/v3/settings/cacerts").json?["value"]?.string)
            #expect(Self.sha256(value.hasSuffix("\n") ? value : value + "\n") == checksum)
        }
    }

    /// 2.13: `default-token` appears after a while; commands stay empty until server-url is set; the checksum
    /// matches `/cacerts`; a POST of the same name is a 409.
    @Test func rke2DefaultTokenAndCommands() async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            let clusterId = try await rancher.createRKE2Cluster("hybrid", token: token)
            let early = try await rancher.registrationToken(clusterId, token: token)
            let secret = try #require(early["token"]?.string)
            #expect(secret.count == 54)
            #expect(early["nodeCommand"]?.string == "")
            #expect(early["windowsNodeCommand"]?.string == "")
            try await rancher.setServerURL(token: token)
            let crt = try await rancher.registrationToken(clusterId, token: token)
            let cacerts = try await rancher.send("GET", "/cacerts")
            #expect(cacerts.text.hasSuffix("\n"))
            let checksum = Self.sha256(cacerts.text)
            let server = "https://\(RancherHarness.hostname)"
            #expect(crt["nodeCommand"]?.string == " curl -fL \(server)/system-agent-install.sh | sudo  sh -s - --server \(server) --label 'cattle.io/os=linux' --token \(secret) --ca-checksum \(checksum)")
            #expect(crt["insecureNodeCommand"]?.string == " curl --insecure -fL \(server)/system-agent-install.sh | sudo  sh -s - --server \(server) --label 'cattle.io/os=linux' --token \(secret) --ca-checksum \(checksum)")
            #expect(crt["windowsNodeCommand"]?.string == " curl.exe -fL \(server)/wins-agent-install.ps1 -o install.ps1; Set-ExecutionPolicy Bypass -Scope Process -Force; ./install.ps1 -Server \(server) -Label 'cattle.io/os=windows' -Token \(secret) -Worker -CaChecksum \(checksum)")
            #expect(crt["state"]?.string == "active")
            let again = try await rancher.send("POST", "/v3/clusterregistrationtokens", body: ["clusterId": .string(clusterId), "name": "default-token"], token: token)
            #expect(again.status == 409 && again.code == "AlreadyExists")
            let script = try await rancher.send("GET", "/system-agent-install.sh")
            #expect(script.text.hasPrefix("#!/usr/bin/env sh\n"))
            #expect(script.text.contains("CATTLE_CA_CHECKSUM=\"\(checksum)\""))
            #expect(script.text.contains("STRICT_VERIFY=\"true\""))
            #expect(try await rancher.send("GET", "/wins-agent-install.ps1").text.contains("$env:CATTLE_SERVER=\"\(server)\""))
        }
    }

    /// A publicly trusted certificate (ingress.tls.source=secret without privateCA): empty cacerts, no checksum flag.
    @Test func noChecksumWithoutCACertificates() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-rancher-ca-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let authority = try CertificateAuthority.loadOrCreate(in: folder)
        let leaf = try authority.issueServerCertificate(hostnames: [RancherHarness.hostname])
        try await RancherHarness.run(version: "2.13.1", tls: .secret(certificatePEM: leaf.certificatePEM, keyPEM: leaf.keyPEM, caPEM: nil),
                                     trust: authority.certificatePEM) { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            try await rancher.setServerURL(token: token)
            let clusterId = try await rancher.createRKE2Cluster("hybrid", token: token)
            let crt = try await rancher.registrationToken(clusterId, token: token)
            let command = try #require(crt["nodeCommand"]?.string)
            #expect(!command.isEmpty && !command.contains("--ca-checksum"))
            #expect(try await rancher.send("GET", "/cacerts").text == "")
        }
    }

    /// Drover's private CA (ingress.tls.source=secret, privateCA=true): the served chain is the given one and
    /// `cacerts` is that CA.
    @Test func privateCAIsTheCACertsSetting() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-rancher-ca-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let authority = try CertificateAuthority.loadOrCreate(in: folder)
        let leaf = try authority.issueServerCertificate(hostnames: [RancherHarness.hostname])
        try await RancherHarness.run(version: "2.13.1", tls: .secret(certificatePEM: leaf.certificatePEM, keyPEM: leaf.keyPEM, caPEM: authority.certificatePEM)) { rancher in
            let setting = try await rancher.send("GET", "/v3/settings/cacerts")
            #expect(setting.json?["value"]?.string == authority.certificatePEM)
        }
    }
}

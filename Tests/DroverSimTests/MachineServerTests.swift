import DroverSim
import Foundation
import Testing

/// An RKE2 server VM: cloud-init writes RKE2's config and the chart manifests and installs RKE2; the secrets
/// extension adds the token and the bootstrap password and starts rke2-server; then Rancher is asked for.
@Suite struct MachineServerTests {
    static let hostname = "rancher-x.eastus2.cloudapp.azure.com"

    /// A cloud-config in the shape of the sample Drover renders (write_files with permissions, runcmd lists).
    static func cloudConfig(valuesSecret: Bool = true, tlsSource: String = "letsEncrypt") -> String {
        """
        #cloud-config
        write_files:
        - path: /etc/rancher/rke2/config.yaml
          content: |
            node-ip: 10.0.1.4
            tls-san:
            - \(hostname)
          permissions: '0600'
        - path: /var/lib/rancher/rke2/server/manifests/cert-manager.yaml
          content: |
            apiVersion: helm.cattle.io/v1
            kind: HelmChart
            metadata: {name: cert-manager, namespace: kube-system}
            spec:
              chart: cert-manager
              version: v1.20.0
          permissions: '0600'
        - path: /var/lib/rancher/rke2/server/manifests/rancher.yaml
          content: |
            apiVersion: helm.cattle.io/v1
            kind: HelmChart
            metadata: {name: rancher, namespace: kube-system}
            spec:
              chart: rancher
              version: 2.14.0
              valuesContent: |
                hostname: \(hostname)
                ingress:
                  tls:
                    source: \(tlsSource)
                letsEncrypt:
                  environment: production
        \(valuesSecret ? "      valuesSecrets:\n      - name: rancher-values\n        keys: [values.yaml]" : "")
          permissions: '0600'
        runcmd:
        - - sh
          - -c
          - 'ip=$(curl -sf -H Metadata:true ''http://169.254.169.254/metadata/instance/network/interface/0/ipv4/ipAddress/0/publicIpAddress?api-version=2021-02-01&format=text'') && [ -n "$ip" ] && echo "node-external-ip: $ip" >> /etc/rancher/rke2/config.yaml'
        - - sh
          - -c
          - curl -sfL https://get.rke2.io | INSTALL_RKE2_VERSION=v1.34.2+rke2r1 INSTALL_RKE2_TYPE=server sh -
        """
    }

    static let secretsScript = """
    #!/bin/sh
    set -eu
    umask 077
    cloud-init status --wait >/dev/null || { echo 'cloud-init failed'; exit 1; }
    grep -q '^token:' /etc/rancher/rke2/config.yaml || printf 'token: %s\\n' s3cr3t-rke2-token >> /etc/rancher/rke2/config.yaml
    mkdir -p /var/lib/rancher/rke2/server/manifests
    cat > /var/lib/rancher/rke2/server/manifests/rancher-values.yaml <<'EOF'
    apiVersion: v1
    kind: Secret
    metadata:
      name: rancher-values
      namespace: kube-system
    stringData:
      values.yaml: |
        bootstrapPassword: b00tstrap-pass
    type: Opaque
    EOF
    systemctl enable --now rke2-server.service
    echo "drover: done"
    """

    @Test func serverWithChartsAndSecretsAsksForRancherOnce() async throws {
        try await MachineBed.run { bed in
            try await bed.linuxVM("rancher-0", address: "10.0.1.4", customData: Self.cloudConfig())
            #expect(try await bed.machine("rancher-0")?["cloudInit"]?.string == "done")
            #expect(bed.host.installations.isEmpty, "no Rancher before rke2-server runs")
            let ext = try await bed.runLinuxScript("rancher-0", Self.secretsScript, name: "secrets")
            #expect(ext.provisioningState == "Succeeded")
            #expect(ext.statusMessage?.hasPrefix("Enable succeeded") == true)
            #expect(bed.host.installations.count == 1)
            let installation = try #require(bed.host.installations.first)
            #expect(installation.hostname == Self.hostname)
            #expect(installation.version == "2.14.0")
            #expect(installation.bootstrapPassword == "b00tstrap-pass")
            #expect(installation.tlsSource == "letsEncrypt")
            #expect(installation.letsEncryptEnvironment == "production")
            // Running the same secrets again (a re-run) does not ask twice.
            _ = try await bed.runLinuxScript("rancher-0", Self.secretsScript + "\n# again\n", name: "secrets")
            #expect(bed.host.installations.count == 1)
            let machine = try await bed.machine("rancher-0")
            #expect(machine?["rancher"]?.string?.hasPrefix("installed 2.14.0") == true)
            // The node log never shows the token or the password; the world file is the owner's only.
            let log = try await bed.log("rancher-0").joined(separator: "\n")
            #expect(!log.contains("s3cr3t-rke2-token") && !log.contains("b00tstrap-pass"))
            let attributes = try FileManager.default.attributesOfItem(atPath: bed.sim.directory.appendingPathComponent("world.json").path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test func withoutTheSecretsExtensionRKE2NeverStartsAndNoRancherIsAskedFor() async throws {
        try await MachineBed.run { bed in
            try await bed.linuxVM("rancher-0", address: "10.0.1.4", customData: Self.cloudConfig())
            let machine = try await bed.machine("rancher-0")
            #expect(machine?.at("services.rke2-server")?.string == "installed")
            #expect(machine?["rancher"] == .null)
            #expect(bed.host.installations.isEmpty)
        }
    }

    @Test func chartValuesSecretMissingMeansNoRancherAndTheLogSaysWhy() async throws {
        try await MachineBed.run { bed in
            try await bed.linuxVM("rancher-0", address: "10.0.1.4", customData: Self.cloudConfig())
            let withoutValues = Self.secretsScript.replacingOccurrences(of: "name: rancher-values", with: "name: other-values")
            let ext = try await bed.runLinuxScript("rancher-0", withoutValues, name: "secrets")
            #expect(ext.provisioningState == "Succeeded")
            #expect(bed.host.installations.isEmpty)
            let log = try await bed.log("rancher-0")
            #expect(log.contains { $0.contains("rancher: not installed") && $0.contains("valuesSecrets 'rancher-values'") })
        }
    }

    @Test func secretTLSSourceNeedsTheIngressSecret() async throws {
        try await MachineBed.run { bed in
            try await bed.linuxVM("rancher-0", address: "10.0.1.4", customData: Self.cloudConfig(tlsSource: "secret"))
            _ = try await bed.runLinuxScript("rancher-0", Self.secretsScript, name: "secrets")
            #expect(bed.host.installations.isEmpty)
            #expect(try await bed.log("rancher-0").contains { $0.contains("Secret tls-rancher-ingress") })
        }
    }

    /// `ingress.tls.source=secret` with `privateCA=true`: the certificate, key and CA come from the manifests' Secrets.
    @Test func privateCASecretsReachTheInstallation() async throws {
        try await MachineBed.run { bed in
            try await bed.linuxVM("rancher-0", address: "10.0.1.4", customData: Self.cloudConfig(tlsSource: "secret"))
            let pem = { (label: String) in "-----BEGIN \(label)-----\nMIIB\n-----END \(label)-----\n" }
            let secrets = """

            cat > /var/lib/rancher/rke2/server/manifests/tls.yaml <<'EOF'
            apiVersion: v1
            kind: Secret
            metadata: {name: tls-rancher-ingress, namespace: cattle-system}
            type: kubernetes.io/tls
            data:
              tls.crt: \(Data(pem("CERTIFICATE").utf8).base64EncodedString())
              tls.key: \(Data(pem("EC PRIVATE KEY").utf8).base64EncodedString())
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: tls-ca, namespace: cattle-system}
            stringData:
              cacerts.pem: |
                -----BEGIN CERTIFICATE-----
                MIIC
                -----END CERTIFICATE-----
            EOF
            """
            let script = Self.secretsScript.replacingOccurrences(of: "bootstrapPassword: b00tstrap-pass", with: "bootstrapPassword: b00tstrap-pass\n    privateCA: true")
                .replacingOccurrences(of: "systemctl enable", with: secrets + "\nsystemctl enable")
            let ext = try await bed.runLinuxScript("rancher-0", script, name: "secrets")
            #expect(ext.provisioningState == "Succeeded", "\(ext.statusMessage ?? "")")
            let log = try await bed.log("rancher-0")
            let installation = try #require(bed.host.installations.first, "\(log)")
            #expect(installation.tlsSource == "secret")
            #expect(installation.certificatePEM == pem("CERTIFICATE"))
            #expect(installation.keyPEM == pem("EC PRIVATE KEY"))
            #expect(installation.privateCAPEM == "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n")
            #expect(installation.letsEncryptEnvironment == nil)
        }
    }

    @Test func customDataThatIsNotValidCloudConfigFailsCloudInit() async throws {
        try await MachineBed.run { bed in
            try await bed.linuxVM("rancher-0", address: "10.0.1.4", customData: "#cloud-config\nwrite_files: [\n  - path: /x\n")
            let machine = try await bed.machine("rancher-0")
            #expect(machine?["cloudInit"]?.string == "error")
            #expect(try await bed.log("rancher-0").contains { $0.hasPrefix("cloud-init: Failed loading yaml blob") })
            // A script waiting on cloud-init fails, and the extension says so.
            let ext = try await bed.runLinuxScript("rancher-0", Self.secretsScript, name: "secrets")
            #expect(ext.provisioningState == "Failed")
            #expect(ext.statusMessage?.contains("cloud-init failed") == true)
        }
    }

    /// Shell the machine cannot run fails as `sh` does, never silently.
    @Test(arguments: [
        ("frobnicate --now\n", "sh: 1: frobnicate: not found", 127),
        ("if [ -e /x ]; then echo y\n", "Syntax error", 2),
        ("cat <<EOF\nno end\n", "Syntax error", 2),
        ("set -e\nsystemctl enable --now rke2-server\necho after\n", "Unit file rke2-server.service does not exist", 1),
    ])
    func badScriptsFailWithTheShellsMessage(script: String, message: String, exitCode: Int) async throws {
        try await MachineBed.run { bed in
            try await bed.linuxVM("node-0", address: "10.0.1.5", customData: nil)
            let ext = try await bed.runLinuxScript("node-0", script)
            #expect(ext.provisioningState == "Failed")
            let text = try #require(ext.statusMessage)
            #expect(text.contains("exit status=\(exitCode)"), "\(text)")
            #expect(text.contains(message), "\(text)")
            #expect(!text.contains("after"))
        }
    }
}

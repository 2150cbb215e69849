import DroverBlueprint
import DroverEngine
import DroverNodes
import Foundation
import Testing
import Yams

/// Every artifact the renderer can produce, checked by the real tools: cloud-init's schema, kubernetes-validate,
/// the helm-controller CRD fields, the tree-sitter PowerShell grammar and `sh -n`.
@Suite struct ArtifactValidationTests {
    /// Secret values with characters that break naive quoting, and a real private CA and serving certificate.
    static let secrets: ArtifactSecrets = {
        let now = Date()
        let ca = try! RancherCertificateAuthority.issue(for: ClusterSpec.defaults(for: .current).rancher.fqdn, now: now)
        let serving = try! ca.issueServing(hostname: ClusterSpec.defaults(for: .current).rancher.fqdn, now: now)
        return ArtifactSecrets(
            rke2Token: "K10rke2tokenQ9x7Zp3Lm8Vn2Bc6Xd4Fh1Jk5", bootstrapPassword: "Boot'strap\"P@ss $HOME `x` \\n ; | &",
            registrationToken: "regtok9vq2m8x7c4l1p0z6b3n5h8j2k4w7r", caChecksum: ca.checksum,
            rancherTLS: RancherTLSMaterial(certificate: serving.chainPEM, privateKey: serving.privateKeyPEM, caCertificate: ca.certificatePEM))
    }()

    /// Both profiles, 1 and 3 servers, every TLS source the profile accepts, extension and custom-data joins.
    static let variants: [ClusterSpec] = {
        var specs: [ClusterSpec] = []
        for profile in Profile.allCases {
            for servers in profile == .current ? [1, 3] : [3] {
                for tls in TLSSource.allCases where !(profile == .rancher23 && tls == .private) {
                    for join in JoinMethod.allCases {
                        var spec = ClusterSpec.defaults(for: profile)
                        spec.rancher.servers = servers
                        spec.rancher.tls = tls
                        spec.cluster.joinMethod = join
                        specs.append(spec)
                    }
                }
            }
        }
        return specs
    }()

    static func allArtifacts() throws -> [NodeArtifact] {
        try variants.flatMap { try NodeArtifacts(spec: $0).render(secrets) }
    }

    private func unique(_ artifacts: [NodeArtifact], where keep: (NodeArtifact) -> Bool) -> [String] {
        Array(Set(artifacts.filter(keep).map(\.content))).sorted()
    }

    @Test func everyCloudConfigPassesCloudInitSchema() async throws {
        let configs = unique(try Self.allArtifacts()) { $0.path.hasSuffix("cloud-config.yaml") }
        #expect(configs.count >= 6)
        let folder = try LocalTools.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cloudInit = try #require(LocalTools.onPath("cloud-init"), "cloud-init is missing; run scripts/test")
        for file in try LocalTools.write(configs, into: folder, suffix: ".yaml") {
            let result = try await LocalTools.run(cloudInit, ["schema", "--config-file", file])
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(result.status == 0, "\(result.output)\n\(text)")
        }
        // A wrong type must fail, or a pass proves nothing.
        let broken = try LocalTools.write(["#cloud-config\nwrite_files:\n- path: /x\n  content: a\n  permissions: 0600\n"], into: folder, suffix: "-broken.yaml")
        #expect(try await LocalTools.run(cloudInit, ["schema", "--config-file", broken[0]]).status != 0)
    }

    @Test func everyManifestValidates() async throws {
        let artifacts = try Self.allArtifacts()
        let charts = unique(artifacts) { $0.content.contains("kind: HelmChart") && $0.path.hasSuffix(".yaml") && !$0.path.contains("cloud-config") }
        let secrets = unique(artifacts) { $0.path.hasSuffix("drover-rancher-values.yaml") || $0.path.hasSuffix("drover-rancher-tls.yaml") }
        let addons = try unique(artifacts) { $0.path.hasSuffix("cluster.yml") }.map { text in
            try #require((try Yams.load(yaml: text) as? [String: Any])?["addons"] as? String)
        }
        #expect(charts.count >= 4)
        #expect(!secrets.isEmpty && !addons.isEmpty)
        let folder = try LocalTools.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }

        let core = try LocalTools.write(secrets + addons, into: folder, suffix: "-core.yaml")
        let validated = try await LocalTools.run(LocalTools.kubernetesValidate, ["--strict"] + core)
        #expect(validated.status == 0, "\(validated.output)")
        #expect(validated.output.contains("serviceaccount/tiller") && validated.output.contains("clusterrolebinding/tiller"))
        #expect(validated.output.contains("secret/tls-rancher-ingress") && validated.output.contains("secret/tls-ca"))

        let schema = LocalTools.schemas.appendingPathComponent("helmchart-helm.cattle.io-v1.json").path
        let chartFiles = try LocalTools.write(charts, into: folder, suffix: "-chart.yaml")
        let checked = try await LocalTools.run(LocalTools.python, [LocalTools.check("json-schema.py"), schema] + chartFiles)
        #expect(checked.status == 0, "\(checked.output)")
    }

    /// The checker itself must reject a HelmChart with a misspelt field, or passing proves nothing.
    @Test func helmChartSchemaRejectsUnknownFields() async throws {
        let chart = try #require(try Self.allArtifacts().first { $0.path.hasSuffix("drover-rancher.yaml") })
        let folder = try LocalTools.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = try LocalTools.write([chart.content.replacingOccurrences(of: "targetNamespace", with: "targetNamespce")], into: folder, suffix: ".yaml")
        let schema = LocalTools.schemas.appendingPathComponent("helmchart-helm.cattle.io-v1.json").path
        let result = try await LocalTools.run(LocalTools.python, [LocalTools.check("json-schema.py"), schema] + bad)
        #expect(result.status == 1)
        #expect(result.output.contains("targetNamespce"))
    }

    /// Decodes `powershell.exe … -EncodedCommand BASE64` (UTF-16LE).
    static func decodeEncodedCommand(_ command: String) throws -> String {
        let encoded = try #require(command.split(separator: " ").last.map(String.init))
        let bytes = [UInt8](try #require(Data(base64Encoded: encoded)))
        let units = stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
        return String(decoding: units, as: UTF16.self)
    }

    @Test func everyPowerShellScriptParsesWithZeroErrors() async throws {
        let artifacts = try Self.allArtifacts()
        var scripts = unique(artifacts) { $0.path.hasSuffix(".ps1") }
        let commands = unique(artifacts) { $0.path.hasSuffix("extension-command.txt") }
        #expect(scripts.count >= 2 && commands.count >= 3)
        for command in commands {
            #expect(command.count < 32_767, "longer than a Windows command line")
            let bootstrap = try Self.decodeEncodedCommand(command)
            scripts.append(bootstrap)
            // `joinMethod: customData`: the command runs the script Azure placed from custom data; nothing is embedded.
            if bootstrap.contains(#"C:\AzureData\CustomData.bin"#) { continue }
            // Otherwise the script the extension writes is exactly the join script rendered beside it.
            let inner = try #require(bootstrap.split(separator: "'").first(where: { $0.count > 200 }), "no embedded script in \(bootstrap.prefix(80))")
            let data = try #require(Data(base64Encoded: String(inner)), "the embedded script is not base64")
            #expect(scripts.contains(String(decoding: data, as: UTF8.self)))
        }
        let folder = try LocalTools.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try LocalTools.write(scripts, into: folder, suffix: ".ps1")
        let result = try await LocalTools.run(LocalTools.python, [LocalTools.check("powershell-syntax.py")] + files)
        #expect(result.status == 0, "\(result.output)")

        let broken = try LocalTools.write(["if ($x { Write-Output 'unclosed'"], into: folder, suffix: "-broken.ps1")
        #expect(try await LocalTools.run(LocalTools.python, [LocalTools.check("powershell-syntax.py")] + broken).status == 1)
    }

    @Test func everyShellScriptAndCommandParses() async throws {
        let artifacts = try Self.allArtifacts()
        var scripts = unique(artifacts) { $0.path.hasSuffix(".sh") }
        for config in unique(artifacts, where: { $0.path.hasSuffix("cloud-config.yaml") }) {
            let document = try #require(try Yams.load(yaml: config) as? [String: Any])
            for command in document["runcmd"] as? [[String]] ?? [] where command.prefix(2) == ["sh", "-c"] {
                scripts.append(command[2])
            }
        }
        #expect(scripts.count >= 6)
        let folder = try LocalTools.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in try LocalTools.write(scripts, into: folder, suffix: ".sh") {
            let result = try await LocalTools.run("/bin/sh", ["-n", file])
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(result.status == 0, "\(result.output)\n\(text)")
        }
        let broken = try LocalTools.write(["if [ -e x ]; then echo 'unclosed"], into: folder, suffix: "-broken.sh")
        #expect(try await LocalTools.run("/bin/sh", ["-n", broken[0]]).status != 0)
    }

    @Test(arguments: variants) func customDataFitsAndNoSecretLeavesProtectedChannels(_ spec: ClusterSpec) async throws {
        let artifacts = try NodeArtifacts(spec: spec).render(Self.secrets)
        let values = [
            Self.secrets.rke2Token, Self.secrets.bootstrapPassword, Self.secrets.registrationToken,
            String(Self.secrets.rancherTLS.privateKey.split(separator: "\n")[1]),
        ]
        for artifact in artifacts {
            let leaks = values.filter { artifact.content.contains($0) }
            if artifact.delivery == .customData {
                #expect(artifact.content.utf8.count <= 65_535, "\(artifact.path): custom data over Azure's 64 KiB")
            }
            // Secrets travel only in protected settings, on-server files written by them, or custom data the
            // user chose with `joinMethod: customData` (warned by validate); such artifacts are marked sensitive.
            if !leaks.isEmpty {
                #expect(artifact.sensitive, "\(artifact.path) holds a secret but is not marked sensitive")
                #expect(artifact.delivery != .customData || spec.cluster.joinMethod == .customData, "\(artifact.path) puts a secret in custom data")
                #expect(artifact.delivery != .local)
            }
        }
        #expect(artifacts.contains { $0.content.contains(Self.secrets.registrationToken) })
    }

    /// `tls: private`: the secrets script writes the Secrets Rancher's chart reads, the chart is told so, cert-manager
    /// is left out, and custom data holds neither key nor certificate.
    @Test func privateTLSTravelsOnlyInTheSecretsScript() async throws {
        let artifacts = try NodeArtifacts(spec: .defaults(for: .current)).render(Self.secrets)
        let script = try #require(artifacts.first { $0.path == "rancher/servers-secrets.sh" })
        #expect(script.delivery == .protectedSettings && script.sensitive)
        #expect(script.content.contains("\(RKE2ServerBootstrap.manifestsFolder)/drover-rancher-tls.yaml"))
        // The PEM bodies sit indented in the manifest's literal blocks: compare their base64 lines.
        let keyLine = String(Self.secrets.rancherTLS.privateKey.split(separator: "\n")[1])
        #expect(script.content.contains(keyLine) && script.content.contains(String(Self.secrets.rancherTLS.caCertificate.split(separator: "\n")[1])))
        let manifest = try #require(artifacts.first { $0.path.hasSuffix("drover-rancher-tls.yaml") })
        #expect(manifest.sensitive)
        let documents = try Yams.load_all(yaml: manifest.content).compactMap { $0 as? [String: Any] }
        let serving = try #require(documents.first { ($0["metadata"] as? [String: Any])?["name"] as? String == "tls-rancher-ingress" })
        #expect(serving["type"] as? String == "kubernetes.io/tls")
        #expect((serving["stringData"] as? [String: String])?["tls.crt"] == Self.secrets.rancherTLS.certificate)
        #expect((serving["stringData"] as? [String: String])?["tls.key"] == Self.secrets.rancherTLS.privateKey)
        let ca = try #require(documents.first { ($0["metadata"] as? [String: Any])?["name"] as? String == "tls-ca" })
        #expect((ca["stringData"] as? [String: String])?["cacerts.pem"] == Self.secrets.rancherTLS.caCertificate)
        #expect((ca["metadata"] as? [String: Any])?["namespace"] as? String == "cattle-system")

        let chart = try #require(artifacts.first { $0.path.hasSuffix("drover-rancher.yaml") })
        let spec = try #require((try Yams.load(yaml: chart.content) as? [String: Any])?["spec"] as? [String: Any])
        let valuesContent = try #require(spec["valuesContent"] as? String)
        let values = try #require(try Yams.load(yaml: valuesContent) as? [String: Any])
        #expect(((values["ingress"] as? [String: Any])?["tls"] as? [String: Any])?["source"] as? String == "secret")
        #expect(values["privateCA"] as? Bool == true)
        #expect(!artifacts.contains { $0.path.hasSuffix("drover-cert-manager.yaml") || $0.content.contains("name: cert-manager") })
        for config in artifacts where config.delivery == .customData {
            #expect(!config.content.contains("BEGIN"), "\(config.path) carries PEM in custom data")
        }
        // Let's Encrypt still brings cert-manager.
        var letsEncrypt = ClusterSpec.defaults(for: .current)
        letsEncrypt.rancher.tls = .letsEncrypt
        #expect(try NodeArtifacts(spec: letsEncrypt).render(Self.secrets).contains { $0.path.hasSuffix("drover-cert-manager.yaml") })
    }

    /// Registration commands carry the private CA's checksum (agents check `/cacerts` against it), none with
    /// Let's Encrypt's public chain (rancher-api.md §6.1).
    @Test func registrationCommandsCarryTheChecksumOfAPrivateCA() {
        let commands = NodeArtifacts(spec: .defaults(for: .current)).registrationCommands(Self.secrets)
        #expect(commands.linux.contains("--ca-checksum \(Self.secrets.caChecksum)") && commands.windows.contains("-CaChecksum \(Self.secrets.caChecksum)"))
        var letsEncrypt = ClusterSpec.defaults(for: .current)
        letsEncrypt.rancher.tls = .letsEncrypt
        #expect(!NodeArtifacts(spec: letsEncrypt).registrationCommands(Self.secrets).linux.contains("ca-checksum"))
    }

    @Test func bootstrapPasswordSurvivesQuotingExactly() async throws {
        let artifacts = try NodeArtifacts(spec: .defaults(for: .current)).render(Self.secrets)
        let secret = try #require(artifacts.first { $0.path.hasSuffix("drover-rancher-values.yaml") })
        let document = try #require(try Yams.load(yaml: secret.content) as? [String: Any])
        let values = try #require((document["stringData"] as? [String: Any])?["values.yaml"] as? String)
        #expect((try Yams.load(yaml: values) as? [String: Any])?["bootstrapPassword"] as? String == Self.secrets.bootstrapPassword)
        // The password is not in the chart manifest itself, only in the Secret it references.
        let chart = try #require(artifacts.first { $0.path.hasSuffix("drover-rancher.yaml") })
        #expect(!chart.content.contains("bootstrapPassword"))
        #expect(chart.content.contains("drover-rancher-values"))
    }
}

extension ClusterSpec: CustomTestStringConvertible {
    public var testDescription: String {
        "\(profile.rawValue), \(rancher.servers) server(s), \(rancher.tls.rawValue), \(cluster.joinMethod.rawValue)"
    }
}

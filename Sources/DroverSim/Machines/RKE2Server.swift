import Foundation
import Yams

/// An RKE2 server bringing up what its manifests folder asks for: RKE2 applies every file in
/// `/var/lib/rancher/rke2/server/manifests/` (HelmChart objects, Secrets), and the Rancher chart answers on its
/// `hostname` once cert-manager and Rancher run (azure ARCHITECTURE stage 2–3; rancher-api.md §6.1 for the TLS sources).
enum RKE2Server {
    static let configPath = "/etc/rancher/rke2/config.yaml"
    static let manifestsFolder = "/var/lib/rancher/rke2/server/manifests/"

    /// The service's life: Kubernetes starts, the charts install, then Rancher is asked for (once per machine).
    static func start(_ context: MachineContext) async {
        await context.log("rke2-server: starting")
        guard let record = await context.record() else { return }
        let config: [String: Any]
        do {
            config = try yamlMapping(record.files[configPath]?.content ?? "", name: configPath)
        } catch {
            await context.log("rke2-server: \(error); the service exits")
            await context.update { $0.services["rke2-server"] = "failed" }
            return
        }
        if config["token"] == nil {
            // RKE2 generates a token when none is configured; other servers then cannot join this one.
            await context.log("rke2-server: no token in \(configPath); a random token was generated")
        }
        await context.timer.sleep(context.simulator.delays.rke2ServerStart)
        await context.log("rke2-server: Kubernetes API running; applying the manifests in \(manifestsFolder)")
        let installation: RancherInstallation
        do {
            installation = try rancherInstallation(files: record.files)
        } catch {
            await context.log("rancher: not installed: \(error)")
            await context.update { $0.rancher = "not installed: \(error)" }
            return
        }
        await context.timer.sleep(context.simulator.delays.chartsInstall)
        guard await context.record()?.rancher == nil else { return }
        guard let host = context.simulator.rancherHost else {
            await context.log("rancher: chart \(installation.version) installed but no Rancher host exists in this simulation")
            return
        }
        do {
            let port = try await host.install(installation)
            await context.log("rancher: \(installation.version) answering on https://\(installation.hostname) (tls \(installation.tlsSource))")
            await context.update { $0.rancher = "installed \(installation.version) on \(installation.hostname) (loopback \(port))" }
        } catch {
            await context.log("rancher: the Rancher pod did not start: \(error)")
            await context.update { $0.rancher = "failed: \(error)" }
        }
    }

    /// What the manifests ask Rancher to be, or why Rancher cannot come up.
    static func rancherInstallation(files: [String: MachineFile]) throws -> RancherInstallation {
        var objects: [[String: Any]] = []
        for (path, file) in files.sorted(by: { $0.key < $1.key }) where path.hasPrefix(manifestsFolder) && (path.hasSuffix(".yaml") || path.hasSuffix(".yml")) {
            do {
                for document in try Yams.load_all(yaml: file.content) {
                    if let object = document as? [String: Any] { objects.append(object) }
                }
            } catch {
                throw MachineFailure("\(path) is not valid YAML (\(error)); RKE2's deploy controller skips it")
            }
        }
        func kind(_ object: [String: Any]) -> String { object["kind"] as? String ?? "" }
        func objectName(_ object: [String: Any]) -> String { (object["metadata"] as? [String: Any])?["name"] as? String ?? "" }
        let charts = objects.filter { kind($0) == "HelmChart" }
        let chartName = { (object: [String: Any]) in (object["spec"] as? [String: Any])?["chart"] as? String ?? "" }
        guard let rancher = charts.first(where: { chartName($0) == "rancher" || chartName($0).hasSuffix("/rancher") }),
              let spec = rancher["spec"] as? [String: Any] else {
            throw MachineFailure("no HelmChart for the rancher chart in \(manifestsFolder)")
        }
        let secrets = objects.filter { kind($0) == "Secret" }
        func secretData(_ name: String) -> [String: String]? {
            guard let secret = secrets.first(where: { objectName($0) == name }) else { return nil }
            var data: [String: String] = [:]
            for (key, value) in secret["data"] as? [String: Any] ?? [:] {
                if let text = value as? String, let decoded = Data(base64Encoded: text) { data[key] = String(decoding: decoded, as: UTF8.self) }
            }
            for (key, value) in secret["stringData"] as? [String: Any] ?? [:] { data[key] = "\(value)" }
            return data
        }
        // Values: valuesContent, then each valuesSecrets key (helm-controller merges them in order).
        var values = try yamlMapping(spec["valuesContent"] as? String ?? "", name: "rancher valuesContent")
        for reference in spec["valuesSecrets"] as? [[String: Any]] ?? [] {
            let secretName = reference["name"] as? String ?? ""
            guard let data = secretData(secretName) else {
                throw MachineFailure("the rancher HelmChart names valuesSecrets '\(secretName)' but no such Secret is in the manifests; helm-controller waits for it")
            }
            for key in reference["keys"] as? [String] ?? [] {
                guard let text = data[key] else { throw MachineFailure("Secret '\(secretName)' has no key '\(key)'") }
                values = merge(values, try yamlMapping(text, name: "Secret \(secretName) key \(key)"))
            }
        }
        guard let hostname = values["hostname"] as? String, !hostname.isEmpty else {
            throw MachineFailure("the rancher chart has no 'hostname' value; the ingress answers no name")
        }
        let tls = ((values["ingress"] as? [String: Any])?["tls"] as? [String: Any])?["source"] as? String ?? "rancher"
        let privateCA = (values["privateCA"] as? Bool) ?? ((values["privateCA"] as? String) == "true")
        let environment = (values["letsEncrypt"] as? [String: Any])?["environment"] as? String
        if tls != "secret", !charts.contains(where: { chartName($0).hasSuffix("cert-manager") }) {
            throw MachineFailure("ingress.tls.source=\(tls) needs cert-manager, and no cert-manager HelmChart is in the manifests")
        }
        var installation = RancherInstallation(
            hostname: hostname, version: (spec["version"] as? String).map { $0.hasPrefix("v") ? String($0.dropFirst()) : $0 } ?? "2.14.0",
            bootstrapPassword: values["bootstrapPassword"] as? String, tlsSource: tls,
            letsEncryptEnvironment: tls == "letsEncrypt" ? (environment ?? "production") : nil)
        if tls == "secret" {
            guard let ingress = secretData("tls-rancher-ingress"), let certificate = ingress["tls.crt"], let key = ingress["tls.key"] else {
                throw MachineFailure("ingress.tls.source=secret but Secret tls-rancher-ingress (tls.crt, tls.key) is not in the manifests")
            }
            installation.certificatePEM = certificate
            installation.keyPEM = key
        }
        if privateCA {
            guard let ca = secretData("tls-ca")?["cacerts.pem"] else {
                throw MachineFailure("privateCA=true but Secret tls-ca (cacerts.pem) is not in the manifests")
            }
            installation.privateCAPEM = ca
        }
        return installation
    }

    static func yamlMapping(_ text: String, name: String) throws -> [String: Any] {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [:] }
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch { throw MachineFailure("\(name) is not valid YAML: \(error)") }
        guard let mapping = loaded as? [String: Any] else { throw MachineFailure("\(name) is not a YAML mapping") }
        return mapping
    }

    static func merge(_ base: [String: Any], _ overlay: [String: Any]) -> [String: Any] {
        var result = base
        for (key, value) in overlay {
            if let inner = value as? [String: Any], let existing = result[key] as? [String: Any] {
                result[key] = merge(existing, inner)
            } else {
                result[key] = value
            }
        }
        return result
    }
}

/// A reason a machine's step did not happen, as its log says it.
struct MachineFailure: Error, CustomStringConvertible, Sendable {
    var description: String
    init(_ description: String) { self.description = description }
}

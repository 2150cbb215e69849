/// What the Rancher server install needs to know: hostname, versions, TLS and replica count.
public struct RancherInstall: Sendable, Equatable {
    /// Where Rancher's certificate comes from.
    public enum TLS: Sendable, Equatable {
        /// Let's Encrypt through cert-manager, with the account e-mail and `staging` or `production`.
        case letsEncrypt(email: String, environment: String)
        /// Rancher's own self-signed CA (agents then pin its checksum).
        case rancher
        /// A certificate Drover issued from its own CA, given to Rancher as the `tls-rancher-ingress` and `tls-ca`
        /// Secrets (`RancherTLSMaterial`); agents pin that CA's checksum.
        case `private`

        /// Whether Rancher needs cert-manager: it issues Let's Encrypt certificates and Rancher's own CA through it;
        /// a certificate given as a Secret needs no issuer (Rancher's chart: cert-manager only for `rancher` and
        /// `letsEncrypt` ingress sources).
        public var needsCertManager: Bool {
            if case .private = self { return false }
            return true
        }
    }

    /// The load balancer FQDN Rancher answers on.
    public var hostname: String
    /// Rancher's version, such as `v2.14.0`.
    public var rancherVersion: String
    /// cert-manager's chart version, such as `v1.20.0`.
    public var certManagerVersion: String
    /// The TLS source.
    public var tls: TLS
    /// Rancher replicas (one per server).
    public var replicas: Int

    /// Creates install settings.
    public init(hostname: String, rancherVersion: String, certManagerVersion: String, tls: TLS, replicas: Int) {
        self.hostname = hostname
        self.rancherVersion = rancherVersion
        self.certManagerVersion = certManagerVersion
        self.tls = tls
        self.replicas = replicas
    }

    /// Rancher's chart version: the release without its `v` (charts are published as `2.14.0`).
    var rancherChartVersion: String { rancherVersion.hasPrefix("v") ? String(rancherVersion.dropFirst()) : rancherVersion }

    /// The Rancher chart values that hold no secret.
    var rancherValues: [String: YAMLValue] {
        var values: [String: YAMLValue] = ["hostname": .string(hostname), "replicas": .int(replicas)]
        switch tls {
        case .letsEncrypt(let email, let environment):
            values["ingress"] = ["tls": ["source": "letsEncrypt"]]
            values["letsEncrypt"] = ["email": .string(email), "environment": .string(environment)]
        case .rancher:
            values["ingress"] = ["tls": ["source": "rancher"]]
        case .private:
            // The chart reads the serving certificate from Secret tls-rancher-ingress and, with privateCA, the CA from
            // Secret tls-ca (key cacerts.pem), which Rancher then serves on /cacerts for the agents' checksum
            // (kube-and-rancher-wire.md §C.8).
            values["ingress"] = ["tls": ["source": "secret"]]
            values["privateCA"] = true
        }
        return values
    }

    /// The cert-manager HelmChart (CRDs installed by the chart: `crds.enabled`, cert-manager ≥ 1.15).
    public var certManagerChart: HelmChartManifest {
        HelmChartManifest(
            name: "cert-manager", chart: "cert-manager", repo: "https://charts.jetstack.io", version: certManagerVersion,
            targetNamespace: "cert-manager", values: ["crds": ["enabled": true]])
    }

    /// The HelmCharts the servers' manifests folder holds, each with its file name: cert-manager only where the TLS
    /// source needs it (see `TLS.needsCertManager`), then Rancher.
    public var charts: [(file: String, chart: HelmChartManifest)] {
        (tls.needsCertManager ? [("drover-cert-manager.yaml", certManagerChart)] : []) + [("drover-rancher.yaml", rancherChart)]
    }

    /// The name of the Secret holding Rancher's secret values (`bootstrapPassword`).
    public static let valuesSecretName = "drover-rancher-values"

    /// The Rancher HelmChart; `bootstrapPassword` comes from the values Secret, never from this file.
    public var rancherChart: HelmChartManifest {
        HelmChartManifest(
            name: "rancher", chart: "rancher", repo: "https://releases.rancher.com/server-charts/stable", version: rancherChartVersion,
            targetNamespace: "cattle-system", values: rancherValues, valuesSecrets: [Self.valuesSecretName])
    }

    /// The `kube-system` Secret whose `values.yaml` key gives Rancher its bootstrap password.
    public func valuesSecret(bootstrapPassword: String) -> String {
        let values = YAMLValue.object(["bootstrapPassword": .string(bootstrapPassword)]).yaml
        return YAMLValue.object([
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": ["name": .string(Self.valuesSecretName), "namespace": "kube-system"],
            "stringData": ["values.yaml": .string(values)],
        ]).yaml
    }
}

import Foundation
import Yams

/// The objects that install the placement webhook: a MutatingWebhookConfiguration (failurePolicy Ignore, CREATE of
/// the seven workload kinds, kube-system, cattle-* and its own namespace excluded, caBundle filled in), its Service,
/// and its Deployment, itself placed on Linux by the same placer.
///
/// Fields follow admissionregistration.k8s.io/v1 (kube-and-rancher-wire.md §B: `sideEffects` and
/// `admissionReviewVersions` are required). Only CREATE is matched: a pod's `spec.os` and a Job's template are
/// immutable, so patching an UPDATE could make it fail.
public struct WebhookManifest: Sendable {
    /// The name shared by the configuration, Service, Deployment and TLS Secret prefix.
    public var name: String
    /// The namespace the webhook runs in (excluded from its own rules).
    public var namespace: String
    /// The image holding the `drover` binary.
    public var image: String
    /// The PEM of the CA that signed the serving certificate.
    public var caPEM: String
    /// The Secret (kubernetes.io/tls) holding the serving certificate and key; created by the user, never printed.
    public var tlsSecret: String
    /// The placement the webhook applies, passed to `drover webhook serve`.
    public var options: PlacementOptions

    /// Namespaces Rancher creates for itself; NotIn cannot match a prefix, so a matchCondition catches the rest.
    static let rancherNamespaces = [
        "cattle-system", "cattle-fleet-system", "cattle-fleet-local-system", "cattle-impersonation-system",
        "cattle-global-data", "cattle-monitoring-system", "cattle-logging-system", "cattle-provisioning-capi-system",
    ]

    /// Creates a manifest; `name` and `namespace` must be DNS labels.
    public init(name: String = "drover-placement", namespace: String = "drover-system", image: String, caPEM: String,
                tlsSecret: String? = nil, options: PlacementOptions) throws {
        for (field, value) in [("--name", name), ("--namespace", namespace)] where value.range(of: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", options: .regularExpression) == nil {
            throw PlacementError(code: "InvalidName", message: "\(field) \(value) is not a DNS label", remediation: "use lowercase letters, digits and '-', at most 63 characters")
        }
        guard caPEM.contains("-----BEGIN CERTIFICATE-----") else {
            throw PlacementError(code: "InvalidCA", message: "the CA file holds no PEM certificate", remediation: "pass the CA that signed the webhook's serving certificate")
        }
        self.name = name
        self.namespace = namespace
        self.image = image
        self.caPEM = caPEM
        self.tlsSecret = tlsSecret ?? "\(name)-tls"
        self.options = options
    }

    /// The three objects as one YAML stream.
    public func rendered() throws -> String {
        let serveArguments = ["webhook", "serve", "--cert", "/etc/drover/tls/tls.crt", "--key", "/etc/drover/tls/tls.key", "--port", "8443"]
            + (options.defaultOS.map { ["--default-os", $0.rawValue] } ?? []) + (options.rke1WindowsPreferred ? ["--rke1-windows-preferred"] : [])
        var deployment = try Yams.compose(yaml: deploymentYAML(arguments: serveArguments))!
        // The webhook itself is a Linux workload; the placer adds spec.os, the selector and any toleration.
        for edit in WorkloadPlacer(options: PlacementOptions(rke1WindowsPreferred: options.rke1WindowsPreferred)).place(deployment)?.edits ?? [] {
            edit.apply(to: &deployment)
        }
        return [configurationYAML(), serviceYAML(), try Yams.serialize(node: deployment, indent: 2, width: -1)]
            .joined(separator: "---\n")
    }

    /// A JSON string literal, which is also a valid YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    func configurationYAML() -> String {
        let excluded = (["kube-system", namespace] + Self.rancherNamespaces).map { "          - \($0)" }.joined(separator: "\n")
        let rules = [("", "pods"), ("apps", "deployments"), ("apps", "replicasets"), ("apps", "statefulsets"), ("apps", "daemonsets"),
                     ("batch", "jobs"), ("batch", "cronjobs")].map { group, resource in
            """
                  - operations: ["CREATE"]
                    apiGroups: ["\(group)"]
                    apiVersions: ["v1"]
                    resources: ["\(resource)"]
                    scope: Namespaced
            """
        }.joined(separator: "\n")
        return """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: \(name)
        webhooks:
          - name: \(name).drover.dev
            admissionReviewVersions: ["v1"]
            sideEffects: None
            failurePolicy: Ignore
            matchPolicy: Equivalent
            reinvocationPolicy: Never
            timeoutSeconds: 5
            clientConfig:
              service:
                name: \(name)
                namespace: \(namespace)
                path: /mutate
                port: 443
              caBundle: \(Data(caPEM.utf8).base64EncodedString())
            namespaceSelector:
              matchExpressions:
                - key: kubernetes.io/metadata.name
                  operator: NotIn
                  values:
        \(excluded)
            matchConditions:
              - name: not-rancher-namespaces
                expression: "!request.namespace.startsWith('cattle-')"
            rules:
        \(rules)

        """
    }

    func serviceYAML() -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          selector:
            app.kubernetes.io/name: \(name)
          ports:
            - name: https
              port: 443
              targetPort: 8443

        """
    }

    func deploymentYAML(arguments: [String]) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          replicas: 2
          selector:
            matchLabels:
              app.kubernetes.io/name: \(name)
          template:
            metadata:
              labels:
                app.kubernetes.io/name: \(name)
            spec:
              containers:
                - name: webhook
                  image: \(Self.quoted(image))
                  command: ["/usr/local/bin/drover"]
                  args: [\(arguments.map(Self.quoted).joined(separator: ", "))]
                  ports:
                    - containerPort: 8443
                      name: https
                  readinessProbe:
                    httpGet:
                      path: /healthz
                      port: 8443
                      scheme: HTTPS
                  securityContext:
                    runAsNonRoot: true
                    runAsUser: 65532
                    allowPrivilegeEscalation: false
                  volumeMounts:
                    - name: tls
                      mountPath: /etc/drover/tls
                      readOnly: true
              volumes:
                - name: tls
                  secret:
                    secretName: \(tlsSecret)

        """
    }
}

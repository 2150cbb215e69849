import Foundation

/// The management settings a Rancher release has, with their defaults; a setting a release lacks answers 404
/// (rancher-api.md §1.3 "Settings existence by version", §6.6).
enum RancherSettings {
    struct Definition: Sendable {
        var name: String
        var since: RancherVersion
        var until: RancherVersion?
        var defaultValue: @Sendable (RancherVersion) -> String
    }

    static let catalog: [Definition] = [
        // rancher-api.md §1.2 step 1: server-url "", first-login "true", telemetry-opt "prompt" (gone from 2.11, §1.2 step 6).
        Definition(name: "server-url", since: RancherVersion(2, 0)) { _ in "" },
        Definition(name: "first-login", since: RancherVersion(2, 0)) { _ in "true" },
        Definition(name: "telemetry-opt", since: RancherVersion(2, 0), until: RancherVersion(2, 11)) { _ in "prompt" },
        // §6.1: cacerts holds the CA PEM (filled from the TLS configuration at start).
        Definition(name: "cacerts", since: RancherVersion(2, 0)) { _ in "" },
        // §1.3: eula-agreed from 2.8; ui-default-landing from 2.5 (§1.2 step 7).
        Definition(name: "eula-agreed", since: RancherVersion(2, 8)) { _ in "" },
        Definition(name: "ui-default-landing", since: RancherVersion(2, 5)) { _ in "vue" },
        // §1.3: password-min-length "12" from 2.6.3.
        Definition(name: "password-min-length", since: RancherVersion(2, 6, 3)) { _ in "12" },
        // §1.2 step 2 and §6.5: session TTL 960 minutes; max token TTL 0 until 2.7, 129600 from 2.8.
        Definition(name: "auth-user-session-ttl-minutes", since: RancherVersion(2, 0)) { _ in "960" },
        Definition(name: "auth-token-max-ttl-minutes", since: RancherVersion(2, 0)) { version in
            version >= RancherVersion(2, 8) ? "129600" : "0"
        },
        // §6.5: kubeconfig-default-token-ttl-minutes 0 in 2.6, 43200 from 2.8; kube-and-rancher-wire.md §C.7:
        // kubeconfig-generate-token defaults to true.
        Definition(name: "kubeconfig-default-token-ttl-minutes", since: RancherVersion(2, 6)) { version in
            version >= RancherVersion(2, 8) ? "43200" : "0"
        },
        Definition(name: "kubeconfig-generate-token", since: RancherVersion(2, 0)) { _ in "true" },
        // §6.1: agent-tls-mode, system-store in 2.8, strict for new installs from 2.9.
        Definition(name: "agent-tls-mode", since: RancherVersion(2, 8)) { version in
            version >= RancherVersion(2, 9) ? "strict" : "system-store"
        },
        // §6.3 / kube-and-rancher-wire.md §C.4: system-agent-version and wins-agent-version (empty = GitHub download).
        Definition(name: "system-agent-version", since: RancherVersion(2, 6)) { _ in "" },
        Definition(name: "wins-agent-version", since: RancherVersion(2, 6)) { _ in "" },
        // §2.1: the default Kubernetes version of new clusters.
        Definition(name: "k8s-version", since: RancherVersion(2, 0)) { version in
            version >= RancherVersion(2, 6) ? "v1.31.9+rke2r1" : "v1.15.11-rancher1-2"
        },
    ]

    /// Settings anyone may read without a token (rancher-api.md §1.3, R-2.12 routes.go).
    static let anonymous: Set<String> = ["cacerts", "first-login", "ui-pl", "ui-banners", "ui-brand", "ui-default-landing"]

    /// The settings `version` has, with their defaults.
    static func defaults(for version: RancherVersion) -> [String: String] {
        var result: [String: String] = [:]
        for definition in catalog where version >= definition.since && definition.until.map({ version < $0 }) ?? true {
            result[definition.name] = definition.defaultValue(version)
        }
        return result
    }
}

import Foundation

/// A Rancher release (`2.13.1`, `v2.3.11`) and what its API offers; every rule cites rancher-api.md or
/// kube-and-rancher-wire.md.
public struct RancherVersion: Sendable, Equatable, Comparable, Codable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    /// Parses `2.13.1`, `v2.3.11` or `2.14.0-rc1`; nil for anything else.
    public init?(_ text: String) {
        let core = text.trimmingCharacters(in: .whitespaces).drop { $0 == "v" }.split(separator: "-").first ?? ""
        let parts = core.split(separator: ".").map { Int($0) }
        guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else { return nil }
        major = parts[0]!
        minor = parts[1]!
        patch = parts.count > 2 ? parts[2]! : 0
    }

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: RancherVersion, rhs: RancherVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    /// 2.6+ seeds the admin password from `bootstrapPassword`; before, admin/admin (rancher-api.md §1.2, §1.3).
    var usesBootstrapPassword: Bool { self >= RancherVersion(2, 6) }
    /// `POST /v1-public/login` exists from 2.13 (rancher-api.md §1.3).
    var hasV1PublicLogin: Bool { self >= RancherVersion(2, 13) }
    /// RKE1 provisioning through `/v3/clusters` ends with 2.12.0 (rancher-api.md §2.2, §4.4).
    var supportsRKE1: Bool { self < RancherVersion(2, 12) }
    /// Provisioning v2 (`/v1/provisioning.cattle.io.clusters`), `/cacerts` and the agent scripts from 2.6
    /// (rancher-api.md §4, §6.1; kube-and-rancher-wire.md §C.4).
    var hasProvisioningV2: Bool { self >= RancherVersion(2, 6) }
    /// From 2.6 the `default-token` CRT is made by a controller for every cluster (rancher-api.md §3.1) and an
    /// empty `server-url` leaves its commands empty (§6.1); 2.3 falls back to the request host (§7 item 4).
    var createsDefaultToken: Bool { self >= RancherVersion(2, 6) }
    /// Password policy with `password-min-length` from 2.6.3 (rancher-api.md §1.3).
    var enforcesPasswordLength: Bool { self >= RancherVersion(2, 6, 3) }
    /// Rancher 2.4.6 exactly read a token's `ttl` in minutes instead of milliseconds (rancher-api.md §6.5).
    var readsTokenTTLInMinutes: Bool { self == RancherVersion(2, 4, 6) }
    /// CAPI machines are `cluster.x-k8s.io/v1beta2` from 2.14, `v1beta1` before (kube-and-rancher-wire.md §C.6).
    var machineAPIVersion: String { self >= RancherVersion(2, 14) ? "cluster.x-k8s.io/v1beta2" : "cluster.x-k8s.io/v1beta1" }
    /// The `rancher/rancher-agent` image of this release (rancher-api.md §3.3 example: `rancher/rancher-agent:v2.3.11`).
    var agentImage: String { "rancher/rancher-agent:v\(description)" }
}

import DroverBlueprint
import DroverEngine
import Testing

/// Every rancher.* resource verifies Rancher's certificate against the CA the TLS source gives, from the first call.
@Suite struct RancherPinningTests {
    static func rancherResources(_ spec: ClusterSpec) -> [DesiredResource] {
        Blueprint(spec: spec).configuration().resources.values.filter { $0.address.type.hasPrefix("rancher.") }
    }

    @Test func privateCAPinsEveryRancherResourceAndNothingReadsTheCAKey() {
        let configuration = Blueprint(spec: .defaults(for: .current)).configuration()
        let rancher = Self.rancherResources(.defaults(for: .current))
        #expect(rancher.count == 7, "bootstrap, cluster, both registrations, readiness and two kubeconfigs")
        for resource in rancher {
            #expect(resource.inputs["caCertificate"] == .reference(OutputReference(ResourceAddress(type: Blueprint.tlsType, name: "rancher"), "caCertificate")), "\(resource.address)")
        }
        let readers = configuration.resources.values.flatMap { Value.object($0.inputs).references }.filter { $0.address.type == Blueprint.tlsType }
        #expect(Set(readers.map { $0.path.first ?? "" }) == ["caCertificate", "certificate", "privateKey"], "the CA's key stays in state")
    }

    @Test func rancherCAOnTheLegacyProfileIsReadByTheRKE1Resource() {
        for resource in Self.rancherResources(.defaults(for: .rancher23)) {
            #expect(resource.inputs["caCertificate"] == .reference(OutputReference(ResourceAddress(type: "local.rke1_rancher", name: "rancher"), "caCertificate")))
        }
        #expect(!Blueprint(spec: .defaults(for: .rancher23)).configuration().resources.keys.contains { $0.type == Blueprint.tlsType })
    }

    @Test func letsEncryptProductionUsesTheSystemTrustStore() {
        var spec = ClusterSpec.defaults(for: .current)
        spec.rancher.tls = .letsEncrypt
        #expect(Self.rancherResources(spec).allSatisfy { $0.inputs["caCertificate"] == nil })
        #expect(!Blueprint(spec: spec).configuration().resources.keys.contains { $0.type == Blueprint.tlsType })
    }
}

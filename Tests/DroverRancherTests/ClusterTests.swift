@testable import DroverRancher
import DroverEngine
import DroverHTTP
import Foundation
import Testing
import Yams

/// rancher.cluster: both bodies field by field against rancher-api.md §2.1 and §4.1, the RKE2 body against the
/// official CRD schema, found by name before created, and the management id from `status.clusterName`.
@Suite struct ClusterTests {
    static func inputs(api: String, cni: String = "flannel", token: String = "t", ca: String? = nil) -> ClusterHandler.Inputs {
        ClusterHandler.Inputs(
            url: RancherFixture.url, rancherToken: token, caCertificate: ca, name: "hybrid", api: api,
            kubernetesVersion: api == "v3" ? "v1.15.11-rancher1-2" : "v1.31.9+rke2r1",
            cni: .init(plugin: cni, vxlanVNI: 4096, vxlanPort: 4789), windowsPreferedCluster: api == "v3",
            cloudCredential: .init(clientId: "app-id", clientSecret: "sp-secret-value", tenantId: "tenant-1", subscriptionId: "sub-1"),
            azure: .init(resourceGroup: "k8s-rg", location: "eastus2", vnetName: "k8s-rg-vnet", subnetName: "k8s-rg-subnet", securityGroupName: "k8s-rg-nsg"))
    }

    /// The azure.json inside the additional manifest's `azure-cloud-config` Secret.
    static func cloudConfig(_ manifest: String) throws -> [String: Any] {
        let documents = try Array(Yams.load_all(yaml: manifest)).compactMap { $0 as? [String: Any] }
        let secret = try #require(documents.first { $0["kind"] as? String == "Secret" })
        let data = try #require((secret["data"] as? [String: Any])?["cloud-config"] as? String)
        let decoded = try #require(Data(base64Encoded: data))
        return try #require(try JSONSerialization.jsonObject(with: decoded) as? [String: Any])
    }

    static func json(_ body: [String: Value]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: HTTPRequest.encodeJSON(Value.object(body))) as? [String: Any])
    }

    /// RKE1: windowsPreferedCluster (one r), flannel vxlan with port and VNI as strings, the Azure cloud provider.
    @Test func rke1BodyFieldByField() throws {
        let body = try Self.json(ClusterBodies.rke1(Self.inputs(api: "v3")))
        #expect(body["type"] as? String == "cluster")
        #expect(body["name"] as? String == "hybrid")
        #expect(body["windowsPreferedCluster"] as? Bool == true)
        #expect(body["windowsPreferredCluster"] == nil)
        let rke = try #require(body["rancherKubernetesEngineConfig"] as? [String: Any])
        #expect(rke["kubernetesVersion"] as? String == "v1.15.11-rancher1-2")
        #expect(rke["nodes"] == nil)
        let network = try #require(rke["network"] as? [String: Any])
        #expect(network["plugin"] as? String == "flannel")
        let options = try #require(network["options"] as? [String: Any])
        #expect(options["flannel_backend_type"] as? String == "vxlan")
        #expect(options["flannel_backend_port"] as? String == "4789")
        #expect(options["flannel_backend_vni"] as? String == "4096")
        let cloud = try #require(rke["cloudProvider"] as? [String: Any])
        #expect(cloud["name"] as? String == "azure")
        let azure = try #require((cloud["azureCloudProvider"] as? [String: Any])?.mapValues { $0 as? String })
        let expected: [String: String] = [
            "aadClientId": "app-id", "aadClientSecret": "sp-secret-value", "tenantId": "tenant-1", "subscriptionId": "sub-1",
            "resourceGroup": "k8s-rg", "location": "eastus2", "vnetName": "k8s-rg-vnet", "vnetResourceGroup": "k8s-rg",
            "subnetName": "k8s-rg-subnet", "securityGroupName": "k8s-rg-nsg", "vmType": "standard",
        ]
        for (key, value) in expected { #expect(azure[key] == value, "azureCloudProvider.\(key)") }
        #expect((cloud["azureCloudProvider"] as? [String: Any])?["useInstanceMetadata"] as? Bool == true)
    }

    /// RKE2: steve type, fleet-default, the CNI at creation, no machine pools, the out-of-tree cloud provider.
    @Test(arguments: ["flannel", "calico"])
    func rke2BodyFieldByField(cni: String) throws {
        let body = try Self.json(ClusterBodies.rke2(Self.inputs(api: "provisioning.cattle.io/v1", cni: cni)))
        #expect(body["type"] as? String == "provisioning.cattle.io.cluster")
        let metadata = try #require(body["metadata"] as? [String: Any])
        #expect(metadata["name"] as? String == "hybrid")
        #expect(metadata["namespace"] as? String == "fleet-default")
        let spec = try #require(body["spec"] as? [String: Any])
        #expect(spec["kubernetesVersion"] as? String == "v1.31.9+rke2r1")
        let rke = try #require(spec["rkeConfig"] as? [String: Any])
        #expect(rke["machinePools"] == nil)
        let global = try #require(rke["machineGlobalConfig"] as? [String: Any])
        #expect(global["cni"] as? String == cni)
        #expect(global["disable-cloud-controller"] as? Bool == true)
        let selector = try #require((rke["machineSelectorConfig"] as? [[String: Any]])?.first?["config"] as? [String: Any])
        #expect(selector["cloud-provider-name"] as? String == "external")
        // The additional manifest carries the cloud config Secret and the HelmChart of cloud-provider-azure.
        let manifest = try #require(rke["additionalManifest"] as? String)
        let documents = try Array(Yams.load_all(yaml: manifest)).compactMap { $0 as? [String: Any] }
        #expect(documents.map { $0["kind"] as? String } == ["Secret", "HelmChart"])
        let config = try Self.cloudConfig(manifest)
        #expect(config["aadClientId"] as? String == "app-id")
        #expect(config["aadClientSecret"] as? String == "sp-secret-value")
        #expect(config["vnetName"] as? String == "k8s-rg-vnet")
        #expect(config["securityGroupName"] as? String == "k8s-rg-nsg")
        #expect((documents[1]["spec"] as? [String: Any])?["chart"] as? String == "cloud-provider-azure")
    }

    /// The RKE2 body validates against Rancher's CRD schema (made strict), and the check rejects a misspelt field.
    @Test func rke2BodyMatchesTheCRDSchema() throws {
        let body = ClusterBodies.rke2(Self.inputs(api: "provisioning.cattle.io/v1"))
        let good = try LocalTools.validate(try HTTPRequest.encodeJSON(Value.object(body)), schema: "provisioning.cattle.io-cluster-v1.json")
        #expect(good.status == 0, "\(good.output)")
        let text = String(decoding: try HTTPRequest.encodeJSON(Value.object(body)), as: UTF8.self)
            .replacingOccurrences(of: "\"upgradeStrategy\"", with: "\"upgradeStratgy\"")
        let bad = try LocalTools.validate(Data(text.utf8), schema: "provisioning.cattle.io-cluster-v1.json")
        #expect(bad.status == 1)
        #expect(bad.output.contains("upgradeStratgy"))
    }

    /// RKE2 create: POST then poll until status.clusterName; a rerun finds it by name and posts nothing.
    @Test func rke2CreateWaitsForClusterNameAndIsFoundByName() async throws {
        let rancher = FakeRancher { $0.clusterNameAfter = 2 }
        try await withRancher(rancher: rancher) { fx in
            let token = rancher.with { s in
                s.tokens["token-api"] = .init(secret: "s")
                return "token-api:s"
            }
            let inputs = Self.inputs(api: "provisioning.cattle.io/v1", token: token, ca: fx.ca.certificatePEM)
            let out = try await ClusterHandler(session: fx.session).create(inputs, context: fx.context())
            #expect(out == .init(id: "c-m-abcd1234", name: "hybrid", provisioningId: "fleet-default/hybrid"))
            let posts = fx.server.requests.filter { $0.method == "POST" }
            #expect(posts.map(\.path) == ["/v1/provisioning.cattle.io.clusters"])
            #expect(posts.first?.header("Authorization") == "Bearer token-api:s")
            let again = try await ClusterHandler(session: fx.session).create(inputs, context: fx.context())
            #expect(again == out)
            #expect(fx.server.requests.filter { $0.method == "POST" }.count == 1)
        }
    }

    /// RKE1 create: GET by name first, POST /v3/clusters once; the rerun adopts it.
    @Test func rke1CreateIsFoundByName() async throws {
        let rancher = FakeRancher { $0.minor = 3 }
        try await withRancher(rancher: rancher) { fx in
            rancher.with { $0.tokens["token-api"] = .init(secret: "s") }
            let inputs = Self.inputs(api: "v3", token: "token-api:s", ca: fx.ca.certificatePEM)
            let out = try await ClusterHandler(session: fx.session).create(inputs, context: fx.context())
            #expect(out.id.hasPrefix("c-"))
            #expect(try await ClusterHandler(session: fx.session).create(inputs, context: fx.context()) == out)
            let requests = fx.server.requests.map { "\($0.method) \($0.path)" }
            #expect(requests.filter { $0 == "POST /v3/clusters" }.count == 1)
            #expect(requests.first == "GET /v3/clusters")
        }
    }

    /// A Kubernetes upgrade and a rotated client secret are updated in place: RKE2 PUTs the whole object with the
    /// resourceVersion read, re-reading after a 409; RKE1 PUTs the changed rancherKubernetesEngineConfig.
    @Test(arguments: ["provisioning.cattle.io/v1", "v3"])
    func upgradeUpdatesInPlace(api: String) async throws {
        let rancher = FakeRancher { $0.clusterNameAfter = 0; $0.bumpBeforePut = 1; $0.minor = api == "v3" ? 3 : 14 }
        try await withRancher(rancher: rancher) { fx in
            rancher.with { $0.tokens["token-api"] = .init(secret: "s") }
            let old = Self.inputs(api: api, token: "token-api:s", ca: fx.ca.certificatePEM)
            let handler = ClusterHandler(session: fx.session)
            let created = try await handler.create(old, context: fx.context())
            var new = old
            new.kubernetesVersion = api == "v3" ? "v1.16.15-rancher1-1" : "v1.32.5+rke2r1"
            new.cloudCredential.clientSecret = "rotated-secret"
            #expect(try await handler.update(from: old, to: new, prior: created, context: fx.context(.update)) == created)
            let put = try #require(rancher.with { $0.puts.last })
            if api == "v3" {
                let rke = try #require(put["rancherKubernetesEngineConfig"] as? [String: Any])
                #expect(rke["kubernetesVersion"] as? String == new.kubernetesVersion)
                let provider = (rke["cloudProvider"] as? [String: Any])?["azureCloudProvider"] as? [String: Any]
                #expect(provider?["aadClientSecret"] as? String == "rotated-secret")
                #expect((rke["network"] as? [String: Any])?["plugin"] as? String == "flannel")  // kept from the object read
            } else {
                let spec = try #require(put["spec"] as? [String: Any])
                #expect(spec["kubernetesVersion"] as? String == new.kubernetesVersion)
                #expect((put["metadata"] as? [String: Any])?["resourceVersion"] as? String == "2")  // re-read after the 409
                let manifest = try #require((spec["rkeConfig"] as? [String: Any])?["additionalManifest"] as? String)
                #expect(try Self.cloudConfig(manifest)["aadClientSecret"] as? String == "rotated-secret")
                #expect(((spec["rkeConfig"] as? [String: Any])?["machineGlobalConfig"] as? [String: Any])?["cni"] as? String == "flannel")
            }
        }
    }

    /// canal (RKE2's default) cannot carry Windows: refused before anything is sent.
    @Test func canalIsRefused() async throws {
        try await withRancher { fx in
            let error = await #expect(throws: CodedError.self) {
                try await ClusterHandler(session: fx.session).create(
                    Self.inputs(api: "provisioning.cattle.io/v1", cni: "canal", ca: fx.ca.certificatePEM), context: fx.context())
            }
            #expect(error?.code == "InvalidCNI")
            #expect(fx.server.requests.isEmpty)
        }
    }

    /// norman and Steve error bodies become CodedError with the code, status and a remediation (rancher-api.md §6.2).
    @Test(arguments: [
        (#"{"type":"error","status":422,"code":"NotUnique","fieldName":"Cluster name","message":"Cluster name is not unique"}"#, 422, "NotUnique"),
        (#"{"type":"error","status":409,"code":"AlreadyExists","message":"clusters \"hybrid\" already exists"}"#, 409, "AlreadyExists"),
        (#"{"type":"error","status":401,"code":"Unauthorized","message":"must authenticate"}"#, 401, "Unauthorized"),
    ])
    func errorBodies(body: String, status: Int, code: String) {
        let request = HTTPRequest(method: "POST", url: URL(string: "https://r/v3/clusters")!)
        let error = RancherErrors.refine(ServiceErrorDecoder.error(for: HTTPResponse(status: status, body: Data(body.utf8)), request: request))
        #expect(error.code == code)
        #expect(error.status == status)
        #expect(error.remediation != nil)
        #expect(!error.message.isEmpty)
    }
}

import DroverSim
import Foundation
import Testing

/// Cluster creation through both APIs (rancher-api.md §2, §4; kube-and-rancher-wire.md §C.2) and the CRD schema.
@Suite struct RancherClusterTests {
    static let rke1Body: JSONValue = [
        "type": "cluster", "name": "hybrid", "windowsPreferedCluster": true,
        "rancherKubernetesEngineConfig": [
            "kubernetesVersion": "v1.15.11-rancher1-2",
            "network": ["plugin": "flannel", "options": ["flannel_backend_type": "vxlan", "flannel_backend_port": "4789", "flannel_backend_vni": "4096"]],
        ],
    ]

    @Test func rke1CustomClusterOn23() async throws {
        try await RancherHarness.run(version: "2.3.11") { rancher in
            let token = try await rancher.login(password: "admin")
            let created = try await rancher.send("POST", "/v3/clusters", body: Self.rke1Body, token: token)
            #expect(created.status == 201)
            let id = try #require(created.json?["id"]?.string)
            #expect(id.range(of: "^c-[a-z0-9]{5}$", options: .regularExpression) != nil)
            #expect(created.json?["state"]?.string == "provisioning")
            #expect(created.json?.at("rancherKubernetesEngineConfig.network.options")?["flannel_backend_vni"]?.string == "4096")
            let duplicate = try await rancher.send("POST", "/v3/clusters", body: Self.rke1Body, token: token)
            #expect(duplicate.status == 422 && duplicate.code == "NotUnique" && duplicate.json?["fieldName"]?.string == "Cluster name")
            var numeric = Self.rke1Body
            numeric["name"] = "numeric"
            numeric.set("rancherKubernetesEngineConfig.network.options.flannel_backend_port", .int(4789))
            let refused = try await rancher.send("POST", "/v3/clusters", body: numeric, token: token)
            #expect(refused.status == 422 && refused.message.contains("flannel_backend_port"))
            // windowsPreferedCluster is noupdate.
            let update = try await rancher.send("PUT", "/v3/clusters/\(id)", body: ["windowsPreferedCluster": false, "description": "x"], token: token)
            #expect(update.json?["windowsPreferedCluster"]?.bool == true)
            #expect(update.json?["description"]?.string == "x")
            let found = try await rancher.send("GET", "/v3/clusters?name=hybrid", token: token)
            #expect(found.json?["data"]?.array?.map { $0["id"]?.string } == [id])
            // 2.3 makes no registration token on its own.
            #expect(try await rancher.send("GET", "/v3/clusterregistrationtokens?clusterId=\(id)", token: token).json?["data"]?.array?.isEmpty == true)
            let deleted = try await rancher.send("DELETE", "/v3/clusters/\(id)", token: token)
            #expect(deleted.status == 200)
            #expect(rancher.clusters[id]?.tornDown == true)
            #expect(try await rancher.send("GET", "/v3/clusters/\(id)", token: token).status == 404)
        }
    }

    /// RKE1 is gone from 2.12 (rancher-api.md §4.4); RKE2 is absent before 2.6.
    @Test func eachGenerationRefusesTheOtherAPI() async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            let refused = try await rancher.send("POST", "/v3/clusters", body: Self.rke1Body, token: token)
            #expect(refused.status == 422 && refused.message.hasPrefix("Rancher v2.12+ does not support RKE1"))
        }
        try await RancherHarness.run(version: "2.3.11") { rancher in
            let token = try await rancher.login(password: "admin")
            #expect(try await rancher.send("GET", "/v1/provisioning.cattle.io.clusters", token: token).status == 404)
        }
    }

    @Test func rke2ClusterGetsItsManagementNameLaterAndIsFoundByName() async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            let body: JSONValue = ["type": "provisioning.cattle.io.cluster", "metadata": ["name": "hybrid", "namespace": "fleet-default"],
                                   "spec": ["kubernetesVersion": "v1.31.9+rke2r1",
                                            "rkeConfig": ["machineGlobalConfig": ["cni": "calico", "disable-kube-proxy": false],
                                                          "upgradeStrategy": ["controlPlaneConcurrency": "10%", "workerConcurrency": "10%"]]]]
            let created = try await rancher.send("POST", "/v1/provisioning.cattle.io.clusters", body: body, token: token)
            #expect(created.status == 201)
            #expect(created.json?["id"]?.string == "fleet-default/hybrid")
            #expect(created.json?.at("metadata.state.name")?.string == "provisioning")
            #expect(created.json?.at("status.clusterName") == nil)
            #expect(created.json?.at("spec.rkeConfig.machineGlobalConfig.cni")?.string == "calico")
            #expect(try await rancher.send("GET", "/v3/clusters?name=hybrid", token: token).json?["data"]?.array?.isEmpty == true)
            rancher.clock.advance(by: 5)
            let read = try await rancher.send("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/hybrid", token: token)
            let managementId = try #require(read.json?.at("status.clusterName")?.string)
            #expect(managementId.range(of: "^c-m-[a-z0-9]{8}$", options: .regularExpression) != nil)
            #expect(read.json?.at("status.ready")?.bool == false)
            let byName = try await rancher.send("GET", "/v3/clusters?name=hybrid", token: token)
            #expect(byName.json?["data"]?.array?.first?["id"]?.string == managementId)
            let list = try await rancher.send("GET", "/v1/provisioning.cattle.io.clusters/fleet-default", token: token)
            #expect(list.json?["type"]?.string == "collection" && list.json?["count"]?.int == 1)
            let duplicate = try await rancher.send("POST", "/v1/provisioning.cattle.io.clusters", body: body, token: token)
            #expect(duplicate.status == 409 && duplicate.code == "AlreadyExists")
            // A stale resourceVersion is a 409 Conflict.
            var stale = try #require(read.json)
            stale.set("metadata.resourceVersion", "1")
            let conflict = try await rancher.send("PUT", "/v1/provisioning.cattle.io.clusters/fleet-default/hybrid", body: stale, token: token)
            #expect(conflict.status == 409 && conflict.code == "Conflict")
            let deleted = try await rancher.send("DELETE", "/v1/provisioning.cattle.io.clusters/fleet-default/hybrid", token: token)
            #expect(deleted.status == 200)
            #expect(rancher.clusters[managementId]?.tornDown == true)
            #expect(try await rancher.send("GET", "/v1/provisioning.cattle.io.clusters/fleet-default/hybrid", token: token).status == 404)
        }
    }

    /// Bodies the CRD schema (rancher/rancher v2.14.4) refuses, with the field path in the message.
    static let violations: [(JSONValue, String)] = [
        (["kubernetesVersion": .int(131)], "spec.kubernetesVersion"),
        (["rkeConfig": ["upgradeStrategy": ["controlPlaneConcurrency": "ten"]]], "spec.rkeConfig.upgradeStrategy.controlPlaneConcurrency"),
        (["rkeConfig": ["machineSelectorConfig": "not-a-list"]], "spec.rkeConfig.machineSelectorConfig"),
        (["enableNetworkPolicy": "yes"], "spec.enableNetworkPolicy"),
    ]

    @Test(arguments: violations)
    func schemaViolationsAreRefused(spec: JSONValue, path: String) async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            let reply = try await rancher.send("POST", "/v1/provisioning.cattle.io.clusters",
                                               body: ["metadata": ["name": "bad"], "spec": spec], token: token)
            #expect(reply.status == 422)
            #expect(reply.code == "Invalid")
            #expect(reply.message.contains("Cluster.provisioning.cattle.io \"bad\" is invalid: \(path)"), "\(reply.message)")
            #expect(try await rancher.send("GET", "/v1/provisioning.cattle.io.clusters", token: token).json?["count"]?.int == 0)
        }
    }

    @Test func invalidClusterNameIsRefused() async throws {
        try await RancherHarness.run(version: "2.13.1") { rancher in
            let token = try await rancher.login(password: "bootstrap-password-1")
            let reply = try await rancher.send("POST", "/v1/provisioning.cattle.io.clusters", body: ["metadata": ["name": "Hybrid_1"], "spec": [:]], token: token)
            #expect(reply.status == 422 && reply.message.contains("metadata.name: Invalid value: \"Hybrid_1\""))
        }
    }
}

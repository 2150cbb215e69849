import DroverEngine
import DroverHTTP
import Foundation

/// The create bodies of the custom cluster for both APIs, built field by field from the reference.
enum ClusterBodies {
    /// RKE1 custom cluster, `POST /v3/clusters` (rancher-api.md §2.1): no node pools, `windowsPreferedCluster` (one
    /// "r", `noupdate`), flannel `vxlan` with port and VNI as strings (Windows needs port 4789 and VNI ≥ 4096, rke
    /// `cluster/network.go`), and the in-tree Azure cloud provider with the service principal.
    static func rke1(_ inputs: ClusterHandler.Inputs) -> [String: Value] {
        [
            "type": "cluster", "name": .string(inputs.name), "description": "Linux+Windows (Drover)",
            "windowsPreferedCluster": .bool(inputs.windowsPreferedCluster ?? true), "enableNetworkPolicy": false,
            "rancherKubernetesEngineConfig": [
                "kubernetesVersion": .string(inputs.kubernetesVersion), "ignoreDockerVersion": true,
                "network": [
                    "plugin": "flannel",
                    "options": [
                        "flannel_backend_type": "vxlan", "flannel_backend_port": .string(String(inputs.cni.vxlanPort ?? 4789)),
                        "flannel_backend_vni": .string(String(inputs.cni.vxlanVNI ?? 4096)),
                    ],
                ],
                "cloudProvider": ["name": "azure", "azureCloudProvider": .object(azureConfig(inputs))],
            ],
        ]
    }

    /// RKE2 custom cluster, `POST /v1/provisioning.cattle.io.clusters` in `fleet-default` (rancher-api.md §4.1,
    /// kube-and-rancher-wire.md §C.2): no machine pools, the CNI set at creation (only calico and flannel carry
    /// Windows, §4.3), and the out-of-tree Azure cloud provider: `cloud-provider-name: external` on every machine
    /// (RKE2 server config keys, §4.1) with cloud-provider-azure installed from the additional manifest, reading its
    /// configuration from the `azure-cloud-config` Secret (peers.md: in-tree Azure is gone from Kubernetes 1.30).
    static func rke2(_ inputs: ClusterHandler.Inputs) -> [String: Value] {
        [
            "type": "provisioning.cattle.io.cluster",
            "metadata": ["name": .string(inputs.name), "namespace": "fleet-default"],
            "spec": [
                "kubernetesVersion": .string(inputs.kubernetesVersion),
                "rkeConfig": [
                    "machineGlobalConfig": [
                        "cni": .string(inputs.cni.plugin), "disable-kube-proxy": false, "etcd-expose-metrics": false,
                        "disable-cloud-controller": true,
                    ],
                    "machineSelectorConfig": [["config": ["protect-kernel-defaults": false, "cloud-provider-name": "external"]]],
                    "chartValues": [:],
                    "upgradeStrategy": ["controlPlaneConcurrency": "10%", "workerConcurrency": "10%"],
                    "additionalManifest": .string(cloudProviderManifest(inputs)),
                ],
            ],
        ]
    }

    /// The Azure cloud provider's settings: the service principal and the nodes' network, under the names both RKE1's
    /// `azureCloudProvider` and cloud-provider-azure's azure.json use (rancher-api.md §2.1 field list).
    static func azureConfig(_ inputs: ClusterHandler.Inputs) -> [String: Value] {
        var config: [String: Value] = [
            "aadClientId": .string(inputs.cloudCredential.clientId), "aadClientSecret": .string(inputs.cloudCredential.clientSecret),
            "tenantId": .string(inputs.cloudCredential.tenantId), "subscriptionId": .string(inputs.cloudCredential.subscriptionId),
            "useInstanceMetadata": true, "vmType": "standard",
        ]
        guard let azure = inputs.azure else { return config }
        config["resourceGroup"] = .string(azure.resourceGroup)
        config["location"] = .string(azure.location)
        config["vnetName"] = .string(azure.vnetName)
        config["vnetResourceGroup"] = .string(azure.vnetResourceGroup ?? azure.resourceGroup)
        config["subnetName"] = .string(azure.subnetName)
        config["securityGroupName"] = .string(azure.securityGroupName)
        return config
    }

    /// The Secret holding cloud-provider-azure's `cloud-config` (the same azure.json keys as RKE1's
    /// `azureCloudProvider`) and the HelmChart that installs the controller manager. The chart's value names are from
    /// the cloud-provider-azure chart **(inference, not in the reference)**.
    static func cloudProviderManifest(_ inputs: ClusterHandler.Inputs) -> String {
        var config = azureConfig(inputs)
        config["cloud"] = "AzurePublicCloud"
        config["loadBalancerSku"] = "standard"
        let json = (try? HTTPRequest.encodeJSON(Value.object(config))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let encoded = Data(json.utf8).base64EncodedString()
        return """
            apiVersion: v1
            kind: Secret
            metadata:
              name: azure-cloud-config
              namespace: kube-system
            type: Opaque
            data:
              cloud-config: \(encoded)
            ---
            apiVersion: helm.cattle.io/v1
            kind: HelmChart
            metadata:
              name: cloud-provider-azure
              namespace: kube-system
            spec:
              chart: cloud-provider-azure
              repo: https://raw.githubusercontent.com/kubernetes-sigs/cloud-provider-azure/master/helm/repo
              targetNamespace: kube-system
              valuesContent: |-
                infra:
                  clusterName: \(inputs.name)
                cloudControllerManager:
                  cloudConfigSecretName: azure-cloud-config
                  configureCloudRoutes: "false"
                  nodeSelector:
                    kubernetes.io/os: linux

            """
    }
}

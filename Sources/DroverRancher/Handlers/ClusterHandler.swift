import DroverEngine
import DroverHTTP
import Foundation

/// `rancher.cluster`: the hybrid custom cluster, found by name before it is created; RKE1 through `/v3/clusters`
/// (api `v3`, Rancher 2.3–2.11) or RKE2 through Steve's `/v1/provisioning.cattle.io.clusters` in `fleet-default`
/// (api `provisioning.cattle.io/v1`). Outputs the management cluster id every other rancher.* resource uses.
public struct ClusterHandler: ResourceHandler {
    /// The CNI settings.
    public struct CNI: Codable, Sendable, Equatable {
        /// `flannel` or `calico` (RKE2); RKE1 always uses flannel.
        public var plugin: String
        /// The VXLAN network identifier (Windows needs ≥ 4096).
        public var vxlanVNI: Int?
        /// The VXLAN UDP port (Windows needs 4789).
        public var vxlanPort: Int?
    }

    /// The service principal of the Azure cloud provider.
    public struct CloudCredential: Codable, Sendable, Equatable {
        /// The application (client) id.
        public var clientId: String
        /// The client secret (sensitive).
        public var clientSecret: String
        /// The tenant.
        public var tenantId: String
        /// The subscription.
        public var subscriptionId: String
    }

    /// Where the cluster's nodes live in Azure, for the cloud provider.
    public struct AzureNetwork: Codable, Sendable, Equatable {
        /// The nodes' resource group.
        public var resourceGroup: String
        /// The region.
        public var location: String
        /// The virtual network.
        public var vnetName: String
        /// The virtual network's resource group, when not the nodes'.
        public var vnetResourceGroup: String?
        /// The subnet.
        public var subnetName: String
        /// The network security group.
        public var securityGroupName: String
    }

    /// Inputs.
    public struct Inputs: RancherAccessInputs, Equatable {
        public var url: String
        public var rancherToken: String
        public var caCertificate: String?
        /// The cluster's name.
        public var name: String
        /// `v3` (RKE1) or `provisioning.cattle.io/v1` (RKE2).
        public var api: String
        /// The Kubernetes version, such as `v1.31.9+rke2r1`.
        public var kubernetesVersion: String
        /// The CNI.
        public var cni: CNI
        /// RKE1 only; cannot change after creation.
        public var windowsPreferedCluster: Bool?
        /// The cloud provider's service principal (sensitive).
        public var cloudCredential: CloudCredential
        /// The cloud provider's view of the Azure network.
        public var azure: AzureNetwork?
        /// Seconds to wait for `status.clusterName` (RKE2); 300 when not given.
        public var timeoutSeconds: Double?
    }

    /// Outputs.
    public struct Outputs: Codable, Sendable, Equatable {
        /// The management cluster id (`c-xxxxx` on RKE1, `c-m-xxxxxxxx` on RKE2).
        public var id: String
        /// The cluster's name.
        public var name: String
        /// The provisioning object's id, `fleet-default/<name>` (RKE2 only).
        public var provisioningId: String?
    }

    let session: RancherSession

    /// Creates the handler.
    public init(session: RancherSession) { self.session = session }

    public var type: String { "rancher.cluster" }
    public var replaceTriggers: Set<String> { ["name", "cni", "api", "windowsPreferedCluster"] }
    public var sensitiveInputs: Set<String> { ["rancherToken", "cloudCredential"] }

    static let rke2API = "provisioning.cattle.io/v1"

    public func create(_ inputs: Inputs, context: OperationContext) async throws -> Outputs {
        try validate(inputs)
        let client = try await session.client(for: inputs)
        if let found = try await find(inputs, client: client, context: context) {
            context.report("cluster \(inputs.name) exists in Rancher (\(found.id)); adopting it")
            return found
        }
        if inputs.api == Self.rke2API {
            context.report("creating RKE2 custom cluster \(inputs.name) (CNI \(inputs.cni.plugin))")
            do {
                _ = try await client.send("POST", "/v1/provisioning.cattle.io.clusters", body: Value.object(ClusterBodies.rke2(inputs)), context: context)
            } catch let error as CodedError where error.code == "AlreadyExists" {}
            return try await waitForManagementId(inputs, client: client, context: context)
        }
        context.report("creating RKE1 custom cluster \(inputs.name) (flannel vxlan, Windows preferred)")
        struct Created: Decodable { var id: String }
        let created = try await client.json(Created.self, "POST", "/v3/clusters", body: Value.object(ClusterBodies.rke1(inputs)), context: context)
        return Outputs(id: created.id, name: inputs.name, provisioningId: nil)
    }

    public func read(_ inputs: Inputs, prior: Outputs?, context: OperationContext) async throws -> Observed<Inputs, Outputs>? {
        let client = try await session.client(for: inputs)
        return try await find(inputs, client: client, context: context).map { Observed($0) }
    }

    /// Changes the Kubernetes version and the cloud provider's credentials in place (a Kubernetes upgrade, a rotated
    /// client secret): read the object, change those fields, `PUT` it whole. RKE2 sends the `resourceVersion` read and
    /// re-reads on 409 Conflict (rancher-api.md §4.1, the Terraform provider's `updateClusterV2`); RKE1 `PUT`s the
    /// changed `rancherKubernetesEngineConfig` (norman update, rancher-api.md §0).
    public func update(from old: Inputs, to new: Inputs, prior: Outputs, context: OperationContext) async throws -> Outputs {
        let client = try await session.client(for: new)
        let path = prior.provisioningId.map { "/v1/provisioning.cattle.io.clusters/\($0)" } ?? "/v3/clusters/\(prior.id)"
        let desired = new.api == Self.rke2API ? ClusterBodies.rke2(new) : ClusterBodies.rke1(new)
        for attempt in 1...3 {
            let current = try await client.send("GET", path, context: context)
            guard var object = try JSONSerialization.jsonObject(with: current.body) as? [String: Any],
                let wanted = try JSONSerialization.jsonObject(with: HTTPRequest.encodeJSON(Value.object(desired))) as? [String: Any]
            else { throw CodedError(code: "InvalidResponse", message: "\(path) is not a JSON object") }
            if new.api == Self.rke2API {
                var spec = object["spec"] as? [String: Any] ?? [:]
                var rke = spec["rkeConfig"] as? [String: Any] ?? [:]
                let wantedSpec = wanted["spec"] as? [String: Any] ?? [:]
                spec["kubernetesVersion"] = wantedSpec["kubernetesVersion"]
                rke["additionalManifest"] = (wantedSpec["rkeConfig"] as? [String: Any])?["additionalManifest"]
                spec["rkeConfig"] = rke
                object["spec"] = spec
            } else {
                var rke = object["rancherKubernetesEngineConfig"] as? [String: Any] ?? [:]
                let wantedRKE = wanted["rancherKubernetesEngineConfig"] as? [String: Any] ?? [:]
                rke["kubernetesVersion"] = wantedRKE["kubernetesVersion"]
                rke["cloudProvider"] = wantedRKE["cloudProvider"]
                object = ["rancherKubernetesEngineConfig": rke]
            }
            do {
                _ = try await client.send("PUT", path, body: RawJSON(object: object), context: context)
                context.report("cluster \(new.name) updated (Kubernetes \(new.kubernetesVersion))")
                return prior
            } catch let error as CodedError where error.status == 409 && attempt < 3 {
                context.report("cluster \(new.name) changed meanwhile (409 Conflict); reading it again")
            }
        }
        throw CodedError(code: "Conflict", message: "cluster \(new.name) kept changing while Drover updated it", remediation: "run again")
    }

    public func delete(_ inputs: Inputs, prior: Outputs, context: OperationContext) async throws {
        let client = try await session.client(for: inputs)
        let path = prior.provisioningId.map { "/v1/provisioning.cattle.io.clusters/\($0)" } ?? "/v3/clusters/\(prior.id)"
        _ = try await CodedError.nilWhenNotFound { try await client.send("DELETE", path, context: context) }
    }

    /// Refuses what Rancher would accept but Windows cannot use (rancher-api.md §2.2: no server-side check; §4.3).
    func validate(_ inputs: Inputs) throws {
        if inputs.api == Self.rke2API {
            guard ["calico", "flannel"].contains(inputs.cni.plugin) else {
                throw CodedError(
                    code: "InvalidCNI", message: "rancher.cluster \(inputs.name): CNI \(inputs.cni.plugin) cannot carry Windows nodes on RKE2",
                    remediation: "use calico or flannel (docs.rke2.io: only Calico and Flannel support Windows); it cannot change later",
                    nothingApplied: true)
            }
        } else if inputs.api != "v3" {
            throw CodedError(
                code: "InvalidInputs", message: "rancher.cluster api \"\(inputs.api)\" is neither v3 nor \(Self.rke2API)", nothingApplied: true)
        }
    }

    /// The cluster named `inputs.name`, if Rancher has it: `GET /v3/clusters?name=` (RKE1, §2.2) or the provisioning
    /// object `fleet-default/<name>` (RKE2).
    func find(_ inputs: Inputs, client: RancherClient, context: OperationContext) async throws -> Outputs? {
        if inputs.api == Self.rke2API {
            guard let object = try await provisioningCluster(inputs.name, client: client, context: context) else { return nil }
            guard let id = object.status?.clusterName, !id.isEmpty else {
                return try await waitForManagementId(inputs, client: client, context: context)
            }
            return Outputs(id: id, name: inputs.name, provisioningId: "fleet-default/\(inputs.name)")
        }
        struct Cluster: Decodable { var id: String; var name: String? }
        let list = try await client.json(RancherCollection<Cluster>.self, "GET", "/v3/clusters", query: [("name", inputs.name)], context: context)
        return list.data.first { $0.name == nil || $0.name == inputs.name }.map { Outputs(id: $0.id, name: inputs.name, provisioningId: nil) }
    }

    struct ProvisioningCluster: Decodable {
        struct Status: Decodable { var clusterName: String? }
        var status: Status?
    }

    func provisioningCluster(_ name: String, client: RancherClient, context: OperationContext) async throws -> ProvisioningCluster? {
        try await CodedError.nilWhenNotFound {
            try await client.json(ProvisioningCluster.self, "GET", "/v1/provisioning.cattle.io.clusters/fleet-default/\(name)", context: context)
        }
    }

    /// Polls until `status.clusterName` (the management cluster id) is set, within seconds of creation (§C.2).
    func waitForManagementId(_ inputs: Inputs, client: RancherClient, context: OperationContext) async throws -> Outputs {
        let id = try await context.wait(
            for: "Rancher to name the management cluster of \(inputs.name) (status.clusterName)", every: 2,
            timeout: inputs.timeoutSeconds ?? 300
        ) { () -> String? in
            let object = try await provisioningCluster(inputs.name, client: client, context: context)
            return object?.status?.clusterName.flatMap { $0.isEmpty ? nil : $0 }
        }
        context.report("cluster \(inputs.name) is management cluster \(id)")
        return Outputs(id: id, name: inputs.name, provisioningId: "fleet-default/\(inputs.name)")
    }
}

import DroverEngine

/// The nine stages of the pipeline (docs/pipeline.md), so that views such as `drover timeline` can group resources.
public enum PipelineStage: Int, CaseIterable, Codable, Sendable, Comparable {
    case infrastructure = 1, rancherKubernetes, rancher, bootstrap, cloudIdentity, hybridCluster, nodesJoin, ready, workloads

    /// The stage's name as docs/pipeline.md gives it.
    public var title: String {
        switch self {
        case .infrastructure: "infrastructure"
        case .rancherKubernetes: "Rancher's Kubernetes"
        case .rancher: "cert-manager and Rancher"
        case .bootstrap: "bootstrap"
        case .cloudIdentity: "cloud identity"
        case .hybridCluster: "hybrid cluster"
        case .nodesJoin: "nodes join"
        case .ready: "ready"
        case .workloads: "workloads by OS"
        }
    }

    /// The generated secrets by the stage that first needs them.
    private static let secretStages: [String: PipelineStage] = [
        "rke2-token": .rancherKubernetes, "rancher-bootstrap": .rancher, "rancher-admin": .bootstrap, "windows-admin": .nodesJoin,
    ]

    public static func < (lhs: PipelineStage, rhs: PipelineStage) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The stage the blueprint builds `address` in: Rancher's machines (resource names under `rancher/`) in stage 2,
    /// the workload cluster's machines and joins (under `k8s/`) in stage 7, networks and groups in stage 1.
    public init(of address: ResourceAddress) {
        let rancherSide = address.name.hasPrefix("rancher/")
        switch address.type {
        case "azure.resource_group", "azure.network_security_group", "azure.virtual_network", "azure.load_balancer":
            self = .infrastructure
        case "azure.public_ip", "azure.network_interface":
            self = address.name == "rancher/lb" ? .infrastructure : rancherSide ? .rancherKubernetes : .nodesJoin
        case "azure.virtual_machine", "local.node_artifact", "local.rke1_rancher":
            self = rancherSide || address.type == "local.rke1_rancher" ? .rancherKubernetes : .nodesJoin
        case "azure.vm_extension", "local.node_secret_artifact":
            self = rancherSide ? .rancher : .nodesJoin
        case "drover.secret":
            self = Self.secretStages[address.name] ?? .bootstrap
        case "local.rancher_tls":
            self = .rancher
        case "rancher.bootstrap":
            self = .bootstrap
        case "graph.application", "graph.service_principal", "graph.client_secret", "azure.role_assignment":
            self = .cloudIdentity
        case "rancher.cluster", "rancher.registration_token":
            self = .hybridCluster
        case "rancher.windows_registration":
            self = .nodesJoin
        case "rancher.cluster_ready", "rancher.kubeconfig":
            self = .ready
        default:
            self = address.type.hasPrefix("kube.") ? .workloads : .infrastructure
        }
    }
}

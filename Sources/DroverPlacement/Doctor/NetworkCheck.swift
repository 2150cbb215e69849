/// Network plugin settings Windows nodes cannot use, read from kube-system's DaemonSets and node annotations.
///
/// Sources: RKE2's default CNI canal cannot carry Windows nodes (issue 9; rancher-docs use-windows-clusters.md:
/// Calico or Flannel only, peers.md §4); Windows overlay needs VXLAN with VNI 4096 on UDP 4789 (peers.md P2). The
/// annotation names are those flannel (`flannel.alpha.coreos.com/backend-type`, `…/backend-data`) and Calico
/// (`projectcalico.org/IPv4IPIPTunnelAddr`, `…/IPv4VXLANTunnelAddr`) write on nodes **(inference from their
/// source, not in the reference)**.
enum NetworkCheck {
    static func findings(_ input: DoctorInput) -> [DoctorFinding] {
        guard input.cluster.systems.contains(.windows) else { return [] }
        var findings: [DoctorFinding] = []
        for name in input.systemDaemonSets where name == "canal" || name == "rke2-canal" {
            findings.append(DoctorFinding(
                severity: .error, check: "CNIUnsupportedOnWindows", object: "DaemonSet kube-system/\(name)",
                problem: "the cluster runs canal, which has no Windows support, so Windows pods get no network",
                fix: "recreate the cluster with cni flannel or calico (spec: cluster.cni; it can only be chosen at creation)"))
        }
        for node in input.cluster.nodes {
            let annotations = node.annotations
            if let backend = annotations["flannel.alpha.coreos.com/backend-type"], backend != "vxlan" {
                findings.append(DoctorFinding(
                    severity: .error, check: "CNIUnsupportedOnWindows", object: "Node \(node.name)",
                    problem: "flannel backend \(backend); Windows nodes need vxlan", fix: "set flannel's backend to vxlan with VNI 4096 and port 4789"))
            } else if let data = annotations["flannel.alpha.coreos.com/backend-data"], let vni = vni(in: data), vni != 4096 {
                findings.append(DoctorFinding(
                    severity: .error, check: "CNIUnsupportedOnWindows", object: "Node \(node.name)",
                    problem: "flannel VXLAN VNI \(vni); Windows supports only 4096", fix: "set flannel's VNI to 4096 (and port 4789)"))
            }
            if annotations["projectcalico.org/IPv4IPIPTunnelAddr"] != nil, annotations["projectcalico.org/IPv4VXLANTunnelAddr"] == nil {
                findings.append(DoctorFinding(
                    severity: .error, check: "CNIUnsupportedOnWindows", object: "Node \(node.name)",
                    problem: "Calico encapsulates with IP-in-IP, which Windows cannot use", fix: "switch the Calico IP pool to VXLAN encapsulation"))
            }
        }
        return findings
    }

    /// The `VNI` of flannel's backend data, such as `{"VNI":1,"VtepMAC":"…"}`.
    static func vni(in data: String) -> Int? {
        guard let range = data.range(of: "\"VNI\":") else { return nil }
        return Int(data[range.upperBound...].prefix { $0.isNumber })
    }
}

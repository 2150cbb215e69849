import Foundation

/// Per-type rules: what a PUT fills in, what it refers to, how long it takes, and what blocks a DELETE.
extension AzureCloud {
    struct Outcome {
        var seconds: Double
        var failure: OperationFailure?
    }

    func materialize(kind: ResourceKind, document: JSONValue, stored: inout StoredResource, previous: StoredResource?) throws -> Outcome {
        var body = document
        let latency = configuration.latency
        switch kind.type {
        case ResourceKind.networkSecurityGroup.type:
            body = try networkSecurityGroup(body, id: stored.id)
        case ResourceKind.virtualNetwork.type:
            body = try virtualNetwork(body, id: stored.id, previous: previous)
        case ResourceKind.publicIPAddress.type:
            body = try publicIPAddress(body, id: stored.id, location: stored.location, previous: previous)
        case ResourceKind.networkInterface.type:
            body = try networkInterface(body, id: stored.id, previous: previous)
        case ResourceKind.loadBalancer.type:
            body = try loadBalancer(body, id: stored.id)
        case ResourceKind.virtualMachine.type:
            let isWindows: Bool
            (body, isWindows) = try virtualMachine(body, stored: &stored, previous: previous)
            stored.body = body
            return Outcome(seconds: previous == nil ? (isWindows ? latency.windowsVM : latency.linuxVM) : latency.network)
        case ResourceKind.extensionKind.type:
            let outcome: Outcome
            stored.protectedSettings = document.at("properties.protectedSettings")
            (body, outcome) = try vmExtension(body, id: stored.id, location: stored.location)
            stored.body = body
            return outcome
        default:
            break
        }
        stored.body = body
        return Outcome(seconds: latency.network)
    }

    /// Arrays of sub-resources whose provisioningState follows the parent's.
    func childCollections(_ kind: ResourceKind) -> [String] {
        switch kind.type {
        case ResourceKind.networkSecurityGroup.type: ["securityRules", "defaultSecurityRules"]
        case ResourceKind.virtualNetwork.type: ["subnets"]
        case ResourceKind.networkInterface.type: ["ipConfigurations"]
        case ResourceKind.loadBalancer.type: LoadBalancerChildren.all
        default: []
        }
    }

    /// Gives each inline sub-resource its id, type and etag (ids as in example LoadBalancers_CreateOrUpdate.standardSku.json).
    func identifyChildren(_ body: inout JSONValue, parent: String, collection: String, type: String?) throws {
        guard let items = body.at("properties.\(collection)")?.array else { return }
        var names = Set<String>()
        body.set("properties.\(collection)", .array(try items.enumerated().map { index, item in
            guard let name = item["name"]?.string, !name.isEmpty else {
                throw ArmError(400, "InvalidRequestFormat", "Cannot parse the request: properties.\(collection)[\(index)].name is required.", target: "properties.\(collection)[\(index)].name")
            }
            guard names.insert(name.lowercased()).inserted else {
                throw ArmError(400, "InvalidRequestFormat", "Cannot parse the request: two entries of properties.\(collection) are named '\(name)'.", target: "properties.\(collection)[\(index)].name")
            }
            var child = item
            child["id"] = .string("\(parent)/\(collection)/\(name)")
            child["etag"] = body["etag"]
            if let type { child["type"] = .string(type) }
            return child
        }))
    }

    /// Whether `id` names an existing resource or an inline sub-resource of one (`…/virtualNetworks/v/subnets/s`).
    func exists(_ id: String) -> Bool {
        if let stored = world.resource(id) { return !stored.isDeleting }
        let parts = id.split(separator: "/").map(String.init)
        guard parts.count >= 2 else { return false }
        let parent = "/" + parts.dropLast(2).joined(separator: "/")
        let collection = parts[parts.count - 2]
        guard let stored = world.resource(parent), !stored.isDeleting,
              let items = stored.body["properties"]?.object?.first(where: { $0.key.lowercased() == collection.lowercased() })?.value.array else {
            return false
        }
        return items.contains { $0["name"]?.string?.lowercased() == parts.last!.lowercased() }
    }

    func requireExists(_ id: String?, from resource: String) throws {
        guard let id else { return }
        guard exists(id) else { throw ArmError.invalidReference(id, from: resource) }
    }

    /// Referential rules on DELETE.
    func checkDeletable(kind: ResourceKind, stored: StoredResource) throws {
        let users = referencingResources(to: stored.id)
        switch kind.type {
        case ResourceKind.networkInterface.type:
            // A NIC attached to a VM cannot be deleted. [code NicInUse; not in the reference]
            if let vm = users.first(where: { $0.type == ResourceKind.virtualMachine.type }) {
                throw ArmError(400, "NicInUse", "Network Interface \(stored.id) is used by existing resource \(vm.id). In order to delete the network interface, it must be dissociated from the resource.")
            }
        case ResourceKind.virtualNetwork.type:
            if let nic = users.first(where: { $0.type == ResourceKind.networkInterface.type || $0.type == ResourceKind.loadBalancer.type }) {
                // azure-api.md §3.1 InUseSubnetCannotBeDeleted.
                throw ArmError(400, "InUseSubnetCannotBeDeleted", "Subnet of virtual network \(stored.id) is in use by \(nic.id) and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet.")
            }
        case ResourceKind.publicIPAddress.type:
            // azure-api.md §5.3: a PIP attached to a NIC/LB cannot be deleted. [code PublicIPAddressInUse unverified]
            if let user = users.first {
                throw ArmError(400, "PublicIPAddressInUse", "Public IP address \(stored.id) can not be deleted since it is still allocated to resource \(user.id). In order to delete the public IP, disassociate/detach the Public IP address from the resource.")
            }
        case ResourceKind.networkSecurityGroup.type:
            // [code InUseNetworkSecurityGroupCannotBeDeleted; not in the reference]
            if let user = users.first {
                throw ArmError(400, "InUseNetworkSecurityGroupCannotBeDeleted", "Network security group \(stored.id) cannot be deleted because it is in use by the following resources: \(user.id).")
            }
        case ResourceKind.loadBalancer.type:
            // NICs in its pools hold it. [code InUseLoadBalancerCannotBeDeleted; not in the reference]
            if let user = users.first(where: { $0.type == ResourceKind.networkInterface.type }) {
                throw ArmError(400, "InUseLoadBalancerCannotBeDeleted", "Load balancer \(stored.id) cannot be deleted because it is in use by \(user.id); remove the NIC from its pools first.")
            }
        default:
            break
        }
    }

    /// Every other resource whose stored body mentions `id` (or one of its sub-resources) in an `id` field.
    func referencingResources(to id: String) -> [StoredResource] {
        let target = id.lowercased()
        return world.resources.values.filter { other in
            other.id.lowercased() != target && !other.id.lowercased().hasPrefix(target + "/") && !other.isDeleting
                && references(other.body, target)
        }.sorted { $0.id < $1.id }
    }

    private func references(_ value: JSONValue, _ target: String) -> Bool {
        switch value {
        case .object(let members):
            if let id = members["id"]?.string?.lowercased(), id == target || id.hasPrefix(target + "/") {
                return true
            }
            return members.contains { $0.key != "id" && references($0.value, target) }
        case .array(let items): return items.contains { references($0, target) }
        default: return false
        }
    }

    /// Read-only back-references ARM reports on the referenced side.
    func addBackReferences(kind: ResourceKind, stored: StoredResource, body: JSONValue, expand: String?) -> JSONValue {
        var body = body
        switch kind.type {
        case ResourceKind.virtualNetwork.type:
            guard let subnets = body.at("properties.subnets")?.array else { break }
            body.set("properties.subnets", .array(subnets.map { subnet in
                var subnet = subnet
                let configs = ipConfigurations(in: subnet["id"]?.string ?? "")
                if !configs.isEmpty { subnet.set("properties.ipConfigurations", .array(configs.map { ["id": .string($0)] })) }
                return subnet
            }))
        case ResourceKind.publicIPAddress.type:
            if let user = ipConfigurationUsing(publicIP: stored.id) { body.set("properties.ipConfiguration", ["id": .string(user)]) }
        case ResourceKind.networkInterface.type:
            if let vm = world.resources.values.first(where: { $0.type == ResourceKind.virtualMachine.type && references($0.body, stored.id.lowercased()) }) {
                body.set("properties.virtualMachine", ["id": .string(vm.id)])
                body.set("properties.macAddress", .string(macAddress(for: stored.id)))
            }
        case ResourceKind.networkSecurityGroup.type:
            let users = referencingResources(to: stored.id)
            let nics = users.filter { $0.type == ResourceKind.networkInterface.type }.map { JSONValue.object(["id": .string($0.id)]) }
            if !nics.isEmpty { body.set("properties.networkInterfaces", .array(nics)) }
        case ResourceKind.extensionKind.type:
            if expand?.lowercased() == "instanceview" { body.set("properties.instanceView", extensionInstanceView(stored)) }
        default:
            break
        }
        return body
    }

    /// NIC IP configuration ids whose subnet is `subnetID`.
    func ipConfigurations(in subnetID: String) -> [String] {
        world.resources.values.filter { $0.type == ResourceKind.networkInterface.type }.sorted { $0.id < $1.id }.flatMap { nic in
            (nic.body.at("properties.ipConfigurations")?.array ?? []).compactMap { config -> String? in
                config.at("properties.subnet.id")?.string?.lowercased() == subnetID.lowercased() ? config["id"]?.string : nil
            }
        }
    }

    func ipConfigurationUsing(publicIP id: String) -> String? {
        for other in world.resources.values.sorted(by: { $0.id < $1.id }) {
            for collection in ["ipConfigurations", "frontendIPConfigurations"] {
                for config in other.body.at("properties.\(collection)")?.array ?? []
                where config.at("properties.publicIPAddress.id")?.string?.lowercased() == id.lowercased() {
                    return config["id"]?.string
                }
            }
        }
        return nil
    }

    func macAddress(for id: String) -> String {
        let digest = SimIDs.hash(id.lowercased()).prefix(10).uppercased()
        var pairs = ["00"]
        var index = digest.startIndex
        while index < digest.endIndex {
            let next = digest.index(index, offsetBy: 2)
            pairs.append(String(digest[index..<next]))
            index = next
        }
        return pairs.joined(separator: "-")
    }
}

enum LoadBalancerChildren {
    static let all = ["frontendIPConfigurations", "backendAddressPools", "probes", "loadBalancingRules", "outboundRules", "inboundNatRules"]
}

import Foundation

/// Microsoft.Network resources (definitions 2024-03-01; azure-api.md §5).
extension AzureCloud {
    // MARK: Network security group (§5.1)

    func networkSecurityGroup(_ document: JSONValue, id: String) throws -> JSONValue {
        var body = document
        try identifyChildren(&body, parent: id, collection: "securityRules", type: "Microsoft.Network/networkSecurityGroups/securityRules")
        var seen: [String: String] = [:]
        for (index, rule) in (body.at("properties.securityRules")?.array ?? []).enumerated() {
            let target = "properties.securityRules[\(index)].properties.priority"
            guard let priority = rule.at("properties.priority")?.int, (100...4096).contains(priority) else {
                // Priorities 100–4096 (§5.1 [unverified range]). [code SecurityRuleInvalidPriority; not in the reference]
                throw ArmError(400, "SecurityRuleInvalidPriority", "Security rule \(rule["name"]?.string ?? "") has invalid Priority. Value provided: \(rule.at("properties.priority").map { String(decoding: $0.encoded(), as: UTF8.self) } ?? "none"). Allowed range 100-4096.", target: target)
            }
            // Unique per direction (§5.1). [code SecurityRuleConflict; not in the reference]
            let key = "\(rule.at("properties.direction")?.string?.lowercased() ?? "")/\(priority)"
            if let other = seen[key] {
                throw ArmError(400, "SecurityRuleConflict", "Security rule \(rule["name"]?.string ?? "") conflicts with rule \(other). Rules cannot have the same Priority and Direction.", target: target)
            }
            seen[key] = rule["name"]?.string ?? ""
        }
        body.set("properties.defaultSecurityRules", .array(defaultSecurityRules(nsg: id, etag: body["etag"])))
        body.set("properties.resourceGuid", .string(body.at("properties.resourceGuid")?.string ?? newUUID()))
        return body
    }

    /// The six default rules every NSG reports (§5.1, example NetworkSecurityGroups_CreateOrUpdate.withRule.json).
    func defaultSecurityRules(nsg: String, etag: JSONValue?) -> [JSONValue] {
        let rules: [(String, Int64, String, String, String, String)] = [
            ("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
            ("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
            ("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
            ("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
            ("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
            ("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
        ]
        return rules.map { name, priority, direction, access, source, destination in
            [
                "name": .string(name), "id": .string("\(nsg)/defaultSecurityRules/\(name)"), "etag": etag ?? .null,
                "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
                "properties": [
                    "description": .string("Default rule \(name)"), "protocol": "*", "sourcePortRange": "*",
                    "destinationPortRange": "*", "sourceAddressPrefix": .string(source),
                    "destinationAddressPrefix": .string(destination), "access": .string(access),
                    "priority": .int(priority), "direction": .string(direction),
                ],
            ]
        }
    }

    // MARK: Virtual network (§5.2)

    func virtualNetwork(_ document: JSONValue, id: String, previous: StoredResource?) throws -> JSONValue {
        var body = document
        try identifyChildren(&body, parent: id, collection: "subnets", type: "Microsoft.Network/virtualNetworks/subnets")
        let spaces = (body.at("properties.addressSpace.addressPrefixes")?.array ?? []).compactMap { $0.string.flatMap(IPv4Prefix.init) }
        let subnets = body.at("properties.subnets")?.array ?? []
        for (index, subnet) in subnets.enumerated() {
            try requireExists(subnet.at("properties.networkSecurityGroup.id")?.string, from: subnet["id"]?.string ?? id)
            if let text = subnet.at("properties.addressPrefix")?.string {
                // [code NetcfgSubnetRangeOutsideVnet / InvalidCIDRNotation; not in the reference]
                guard let prefix = IPv4Prefix(text) else {
                    throw ArmError(400, "InvalidCIDRNotation", "The address prefix \(text) in resource \(subnet["id"]?.string ?? "") has an invalid CIDR notation.", target: "properties.subnets[\(index)].properties.addressPrefix")
                }
                if !spaces.contains(where: { $0.contains(prefix) }) {
                    throw ArmError(400, "NetcfgSubnetRangeOutsideVnet", "Subnet '\(subnet["name"]?.string ?? "")' is not valid because its IP address range is outside the IP address range of virtual network '\(body["name"]?.string ?? "")'.", target: "properties.subnets[\(index)].properties.addressPrefix")
                }
            }
        }
        // A VNet PUT is full-state: a subnet left out is deleted, which fails while it is in use (§5.2 pitfall, §3.1).
        let kept = Set(subnets.compactMap { $0["name"]?.string?.lowercased() })
        for old in previous?.body.at("properties.subnets")?.array ?? [] {
            guard let name = old["name"]?.string, !kept.contains(name.lowercased()), let subnetID = old["id"]?.string else { continue }
            if let user = ipConfigurations(in: subnetID).first {
                throw ArmError(400, "InUseSubnetCannotBeDeleted", "Subnet \(name) is in use by \(user) and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.")
            }
        }
        body.set("properties.resourceGuid", .string(previous?.body.at("properties.resourceGuid")?.string ?? newUUID()))
        return body
    }

    // MARK: Public IP address (§5.3)

    func publicIPAddress(_ document: JSONValue, id: String, location: String?, previous: StoredResource?) throws -> JSONValue {
        var body = document
        // Omitted sku = Basic + Dynamic (example PublicIPAddresses_CreateOrUpdate.defaults.json).
        let sku = body.at("sku.name")?.string ?? "Basic"
        if sku.lowercased() == "basic", configuration.refuseBasicSku {
            // Basic public IPs: no new creations after 2025-03-31 (§5.3, §11.1). [code not in the reference]
            throw ArmError(400, "BasicSkuPublicIpCreationNotAllowed", "Basic SKU public IP addresses can no longer be created (retired 2025-09-30). Send sku.name 'Standard' with publicIPAllocationMethod 'Static'.", target: "sku.name")
        }
        let method = body.at("properties.publicIPAllocationMethod")?.string ?? (sku.lowercased() == "standard" ? "Static" : "Dynamic")
        if sku.lowercased() == "standard", method.lowercased() != "static" {
            // Standard supports Static only (§5.3). [code not in the reference]
            throw ArmError(400, "StandardSkuPublicIPAddressesMustBeStatic", "Standard sku publicIp \(id) must be Static; set properties.publicIPAllocationMethod to 'Static'.", target: "properties.publicIPAllocationMethod")
        }
        body.set("sku.name", .string(sku))
        if sku.lowercased() == "standard", body.at("sku.tier") == nil { body.set("sku.tier", "Regional") }
        body.set("properties.publicIPAllocationMethod", .string(method))
        body.set("properties.publicIPAddressVersion", body.at("properties.publicIPAddressVersion") ?? "IPv4")
        body.set("properties.idleTimeoutInMinutes", body.at("properties.idleTimeoutInMinutes") ?? 4)
        if let label = body.at("properties.dnsSettings.domainNameLabel")?.string {
            try checkDomainNameLabel(label)
            let region = (location ?? "").lowercased()
            if let holder = publicIPHolding(label: label, location: region), holder.lowercased() != id.lowercased() {
                // §3.1 DnsRecordInUse: the label is unique per region.
                throw ArmError(400, "DnsRecordInUse", "DNS record \(label).\(region).cloudapp.azure.com is already used by another public IP.", target: "properties.dnsSettings.domainNameLabel")
            }
            body.set("properties.dnsSettings.fqdn", .string("\(label.lowercased()).\(region).cloudapp.azure.com"))
        }
        if method.lowercased() == "static" {
            let address = previous?.body.at("properties.ipAddress")?.string ?? nextPublicAddress()
            body.set("properties.ipAddress", .string(address))
        }
        body.set("properties.resourceGuid", .string(previous?.body.at("properties.resourceGuid")?.string ?? newUUID()))
        return body
    }

    /// DNS label: `^[a-z][a-z0-9-]{1,61}[a-z0-9]$` (§5.3, §10). [code InvalidDomainNameLabel; not in the reference]
    func checkDomainNameLabel(_ label: String) throws {
        let valid = label.range(of: "^[a-z][a-z0-9-]{1,61}[a-z0-9]$", options: .regularExpression) != nil
        if !valid {
            throw ArmError(400, "InvalidDomainNameLabel", "The domain name label \(label) is invalid. It must conform to the following regular expression: ^[a-z][a-z0-9-]{1,61}[a-z0-9]$.", target: "properties.dnsSettings.domainNameLabel")
        }
    }

    func publicIPHolding(label: String, location: String) -> String? {
        world.resources.values.first { other in
            other.type == ResourceKind.publicIPAddress.type && !other.isDeleting && (other.location ?? "").lowercased() == location
                && other.body.at("properties.dnsSettings.domainNameLabel")?.string?.lowercased() == label.lowercased()
        }?.id
    }

    func nextPublicAddress() -> String {
        defer { world.nextPublicAddress += 1 }
        let value = world.nextPublicAddress
        return "20.\(100 + value / 65536 % 100).\(value / 256 % 256).\(value % 256)"
    }

    /// `GET …/locations/{location}/CheckDnsNameAvailability?domainNameLabel=` → `{"available": bool}`
    /// (checkDnsAvailability.json; example CheckDnsNameAvailability.json).
    func checkDnsNameAvailability(_ request: SimRequest, location: String) throws -> SimResponse {
        let file = ResourceKind.network + "checkDnsAvailability.json"
        guard let given = request.query["api-version"], !given.isEmpty else { throw ArmError.missingApiVersion() }
        let supported = try library.apiVersion(of: file)
        guard given == supported else {
            throw ArmError.unsupportedApiVersion(given, supported: supported, type: "Microsoft.Network/locations/CheckDnsNameAvailability", location: location)
        }
        guard let label = request.query["domainNameLabel"], !label.isEmpty else {
            throw ArmError(400, "MissingParameter", "The query parameter 'domainNameLabel' is required.", target: "domainNameLabel")
        }
        return .json(200, ["available": .bool(publicIPHolding(label: label, location: location.lowercased()) == nil)])
    }

    // MARK: Network interface (§5.5)

    func networkInterface(_ document: JSONValue, id: String, previous: StoredResource?) throws -> JSONValue {
        var body = document
        try identifyChildren(&body, parent: id, collection: "ipConfigurations", type: "Microsoft.Network/networkInterfaces/ipConfigurations")
        try requireExists(body.at("properties.networkSecurityGroup.id")?.string, from: id)
        var configs = body.at("properties.ipConfigurations")?.array ?? []
        guard !configs.isEmpty else {
            throw ArmError(400, "NetworkInterfaceMustHaveAtLeastOneIpConfiguration", "Network interface \(id) must have one or more IP configurations.", target: "properties.ipConfigurations")
        }
        for index in configs.indices {
            var config = configs[index]
            let configID = config["id"]?.string ?? id
            let target = "properties.ipConfigurations[\(index)].properties"
            // A secondary IP configuration without a subnet takes the primary's (example NetworkInterfaces_CreateOrUpdate.json, ipconfig2).
            if config.at("properties.subnet.id") == nil, index > 0, let primary = configs[0].at("properties.subnet") {
                config.set("properties.subnet", primary)
            }
            guard let subnetID = config.at("properties.subnet.id")?.string else {
                throw ArmError(400, "SubnetIsRequired", "IP configuration \(configID) must reference a subnet.", target: "\(target).subnet")
            }
            try requireExists(subnetID, from: configID)
            try requireExists(config.at("properties.publicIPAddress.id")?.string, from: configID)
            for pool in config.at("properties.loadBalancerBackendAddressPools")?.array ?? [] { try requireExists(pool["id"]?.string, from: configID) }
            for rule in config.at("properties.loadBalancerInboundNatRules")?.array ?? [] { try requireExists(rule["id"]?.string, from: configID) }
            let prefix = subnetPrefix(subnetID)
            let method = config.at("properties.privateIPAllocationMethod")?.string ?? (config.at("properties.privateIPAddress") == nil ? "Dynamic" : "Static")
            var address = config.at("properties.privateIPAddress")?.string
            if method.lowercased() == "static" {
                guard let text = address, let value = IPv4Prefix.parse(text) else {
                    throw ArmError(400, "PrivateIPAddressRequired", "IP configuration \(configID) has allocation method Static but no valid privateIPAddress.", target: "\(target).privateIPAddress")
                }
                // Reserved: .0–.3 and the last address (§5.2). [codes not in the reference]
                if let prefix, !prefix.isAssignable(value) {
                    let code = prefix.contains(value) ? "PrivateIPAddressIsReserved" : "PrivateIPAddressNotInSubnet"
                    throw ArmError(400, code, "Private static IP address \(text) does not belong to the assignable range of subnet \(subnetID) (the first four and the last address are reserved).", target: "\(target).privateIPAddress")
                }
            } else if address == nil || previous == nil {
                address = prefix.flatMap { nextPrivateAddress(in: $0, subnetID: subnetID, excluding: id) }
            }
            if let text = address, let holder = privateAddressHolder(text, subnetID: subnetID, excluding: id) {
                // PrivateIPAddressInUse (issue 8).
                throw ArmError(400, "PrivateIPAddressInUse", "IP configuration \(configID) is using the private IP address \(text) which is already allocated to resource \(holder).", target: "\(target).privateIPAddress")
            }
            config.set("properties.privateIPAllocationMethod", .string(method))
            if let address { config.set("properties.privateIPAddress", .string(address)) }
            config.set("properties.privateIPAddressVersion", config.at("properties.privateIPAddressVersion") ?? "IPv4")
            if config.at("properties.primary") == nil { config.set("properties.primary", .bool(index == 0)) }
            configs[index] = config
        }
        body.set("properties.ipConfigurations", .array(configs))
        body.set("properties.resourceGuid", .string(previous?.body.at("properties.resourceGuid")?.string ?? newUUID()))
        return body
    }

    func subnetPrefix(_ subnetID: String) -> IPv4Prefix? {
        let parts = subnetID.split(separator: "/")
        guard parts.count >= 2, let vnet = world.resource("/" + parts.dropLast(2).joined(separator: "/")) else { return nil }
        let subnet = vnet.body.at("properties.subnets")?.array?.first { $0["name"]?.string?.lowercased() == parts.last!.lowercased() }
        return subnet?.at("properties.addressPrefix")?.string.flatMap(IPv4Prefix.init)
    }

    /// The IP configuration holding `address` in the same virtual network as `subnetID`, other than NIC `excluding`.
    func privateAddressHolder(_ address: String, subnetID: String, excluding nic: String) -> String? {
        let vnet = subnetID.lowercased().components(separatedBy: "/subnets/")[0]
        for other in world.resources.values where other.type == ResourceKind.networkInterface.type && other.id.lowercased() != nic.lowercased() && !other.isDeleting {
            for config in other.body.at("properties.ipConfigurations")?.array ?? [] {
                let otherVnet = (config.at("properties.subnet.id")?.string ?? "").lowercased().components(separatedBy: "/subnets/")[0]
                if otherVnet == vnet, config.at("properties.privateIPAddress")?.string == address { return config["id"]?.string }
            }
        }
        return nil
    }

    func nextPrivateAddress(in prefix: IPv4Prefix, subnetID: String, excluding nic: String) -> String? {
        var candidate = prefix.network + 4
        while candidate < prefix.broadcast {
            let text = IPv4Prefix.format(candidate)
            if privateAddressHolder(text, subnetID: subnetID, excluding: nic) == nil { return text }
            candidate += 1
        }
        return nil
    }

    // MARK: Load balancer (§5.4)

    func loadBalancer(_ document: JSONValue, id: String) throws -> JSONValue {
        var body = document
        let sku = body.at("sku.name")?.string ?? "Basic"
        if sku.lowercased() == "basic", configuration.refuseBasicSku {
            // Basic Load Balancer retired 2025-09-30 (§5.4). [code not in the reference]
            throw ArmError(400, "BasicSkuLoadBalancerCreationNotAllowed", "Basic SKU load balancers can no longer be created (retired 2025-09-30). Send sku.name 'Standard'.", target: "sku.name")
        }
        body.set("sku.name", .string(sku))
        for collection in LoadBalancerChildren.all {
            try identifyChildren(&body, parent: id, collection: collection, type: "Microsoft.Network/loadBalancers/\(collection)")
        }
        for frontend in body.at("properties.frontendIPConfigurations")?.array ?? [] {
            try requireExists(frontend.at("properties.publicIPAddress.id")?.string, from: frontend["id"]?.string ?? id)
            try requireExists(frontend.at("properties.subnet.id")?.string, from: frontend["id"]?.string ?? id)
        }
        // References between the LB's own parts name ids inside this body (§5.4).
        let own = Set(LoadBalancerChildren.all.flatMap { collection in
            (body.at("properties.\(collection)")?.array ?? []).compactMap { $0["id"]?.string?.lowercased() }
        })
        for collection in ["loadBalancingRules", "outboundRules", "inboundNatRules"] {
            for rule in body.at("properties.\(collection)")?.array ?? [] {
                let refs = ["frontendIPConfiguration", "backendAddressPool", "probe"].compactMap { rule.at("properties.\($0).id")?.string }
                    + (rule.at("properties.frontendIPConfigurations")?.array ?? []).compactMap { $0["id"]?.string }
                for ref in refs where !own.contains(ref.lowercased()) {
                    throw ArmError.invalidReference(ref, from: rule["id"]?.string ?? id)
                }
            }
        }
        body.set("properties.resourceGuid", .string(body.at("properties.resourceGuid")?.string ?? newUUID()))
        return body
    }
}

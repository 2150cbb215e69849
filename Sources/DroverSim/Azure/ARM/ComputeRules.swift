import Foundation

/// Microsoft.Compute virtual machines and extensions (definitions 2024-07-01; azure-api.md §6, §7).
extension AzureCloud {
    /// Usernames the API refuses (azure-api.md §6.3, spec `OSProfile` description).
    static let refusedUsernames: Set<String> = [
        "administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a", "actuser",
        "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support",
        "support_388945a0", "sys", "test2", "test3", "user4", "user5",
    ]

    /// Compute's parameter error. [code InvalidParameter, target = the property; not in the reference]
    func invalidParameter(_ target: String, _ message: String) -> ArmError {
        ArmError(400, "InvalidParameter", message, target: target)
    }

    func virtualMachine(_ document: JSONValue, stored: inout StoredResource, previous: StoredResource?) throws -> (JSONValue, Bool) {
        var body = document
        let id = stored.id
        let name = body["name"]?.string ?? ""
        let isWindows = body.at("properties.osProfile.windowsConfiguration") != nil
            || (body.at("properties.storageProfile.imageReference.publisher")?.string ?? "").lowercased().contains("windows")
            || body.at("properties.storageProfile.osDisk.osType")?.string?.lowercased() == "windows"
        // The NICs must exist and belong to no other VM (issue 8: a VM needs its NIC).
        let nics = body.at("properties.networkProfile.networkInterfaces")?.array ?? []
        if nics.isEmpty, body.at("properties.networkProfile.networkInterfaceConfigurations") == nil {
            throw invalidParameter("networkProfile", "At least one network interface is required: set properties.networkProfile.networkInterfaces.")
        }
        for nic in nics {
            guard let nicID = nic["id"]?.string else { continue }
            guard exists(nicID) else { throw ArmError.invalidReference(nicID, from: id) }
            if let other = world.resources.values.first(where: {
                $0.type == ResourceKind.virtualMachine.type && $0.id.lowercased() != id.lowercased()
                    && ($0.body.at("properties.networkProfile.networkInterfaces")?.array ?? []).contains { $0["id"]?.string?.lowercased() == nicID.lowercased() }
            }) {
                // [code NicInUse; not in the reference]
                throw ArmError(400, "NicInUse", "Network interface \(nicID) is already used by virtual machine \(other.id).", target: "networkProfile.networkInterfaces")
            }
        }
        if let profile = body.at("properties.osProfile") {
            try checkOSProfile(profile, isWindows: isWindows, isUpdate: previous != nil)
        }
        // customData: base64, at most 65535 decoded bytes, cannot be updated after creation (azure-api.md §6.1, §6.3).
        if let customData = body.at("properties.osProfile.customData")?.string {
            guard let decoded = Data(base64Encoded: customData) else {
                throw invalidParameter("customData", "Custom data in OSProfile must be in Base64 encoding.")
            }
            guard decoded.count <= 65535 else {
                throw invalidParameter("customData", "Custom data in OSProfile is \(decoded.count) bytes after decoding; the maximum is 65535 bytes.")
            }
            let hash = SimIDs.hash(customData)
            if let previous, previous.customDataHash != hash {
                throw ArmError(409, "PropertyChangeNotAllowed", "Changing property 'customData' is not allowed.", target: "customData")
            }
            stored.customDataHash = hash
            stored.customData = String(decoding: decoded, as: UTF8.self)
        } else if let previous {
            stored.customDataHash = previous.customDataHash
            stored.customData = previous.customData
        }
        // Never answered back: passwords and custom data (OSProfile descriptions).
        body.set("properties.osProfile.adminPassword", nil)
        body.set("properties.osProfile.customData", nil)
        if body.at("properties.osProfile") != nil {
            if isWindows {
                body.set("properties.osProfile.windowsConfiguration.provisionVMAgent", body.at("properties.osProfile.windowsConfiguration.provisionVMAgent") ?? true)
                body.set("properties.osProfile.windowsConfiguration.enableAutomaticUpdates", body.at("properties.osProfile.windowsConfiguration.enableAutomaticUpdates") ?? true)
            } else {
                body.set("properties.osProfile.linuxConfiguration.provisionVMAgent", body.at("properties.osProfile.linuxConfiguration.provisionVMAgent") ?? true)
            }
            body.set("properties.osProfile.secrets", body.at("properties.osProfile.secrets") ?? .array([]))
            body.set("properties.osProfile.allowExtensionOperations", body.at("properties.osProfile.allowExtensionOperations") ?? true)
        }
        // OS disk: a managed disk named after the VM, kept as an object the inventory lists (deleted with the VM when
        // its deleteOption is Delete, azure-api.md §6.1).
        let previousDisk = previous?.body.at("properties.storageProfile.osDisk")
        let diskName = body.at("properties.storageProfile.osDisk.name")?.string ?? previousDisk?["name"]?.string
            ?? "\(name)_OsDisk_1_\(newUUID().replacingOccurrences(of: "-", with: ""))"
        let diskID = "/subscriptions/\(world.subscriptionId)/resourceGroups/\(id.split(separator: "/")[3])/providers/Microsoft.Compute/disks/\(diskName)"
        body.set("properties.storageProfile.osDisk.name", .string(diskName))
        body.set("properties.storageProfile.osDisk.osType", .string(isWindows ? "Windows" : "Linux"))
        body.set("properties.storageProfile.osDisk.managedDisk.id", .string(diskID))
        body.set("properties.storageProfile.osDisk.deleteOption", body.at("properties.storageProfile.osDisk.deleteOption") ?? "Detach")
        if world.resource(diskID) == nil {
            world.resources[diskID.lowercased()] = StoredResource(
                id: diskID, type: "Microsoft.Compute/disks", resourceGroup: stored.resourceGroup, location: stored.location,
                body: ["id": .string(diskID), "name": .string(diskName), "managedBy": .string(id)], createdAt: now)
        }
        body.set("properties.vmId", .string(previous?.body.at("properties.vmId")?.string ?? newUUID()))
        body.set("properties.timeCreated", .string(previous?.body.at("properties.timeCreated")?.string ?? SimDates.format(now)))
        return (body, isWindows)
    }

    /// Host name, user name and password rules of the API (azure-api.md §6.3).
    func checkOSProfile(_ profile: JSONValue, isWindows: Bool, isUpdate: Bool) throws {
        if let computerName = profile["computerName"]?.string {
            let limit = isWindows ? 15 : 64
            let forbidden = CharacterSet(charactersIn: " ~!@#$%^&*()=+_[]{}\\|;:.'\",<>/?")
            if computerName.isEmpty || computerName.count > limit || computerName.unicodeScalars.contains(where: forbidden.contains)
                || computerName.hasSuffix("-") {
                throw invalidParameter("computerName", "The supplied computer name '\(computerName)' is invalid: \(isWindows ? "Windows" : "Linux") host names are 1-\(limit) characters without spaces or ~!@#$%^&*()=+_[]{}\\|;:.'\",<>/? and cannot end with '-'.")
            }
        }
        if let user = profile["adminUsername"]?.string {
            if Self.refusedUsernames.contains(user.lowercased()) || user.count > (isWindows ? 20 : 64) || user.hasSuffix(".") {
                throw invalidParameter("adminUsername", "The Admin Username specified is not allowed.")
            }
        }
        if let password = profile["adminPassword"]?.string {
            let range = isWindows ? 8...123 : 6...72
            let classes = [password.contains { $0.isLowercase }, password.contains { $0.isUppercase }, password.contains { $0.isNumber },
                           password.unicodeScalars.contains { !CharacterSet.alphanumerics.contains($0) }].filter { $0 }.count
            let refused: Set<String> = ["abc@123", "p@$$w0rd", "p@ssw0rd", "p@ssword123", "pa$$word", "pass@word1", "password!", "password1", "password22", "iloveyou!"]
            if !range.contains(password.count) || classes < 3 || refused.contains(password.lowercased()) {
                throw invalidParameter("adminPassword", "The supplied password must be between \(range.lowerBound)-\(range.upperBound) characters long and must satisfy at least 3 of password complexity requirements from the following: contains an uppercase character, a lowercase character, a numeric digit, a special character; and it must not be a disallowed value.")
            }
        }
        if !isWindows, let user = profile["adminUsername"]?.string {
            for (index, key) in (profile.at("linuxConfiguration.ssh.publicKeys")?.array ?? []).enumerated() {
                if let path = key["path"]?.string, path != "/home/\(user)/.ssh/authorized_keys" {
                    throw invalidParameter("linuxConfiguration.ssh.publicKeys[\(index)].path", "The SSH key path must be /home/\(user)/.ssh/authorized_keys.")
                }
            }
        }
    }

    // MARK: Extensions (§7)

    func vmExtension(_ document: JSONValue, id: String, location: String?) throws -> (JSONValue, Outcome) {
        var body = document
        let vmID = id.components(separatedBy: "/extensions/")[0]
        guard let vm = world.resource(vmID), !vm.isDeleting else {
            // [code ParentResourceNotFound; not in the reference]
            throw ArmError(404, "ParentResourceNotFound", "Can not perform requested operation on nested resource. Parent resource '\(vmID.split(separator: "/").last ?? "")' not found.")
        }
        // `location` must equal the VM's region (§7).
        if let location, location.lowercased() != (vm.location ?? "").lowercased() {
            throw invalidParameter("location", "The extension location '\(location)' must match the virtual machine's location '\(vm.location ?? "")'.")
        }
        let isWindowsVM = vm.body.at("properties.storageProfile.osDisk.osType")?.string == "Windows"
        let publisher = body.at("properties.publisher")?.string ?? ""
        let type = body.at("properties.type")?.string ?? ""
        var failure: OperationFailure?
        // commandToExecute in settings or protectedSettings, not both (§7); the Windows extension fails on Linux (§7).
        if body.at("properties.settings.commandToExecute") != nil, body.at("properties.protectedSettings.commandToExecute") != nil {
            failure = OperationFailure(code: "VMExtensionProvisioningError", message: "VM has reported a failure when processing extension '\(body["name"]?.string ?? "")'. Error message: \"commandToExecute is set in both settings and protectedSettings; set it in one only.\"")
        } else if publisher == "Microsoft.Compute", type == "CustomScriptExtension", !isWindowsVM {
            failure = OperationFailure(code: "VMExtensionProvisioningError", message: "VM has reported a failure when processing extension '\(body["name"]?.string ?? "")'. Error message: \"The handler for VM extension type 'Microsoft.Compute.CustomScriptExtension' is not supported on a Linux virtual machine.\"")
        } else if publisher == "Microsoft.Azure.Extensions", type == "CustomScript", isWindowsVM {
            failure = OperationFailure(code: "VMExtensionProvisioningError", message: "VM has reported a failure when processing extension '\(body["name"]?.string ?? "")'. Error message: \"The handler for VM extension type 'Microsoft.Azure.Extensions.CustomScript' is not supported on a Windows virtual machine.\"")
        }
        // The script stays only in protectedSettings, which is never answered back.
        body.set("properties.protectedSettings", nil)
        let latency = configuration.latency
        return (body, Outcome(seconds: isWindowsVM ? latency.windowsExtension : latency.linuxExtension, failure: failure))
    }

    /// The extension's instance view (VirtualMachineExtensionInstanceView): one status with the message.
    func extensionInstanceView(_ stored: StoredResource) -> JSONValue {
        let status: JSONValue
        switch (stored.pending?.state, stored.failed) {
        case (.some, _):
            status = ["code": "ProvisioningState/transitioning", "level": "Info", "displayStatus": "Transitioning", "message": "Enable in progress"]
        case (nil, true):
            status = ["code": "ProvisioningState/failed/1", "level": "Error", "displayStatus": "Provisioning failed",
                      "message": .string(stored.failureMessage ?? "Enable failed")]
        case (nil, false):
            status = ["code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded",
                      "message": .string(stored.statusMessage ?? "Enable succeeded")]
        }
        return [
            "name": .string(stored.body["name"]?.string ?? ""),
            "type": .string("\(stored.body.at("properties.publisher")?.string ?? "").\(stored.body.at("properties.type")?.string ?? "")"),
            "typeHandlerVersion": stored.body.at("properties.typeHandlerVersion") ?? .null,
            "statuses": [status],
        ]
    }

    /// `GET …/virtualMachines/{vm}/instanceView` (VirtualMachineInstanceView): provisioning and power state.
    func virtualMachineInstanceView(_ vm: StoredResource) throws -> JSONValue {
        let provisioning: JSONValue = [
            "code": .string("ProvisioningState/\(vm.provisioningState.lowercased())"), "level": vm.failed ? "Error" : "Info",
            "displayStatus": .string("Provisioning \(vm.provisioningState.lowercased())"),
        ]
        let power: JSONValue = vm.pending == nil && !vm.failed
            ? ["code": "PowerState/running", "level": "Info", "displayStatus": "VM running"]
            : ["code": "PowerState/starting", "level": "Info", "displayStatus": "VM starting"]
        let extensions = world.resources.values.filter { $0.type == ResourceKind.extensionKind.type && $0.id.lowercased().hasPrefix(vm.id.lowercased() + "/") }
            .sorted { $0.id < $1.id }.map(extensionInstanceView)
        let view: JSONValue = [
            "computerName": vm.body.at("properties.osProfile.computerName") ?? .null,
            "osName": .string(vm.body.at("properties.storageProfile.osDisk.osType")?.string == "Windows" ? "Windows Server" : "Linux"),
            "statuses": [provisioning, power], "extensions": .array(extensions),
        ]
        let schema = try library.definition("VirtualMachineInstanceView", in: ResourceKind.virtualMachine.file)
        return try SchemaValidator(library: library, direction: .response).check(view, against: schema).kept
    }
}

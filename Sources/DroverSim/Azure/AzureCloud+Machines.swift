import Foundation

/// The Azure simulator's hooks into the machine simulator: VMs keep their custom data and image, boot when first
/// provisioned, and extensions wait for their script's outcome on the machine (azure-api.md §6.1, §7).
extension AzureCloud: MachineHost {
    /// A VM or extension PUT was accepted: create the VM's machine record, or run the extension on its machine.
    func machineWork(kind: ResourceKind, stored: StoredResource, operation: ArmOperation, isNew: Bool) {
        guard let machines = configuration.machines else { return }
        if kind.type == ResourceKind.virtualMachine.type, isNew, world.machines?[stored.id.lowercased()] == nil {
            let body = stored.body
            let image = ["publisher", "offer", "sku"].map { body.at("properties.storageProfile.imageReference.\($0)")?.string ?? "" }.joined(separator: ":")
            let os: MachineOS = body.at("properties.storageProfile.osDisk.osType")?.string == "Windows" ? .windows : .linux
            let name = body.at("properties.osProfile.computerName")?.string ?? body["name"]?.string ?? ""
            world.machines = world.machines ?? [:]
            world.machines?[stored.id.lowercased()] = MachineRecord(vmID: stored.id, hostName: name, os: os, image: image, customData: stored.customData)
        }
        guard kind.type == ResourceKind.extensionKind.type, let (handler, command) = extensionCommand(stored) else { return }
        world.operations[operation.id]?.waitsForMachine = true
        let vmKey = stored.id.components(separatedBy: "/extensions/")[0].lowercased()
        if world.machines?[vmKey]?.state == "created" {
            world.machines?[vmKey]?.waitingExtensions.append(stored.id)
            return
        }
        machines.runExtension(vmKey, extensionID: stored.id, handler: handler, command: command)
    }

    /// What the extension asks its machine to run: `commandToExecute` (settings or protectedSettings) or the Linux
    /// v2 `script` (§7).
    func extensionCommand(_ stored: StoredResource) -> (ExtensionHandler, ExtensionCommand)? {
        let publisher = stored.body.at("properties.publisher")?.string ?? ""
        let type = stored.body.at("properties.type")?.string ?? ""
        let handler: ExtensionHandler
        switch (publisher, type) {
        case ("Microsoft.Compute", "CustomScriptExtension"): handler = .windowsCustomScript
        case ("Microsoft.Azure.Extensions", "CustomScript"): handler = .linuxCustomScript
        default: return nil
        }
        let settings = stored.body.at("properties.settings")
        let secret = stored.protectedSettings
        if let script = secret?["script"]?.string ?? settings?["script"]?.string, handler == .linuxCustomScript {
            return (handler, .script(script))
        }
        guard let line = secret?["commandToExecute"]?.string ?? settings?["commandToExecute"]?.string else { return nil }
        return (handler, .commandLine(line))
    }

    /// A VM reached Succeeded: its machine boots the first time, then runs the extensions that were waiting.
    func machineProvisioned(_ stored: StoredResource) {
        guard let machines = configuration.machines, stored.type == ResourceKind.virtualMachine.type,
              let record = world.machines?[stored.id.lowercased()], record.boots == 0, record.state == "created" else { return }
        world.machines?[stored.id.lowercased()]?.state = "booting"
        machines.boot(stored.id.lowercased())
        for extensionID in record.waitingExtensions {
            guard let ext = world.resource(extensionID), let (handler, command) = extensionCommand(ext) else { continue }
            machines.runExtension(stored.id.lowercased(), extensionID: ext.id, handler: handler, command: command)
        }
        world.machines?[stored.id.lowercased()]?.waitingExtensions = []
    }

    // MARK: MachineHost

    func machine(_ vmID: String) -> MachineRecord? { world.machines?[vmID.lowercased()] }

    func updateMachine(_ vmID: String, _ change: @Sendable (inout MachineRecord) -> Void) {
        guard var record = world.machines?[vmID.lowercased()] else { return }
        change(&record)
        world.machines?[vmID.lowercased()] = record
        try? save()
    }

    /// The script ended: the extension's operation finishes Succeeded, or Failed with the script's error output, as
    /// the handlers report it. [message wording: general knowledge of the handlers, not in the reference]
    func finishExtension(_ extensionID: String, handler: ExtensionHandler, result: ScriptResult) {
        guard var stored = world.resource(extensionID), let operationID = stored.pending?.operationId,
              var operation = world.operations[operationID] else { return }
        let output = String(result.output.suffix(4096))
        let errors = String(result.errorOutput.suffix(4096))
        let name = stored.body["name"]?.string ?? ""
        let message: String
        switch handler {
        case .linuxCustomScript:
            message = result.succeeded ? "Enable succeeded: \n[stdout]\n\(output)\n[stderr]\n\(errors)"
                : "Enable failed: failed to execute command: command terminated with exit status=\(result.exitCode)\n[stdout]\n\(output)\n[stderr]\n\(errors)"
        case .windowsCustomScript:
            message = result.succeeded ? "Command execution finished"
                : "Command execution finished, but failed because it returned a non-zero exit code of: '\(result.exitCode)'. The command had an error output of: '\(errors)'"
        }
        operation.waitsForMachine = false
        operation.completesAt = max(now, operation.completesAt)
        if !result.succeeded {
            operation.fails = true
            operation.errorCode = "VMExtensionProvisioningError"
            operation.errorMessage = "VM has reported a failure when processing extension '\(name)' (publisher '\(stored.body.at("properties.publisher")?.string ?? "")' and type '\(stored.body.at("properties.type")?.string ?? "")'). Error message: '\(message)'."
        }
        world.operations[operationID] = operation
        stored.statusMessage = result.succeeded ? message : nil
        stored.pending?.readyAt = operation.completesAt
        world.resources[stored.id.lowercased()] = stored
        settle()
        try? save()
    }

    /// `GET /_sim/machines`: every machine's state and the tail of its node log (never its files or custom data).
    func machineInventory() -> JSONValue {
        let machines = (world.machines ?? [:]).values.sorted { $0.vmID.lowercased() < $1.vmID.lowercased() }.map { record -> JSONValue in
            [
                "vmId": .string(record.vmID), "hostName": .string(record.hostName), "os": .string(record.os.rawValue),
                "image": .string(record.image), "state": .string(record.state), "boots": .int(Int64(record.boots)),
                "cloudInit": record.cloudInit.map { .string($0) } ?? .null, "rancher": record.rancher.map { .string($0) } ?? .null,
                "services": .object(record.services.mapValues { .string($0) }),
                "files": .array(record.files.keys.sorted().map { .string($0) }),
                "startupTasks": .array(record.startupTasks.keys.sorted().map { .string($0) }),
                "logPath": .string(record.logPath), "logTail": .array(record.log.suffix(40).map { .string($0) }),
            ]
        }
        return ["machines": .array(machines)]
    }
}

extension AzureSimulator {
    /// The simulated machines (the same JSON as `GET /_sim/machines`).
    public func machineInventory() async -> JSONValue {
        await cloud.machineInventoryNow()
    }
}

extension AzureCloud {
    func machineInventoryNow() -> JSONValue {
        settle()
        return machineInventory()
    }
}

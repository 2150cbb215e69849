import DroverSim
import Foundation
import Testing

/// Virtual machines and extensions over HTTPS (azure-api.md §6, §7).
@Suite struct ComputeResourceTests {
    @Test func linuxVMProvisionsInAboutAMinuteAndDeletesWithItsDiskAndNic() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            try await sim.put(sim.networkPath("networkInterfaces", "nic1"), SimHarness.network, sim.nicBody(address: "10.0.1.10"))
            let created = try await sim.arm("PUT", sim.vmPath("vm1"), apiVersion: SimHarness.compute,
                                            body: sim.linuxVMBody(nic: "nic1", customData: Data("#cloud-config\n".utf8).base64EncodedString()))
            #expect(created.status == 201)
            #expect(created.body?.at("properties.provisioningState")?.string == "Creating")
            #expect(created.body?.at("properties.osProfile.customData") == nil)
            #expect(created.body?.at("properties.vmId")?.string != nil)
            let operation = try #require(created.header("Azure-AsyncOperation"))
            #expect(operation.contains("/providers/Microsoft.Compute/locations/eastus/operations/"))
            sim.clock.advance(by: 30)
            #expect(try await sim.poll(operation).body?["status"]?.string == "InProgress")
            sim.clock.advance(by: 40)
            #expect(try await sim.poll(operation).body?["status"]?.string == "Succeeded")
            let vm = try await sim.arm("GET", sim.vmPath("vm1"), apiVersion: SimHarness.compute)
            #expect(vm.body?.at("properties.provisioningState")?.string == "Succeeded")
            #expect(vm.body?.at("properties.storageProfile.osDisk.osType")?.string == "Linux")
            let view = try await sim.arm("GET", sim.vmPath("vm1") + "/instanceView", apiVersion: SimHarness.compute)
            #expect(view.body?.at("statuses")?.array?.compactMap { $0["code"]?.string } == ["ProvisioningState/succeeded", "PowerState/running"])
            let nic = try await sim.arm("GET", sim.networkPath("networkInterfaces", "nic1"), apiVersion: SimHarness.network)
            #expect(nic.body?.at("properties.virtualMachine.id")?.string == sim.id(sim.vmPath("vm1")))
            // A NIC in use by a VM cannot be deleted.
            #expect(try await sim.arm("DELETE", sim.networkPath("networkInterfaces", "nic1"), apiVersion: SimHarness.network).errorCode == "NicInUse")
            let patched = try await sim.arm("PATCH", sim.vmPath("vm1"), apiVersion: SimHarness.compute, body: ["tags": ["role": "server"]])
            #expect(patched.body?.at("tags.role")?.string == "server")
            let changed = try await sim.arm("PUT", sim.vmPath("vm1"), apiVersion: SimHarness.compute,
                                            body: sim.linuxVMBody(nic: "nic1", customData: Data("#cloud-config\nchanged: 1\n".utf8).base64EncodedString()))
            #expect(changed.status == 409)
            #expect(changed.body?.at("error.target")?.string == "customData")

            let types = { (await sim.simulator.inventory())["resources"]?.array?.compactMap { $0["type"]?.string } ?? [] }
            #expect(await types().contains("Microsoft.Compute/disks"))
            let deleted = try await sim.arm("DELETE", sim.vmPath("vm1"), apiVersion: SimHarness.compute, query: "forceDeletion=true")
            #expect(deleted.status == 202)
            let location = try #require(deleted.header("Location"))
            #expect(location.contains("monitor=true"))
            #expect(try await sim.poll(location).status == 202)
            sim.clock.advance(by: 120)
            #expect(try await sim.poll(location).status == 200)
            #expect(!(await types().contains("Microsoft.Compute/disks")))
            #expect(!(await types().contains("Microsoft.Network/networkInterfaces")))
        }
    }

    @Test func windowsVMTakesSeveralMinutes() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            try await sim.put(sim.networkPath("networkInterfaces", "nic1"), SimHarness.network, sim.nicBody(address: "10.0.1.10"))
            let created = try await sim.arm("PUT", sim.vmPath("win1"), apiVersion: SimHarness.compute, body: sim.windowsVMBody(nic: "nic1"))
            #expect(created.status == 201)
            #expect(created.body?.at("properties.osProfile.adminPassword") == nil)
            sim.clock.advance(by: 120)
            #expect(try await sim.arm("GET", sim.vmPath("win1"), apiVersion: SimHarness.compute).body?.at("properties.provisioningState")?.string == "Creating")
            sim.clock.advance(by: 240)
            let vm = try await sim.arm("GET", sim.vmPath("win1"), apiVersion: SimHarness.compute)
            #expect(vm.body?.at("properties.provisioningState")?.string == "Succeeded")
            #expect(vm.body?.at("properties.osProfile.windowsConfiguration.provisionVMAgent")?.bool == true)
        }
    }

    /// The rules a VM PUT is held to (azure-api.md §6.1, §6.3); each names the property.
    @Test func vmRulesNameTheProperty() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            try await sim.put(sim.networkPath("networkInterfaces", "nic1"), SimHarness.network, sim.nicBody(address: "10.0.1.10"))
            let tooBig = String(repeating: "A", count: 65536 / 3 * 4 + 8)
            var cases: [(String, JSONValue, String, String)] = [
                ("custom data over 64 KiB", sim.linuxVMBody(nic: "nic1", customData: tooBig), "InvalidParameter", "customData"),
                ("custom data not base64", sim.linuxVMBody(nic: "nic1", customData: "not base64!"), "InvalidParameter", "customData"),
                ("missing NIC", sim.linuxVMBody(nic: "absent"), "InvalidResourceReference", ""),
            ]
            var longName = sim.windowsVMBody(nic: "nic1")
            longName.set("properties.osProfile.computerName", "windows-name-too-long")
            cases.append(("Windows computer name over 15", longName, "InvalidParameter", "computerName"))
            var weak = sim.windowsVMBody(nic: "nic1")
            weak.set("properties.osProfile.adminPassword", "password")
            cases.append(("weak password", weak, "InvalidParameter", "adminPassword"))
            var admin = sim.linuxVMBody(nic: "nic1")
            admin.set("properties.osProfile.adminUsername", "admin")
            cases.append(("refused user name", admin, "InvalidParameter", "adminUsername"))
            for (label, body, code, target) in cases {
                let reply = try await sim.arm("PUT", sim.vmPath("vm1"), apiVersion: SimHarness.compute, body: body)
                #expect(reply.status == 400, "\(label)")
                #expect(reply.errorCode == code, "\(label)")
                if !target.isEmpty { #expect(reply.body?.at("error.target")?.string == target, "\(label)") }
            }
            let fits = String(repeating: "A", count: 65535 / 3 * 4)
            #expect(try await sim.arm("PUT", sim.vmPath("vm1"), apiVersion: SimHarness.compute, body: sim.linuxVMBody(nic: "nic1", customData: fits)).status == 201)
        }
    }

    @Test func extensionInstanceViewCarriesTheStatusMessage() async throws {
        try await SimHarness.run { sim in
            try await sim.createNetwork()
            try await sim.put(sim.networkPath("networkInterfaces", "nic1"), SimHarness.network, sim.nicBody(address: "10.0.1.10"))
            try await sim.put(sim.vmPath("vm1"), SimHarness.compute, sim.linuxVMBody(nic: "nic1"))
            let path = sim.vmPath("vm1") + "/extensions/join"
            let good: JSONValue = ["location": "eastus", "properties": [
                "publisher": "Microsoft.Azure.Extensions", "type": "CustomScript", "typeHandlerVersion": "2.0", "autoUpgradeMinorVersion": true,
                "protectedSettings": ["commandToExecute": "sh join.sh secret-token"]]]
            let created = try await sim.arm("PUT", path, apiVersion: SimHarness.compute, body: good)
            #expect(created.status == 201)
            // Location form: 202 while running, then 200 with the extension (azure-api.md §2 step 4).
            let location = try #require(created.header("Location"))
            #expect(try await sim.poll(location).status == 202)
            #expect(created.body?.at("properties.protectedSettings") == nil)
            let running = try await sim.arm("GET", path, apiVersion: SimHarness.compute, query: "$expand=instanceView")
            #expect(running.body?.at("properties.instanceView.statuses")?.array?.first?["code"]?.string == "ProvisioningState/transitioning")
            sim.clock.advance(by: 60)
            let polled = try await sim.poll(location)
            #expect(polled.status == 200)
            #expect(polled.body?["name"]?.string == "join")
            let done = try await sim.arm("GET", path, apiVersion: SimHarness.compute, query: "$expand=instanceView")
            #expect(done.body?.at("properties.provisioningState")?.string == "Succeeded")
            #expect(done.body?.at("properties.instanceView.statuses")?.array?.first?["message"]?.string == "Enable succeeded")

            // The Windows extension on a Linux VM fails, and the message says why (azure-api.md §7).
            var windows = good
            windows.set("properties.publisher", "Microsoft.Compute")
            windows.set("properties.type", "CustomScriptExtension")
            windows.set("properties.typeHandlerVersion", "1.10")
            let failing = try await sim.arm("PUT", sim.vmPath("vm1") + "/extensions/win", apiVersion: SimHarness.compute, body: windows)
            let operation = try #require(failing.header("Azure-AsyncOperation"))
            sim.clock.advance(by: 60)
            let status = try await sim.poll(operation)
            #expect(status.body?["status"]?.string == "Failed")
            #expect(status.body?.at("error.code")?.string == "VMExtensionProvisioningError")
            let view = try await sim.arm("GET", sim.vmPath("vm1") + "/extensions/win", apiVersion: SimHarness.compute, query: "$expand=instanceView")
            #expect(view.body?.at("properties.provisioningState")?.string == "Failed")
            #expect(view.body?.at("properties.instanceView.statuses")?.array?.first?["message"]?.string?.contains("not supported on a Linux") == true)

            let wrongRegion = try await sim.arm("PUT", sim.vmPath("vm1") + "/extensions/x", apiVersion: SimHarness.compute, body: {
                var body = good
                body["location"] = "westus"
                return body
            }())
            #expect(wrongRegion.body?.at("error.target")?.string == "location")
            #expect(try await sim.arm("PUT", sim.vmPath("absent") + "/extensions/x", apiVersion: SimHarness.compute, body: good).errorCode == "ParentResourceNotFound")
            #expect(try await sim.arm("DELETE", path, apiVersion: SimHarness.compute).status == 202)
        }
    }
}

import DroverSim
import Foundation
import Testing

/// Windows machines: custom data is only dropped as a file; the CustomScriptExtension runs PowerShell; the Containers
/// feature needs a restart in the middle of a join, which only a script that resumes itself survives (peers.md P5).
@Suite struct MachineWindowsTests {
    static let token = MachineJoinTests.token
    static let server = MachineJoinTests.server

    /// A join script in the shape of the sample Drover renders (re-entrant, scheduled task, restart), with the
    /// RKE2 Windows command of rancher-api.md §3.3.
    static func joinScript(checksum: String, resumes: Bool = true) -> String {
        """
        $ErrorActionPreference = 'Stop'
        New-Item -ItemType Directory -Force -Path C:\\drover | Out-Null
        Start-Transcript -Path (Join-Path C:\\drover 'join.log') -Append | Out-Null
        try {
            if (Test-Path (Join-Path C:\\drover 'joined')) {
                Write-Output 'already joined'
                return
            }
            if ((Get-WindowsFeature -Name Containers).InstallState -ne 'Installed') {
                Write-Output 'enabling the Containers feature'
                $result = Install-WindowsFeature -Name Containers
                if ($result.RestartNeeded -eq 'Yes') {
                    $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument '-NoProfile -NonInteractive -ExecutionPolicy Bypass -File C:\\drover\\join.ps1'
                    $trigger = New-ScheduledTaskTrigger -AtStartup
        \(resumes ? "            Register-ScheduledTask -TaskName DroverJoin -Action $action -Trigger $trigger -Force | Out-Null" : "")
                    shutdown.exe /r /t 30 /c 'restart to finish enabling the Containers feature'
                    return
                }
            }
            Set-Location C:\\drover
            curl.exe -fL \(server)/wins-agent-install.ps1 -o install.ps1
            Set-ExecutionPolicy Bypass -Scope Process -Force
            & ./install.ps1 -Server \(server) -Label 'cattle.io/os=windows' -Token \(token) -Worker -CaChecksum \(checksum) -Address 20.1.2.9 -InternalAddress 10.0.1.9 -NodeName win-0
            New-Item -ItemType File -Force -Path (Join-Path C:\\drover 'joined') | Out-Null
            Unregister-ScheduledTask -TaskName DroverJoin -Confirm:$false
        } catch {
            Write-Output "join failed: $_"
            throw
        } finally {
            Stop-Transcript | Out-Null
        }
        """
    }

    /// The extension command: the script written to C:\drover\join.ps1, then run (as Drover's sample does).
    static func extensionBody(_ script: String) -> JSONValue {
        let wrapper = "$ErrorActionPreference = 'Stop'\nNew-Item -ItemType Directory -Force -Path C:\\drover | Out-Null\n"
            + "[IO.File]::WriteAllText('C:\\drover\\join.ps1', [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('\(Data(script.utf8).base64EncodedString())')))\n"
            + "& 'C:\\drover\\join.ps1'\n"
        var utf16 = Data()
        for unit in wrapper.utf16 { utf16.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        return ["location": "eastus", "properties": [
            "publisher": "Microsoft.Compute", "type": "CustomScriptExtension", "typeHandlerVersion": "1.10",
            "protectedSettings": ["commandToExecute": .string("powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand \(utf16.base64EncodedString())")],
        ]]
    }

    @Test func customDataIsDroppedAsAFileAndNotRun() async throws {
        try await MachineBed.run { bed in
            try await bed.windowsVM("win-0", address: "10.0.1.9", customData: "Write-Output 'never runs'")
            let machine = try #require(try await bed.machine("win-0"))
            #expect(machine["files"]?.array?.compactMap(\.string) == [#"C:\AzureData\CustomData.bin"#])
            #expect(machine["cloudInit"] == .null)
            #expect(!(machine["logTail"]?.array ?? []).contains { $0.string?.contains("never runs") == true })
        }
    }

    @Test func aJoinThatResumesAfterTheFeatureRestartRegistersTheWindowsNode() async throws {
        try await MachineBed.run(trustRancherCA: true) { bed in
            let rancher = try await bed.startRancher(token: Self.token)
            try await bed.windowsVM("win-0", address: "10.0.1.9", sku: "2019-datacenter", customData: nil)
            let ext = try await bed.runExtension("win-0", name: "join", body: Self.extensionBody(Self.joinScript(checksum: rancher.checksum)))
            #expect(ext.provisioningState == "Succeeded", "\(ext.statusMessage ?? "")")
            let machine = try await bed.machine("win-0")
            #expect(machine?["boots"]?.int == 2, "the feature restart happened")
            #expect(machine?["startupTasks"]?.array?.isEmpty == true, "the join removed its task")
            let register = try #require(rancher.requests.first { $0.path == "/v3/connect/agent" })
            #expect(register.headers["x-cattle-role-worker"] == "true" && register.headers["x-cattle-role-etcd"] == "false")
            #expect(register.headers["x-cattle-labels"] == "cattle.io/os=windows")
            let node = try #require(rancher.node("win-0"))
            #expect(node.at("metadata.labels")?["kubernetes.io/os"]?.string == "windows")
            #expect(node.at("metadata.labels")?["node.kubernetes.io/windows-build"]?.string == "10.0.17763")
            #expect(node.at("status.nodeInfo.kubeletVersion")?.string?.contains("+rke2") == false)
            #expect(machine?["state"]?.string == "joined")
        }
    }

    @Test func aJoinThatDoesNotResumeStopsAtTheRestartAndTheLogSaysSo() async throws {
        try await MachineBed.run(trustRancherCA: true) { bed in
            let rancher = try await bed.startRancher(token: Self.token)
            try await bed.windowsVM("win-0", address: "10.0.1.9", sku: "2022-datacenter-azure-edition", customData: nil)
            let ext = try await bed.runExtension("win-0", name: "join", body: Self.extensionBody(Self.joinScript(checksum: rancher.checksum, resumes: false)))
            #expect(ext.provisioningState == "Succeeded", "the script itself ended well before the restart")
            #expect(!rancher.paths().contains { $0.contains("/v3/connect") })
            #expect(try await bed.log("win-0").contains { $0.contains("no startup task is registered, nothing resumes") })
            #expect(try await bed.machine("win-0")?["boots"]?.int == 2)
        }
    }

    @Test func joiningWithoutTheContainersFeatureFails() async throws {
        try await MachineBed.run(trustRancherCA: true) { bed in
            let rancher = try await bed.startRancher(token: Self.token)
            try await bed.windowsVM("win-0", address: "10.0.1.9", customData: nil)
            let command = "Set-Location C:\\\ncurl.exe -fL \(Self.server)/wins-agent-install.ps1 -o install.ps1\n& ./install.ps1 -Server \(Self.server) -Token \(Self.token) -Worker -CaChecksum \(rancher.checksum)\n"
            let ext = try await bed.runExtension("win-0", name: "join", body: Self.extensionBody(command))
            #expect(ext.provisioningState == "Failed")
            #expect(ext.statusMessage?.contains("Containers feature is not enabled") == true, "\(ext.statusMessage ?? "")")
        }
    }

    @Test func anUnknownCmdletFailsAsPowerShellDoes() async throws {
        try await MachineBed.run { bed in
            try await bed.windowsVM("win-0", address: "10.0.1.9", customData: nil)
            let ext = try await bed.runExtension("win-0", name: "join", body: Self.extensionBody("$ErrorActionPreference = 'Stop'\nInvoke-Frobnicate -Now\n"))
            #expect(ext.provisioningState == "Failed")
            #expect(ext.statusMessage?.contains("The term 'Invoke-Frobnicate' is not recognized") == true, "\(ext.statusMessage ?? "")")
        }
    }
}

extension MachineWindowsTests {
    /// Windows scripts end their lines with CR LF (Drover writes them so); PowerShell reads them as any other script.
    @Test func aScriptWithWindowsLineEndingsJoinsAsAnyOther() async throws {
        try await MachineBed.run(trustRancherCA: true) { bed in
            let rancher = try await bed.startRancher(token: Self.token)
            try await bed.windowsVM("win-0", address: "10.0.1.9", sku: "2022-datacenter-core-g2", customData: nil)
            let script = Self.joinScript(checksum: rancher.checksum).replacingOccurrences(of: "\n", with: "\r\n")
            let ext = try await bed.runExtension("win-0", name: "join", body: Self.extensionBody(script))
            #expect(ext.provisioningState == "Succeeded", "\(ext.statusMessage ?? "")")
            #expect(try await bed.machine("win-0")?["state"]?.string == "joined")
            #expect(rancher.node("win-0")?.at("metadata.labels")?["node.kubernetes.io/windows-build"]?.string == "10.0.20348")
        }
    }
}

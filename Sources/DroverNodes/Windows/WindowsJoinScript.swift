import DroverEngine
import Foundation

/// The PowerShell script that joins a Windows worker, written to `C:\drover\join.ps1` and run as SYSTEM.
///
/// Re-entrant, as peers.md P5 asks: a `joined` marker makes a second run do nothing; when enabling the Containers
/// feature needs a restart, an at-startup scheduled task runs the script again after it, and the script removes the
/// task once the node has joined. Everything is transcribed to `C:\drover\join.log` for diagnosis.
public struct WindowsJoinScript: Sendable {
    /// The folder holding the script, its log and its marker; readable by SYSTEM and Administrators only.
    public static let folder = #"C:\drover"#
    /// The scheduled task that resumes the join after a restart.
    public static let taskName = "DroverJoin"

    /// The script's text.
    public let text: String

    /// The join script for `node` running `command` (a registration command of either Windows template), trusting
    /// `trustedCA` (PEM; Drover's private CA) in the machine's root store before anything contacts Rancher.
    public init(command: RegistrationCommand, node: JoinTarget, trustedCA: String? = nil) throws(CodedError) {
        let join: [String]
        switch command.template {
        case .rke1Windows:
            join = [try command.windowsPipeline(for: node)]
        case .rke2Windows:
            join = try command.command(for: node).components(separatedBy: "; ")
        case .rke1Linux, .rke2Linux:
            throw CodedError(code: "WrongTemplate", message: "a Linux registration command cannot join Windows node \(node.nodeName)")
        }
        let folder = PowerShellSyntax.quote(Self.folder)
        let task = PowerShellSyntax.quote(Self.taskName)
        let rerun = PowerShellSyntax.quote("-NoProfile -NonInteractive -ExecutionPolicy Bypass -File \(Self.folder)\\join.ps1")
        let lines: [String] = [
            "# Drover: joins \(node.nodeName) to the cluster. Safe to run again; resumes itself after a restart.",
            "$ErrorActionPreference = 'Stop'",
            "$ProgressPreference = 'SilentlyContinue'",
            "New-Item -ItemType Directory -Force -Path \(folder) | Out-Null",
            "Start-Transcript -Path (Join-Path \(folder) 'join.log') -Append | Out-Null",
            "try {",
            "    if (Test-Path (Join-Path \(folder) 'joined')) {",
            "        Write-Output 'drover: this node has already joined; nothing to do'",
            "        Unregister-ScheduledTask -TaskName \(task) -Confirm:$false -ErrorAction SilentlyContinue",
            "        return",
            "    }",
            "    if ((Get-WindowsFeature -Name Containers).InstallState -ne 'Installed') {",
            "        Write-Output 'drover: enabling the Containers feature'",
            "        $result = Install-WindowsFeature -Name Containers",
            "        if ($result.RestartNeeded -eq 'Yes') {",
            "            $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument \(rerun)",
            "            $trigger = New-ScheduledTaskTrigger -AtStartup",
            "            $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest",
            "            Register-ScheduledTask -TaskName \(task) -Action $action -Trigger $trigger -Principal $principal -Force | Out-Null",
            "            Write-Output 'drover: restarting in 30 seconds; the scheduled task resumes the join afterwards'",
            "            shutdown.exe /r /t 30 /c 'Drover: restart to finish enabling the Containers feature'",
            "            return",
            "        }",
            "    }",
        ] + Self.trust(trustedCA) + [
            "    Set-Location \(folder)",
            "    Write-Output 'drover: running the registration command'",
        ] + join.map { "    " + $0 } + [
            "    New-Item -ItemType File -Force -Path (Join-Path \(folder) 'joined') | Out-Null",
            "    Unregister-ScheduledTask -TaskName \(task) -Confirm:$false -ErrorAction SilentlyContinue",
            "    Write-Output 'drover: registration command finished'",
            "} catch {",
            "    Write-Output \"drover: join failed: $_\"",
            "    throw",
            "} finally {",
            "    Stop-Transcript | Out-Null",
            "}",
        ]
        text = lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Where the script keeps Rancher's CA before importing it.
    public static let caFile = #"C:\drover\rancher-ca.crt"#

    /// The lines that put `pem` in `Cert:\LocalMachine\Root`, so curl.exe and the agent trust Rancher's certificate.
    private static func trust(_ pem: String?) -> [String] {
        guard let pem, !pem.isEmpty else { return [] }
        let encoded = Data(pem.utf8).base64EncodedString()
        return [
            "    [IO.File]::WriteAllText('\(caFile)', [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('\(encoded)')))",
            "    Import-Certificate -FilePath '\(caFile)' -CertStoreLocation 'Cert:\\LocalMachine\\Root' | Out-Null",
        ]
    }

    /// The `commandToExecute` for `Microsoft.Compute/CustomScriptExtension` (protected settings only: it holds
    /// the token): writes the script into a folder only SYSTEM and Administrators can read, then runs it.
    public var extensionCommand: String {
        let scriptBase64 = Data(text.utf8).base64EncodedString()
        let bootstrap = [
            "$ErrorActionPreference = 'Stop'",
            "New-Item -ItemType Directory -Force -Path \(PowerShellSyntax.quote(Self.folder)) | Out-Null",
            // S-1-5-18 is SYSTEM and S-1-5-32-544 Administrators; inheritance removed so Users lose read access.
            "icacls.exe \(PowerShellSyntax.quote(Self.folder)) /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null",
            "[IO.File]::WriteAllText('\(Self.folder)\\join.ps1', [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('\(scriptBase64)')))",
            "& '\(Self.folder)\\join.ps1'",
        ].joined(separator: "\r\n")
        return Self.encodedCommand(bootstrap)
    }

    /// With `joinMethod: customData`: the script is the VM's custom data (Azure drops it at
    /// `C:\AzureData\CustomData.bin`) and the extension only copies and runs it.
    public static var customDataExtensionCommand: String {
        encodedCommand([
            "$ErrorActionPreference = 'Stop'",
            "New-Item -ItemType Directory -Force -Path \(PowerShellSyntax.quote(folder)) | Out-Null",
            "icacls.exe \(PowerShellSyntax.quote(folder)) /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null",
            "Copy-Item -Force 'C:\\AzureData\\CustomData.bin' '\(folder)\\join.ps1'",
            "& '\(folder)\\join.ps1'",
        ].joined(separator: "\r\n"))
    }

    /// `powershell.exe -EncodedCommand` with the script as base64 of UTF-16LE, so no quoting layer can alter it.
    static func encodedCommand(_ script: String) -> String {
        var utf16 = Data()
        for unit in script.utf16 { utf16.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        return "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand \(utf16.base64EncodedString())"
    }
}

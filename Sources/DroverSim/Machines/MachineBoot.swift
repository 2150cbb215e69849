import Foundation
import Yams

/// A machine's first boot: Linux runs cloud-init on the custom data (its cloud-config modules `ca_certs`,
/// `write_files`, `runcmd`; a `#!` script runs as is), Windows drops the custom data at `C:\AzureData\CustomData.bin`
/// and runs nothing (azure-api.md §6.1). Later boots run the startup tasks.
enum MachineBoot {
    static let windowsCustomData = #"C:\AzureData\CustomData.bin"#

    static func boot(_ context: MachineContext) async {
        await context.update { $0.boots += 1; $0.state = "booted" }
        guard let record = await context.record() else { return }
        switch record.os {
        case .windows:
            if let data = record.customData { await context.write(windowsCustomData, data) }
            await context.log("windows: started \(record.osImage)")
        case .linux:
            await cloudInit(record.customData, context: context)
        }
        await context.update { if $0.state == "booted" { $0.state = "running" } }
    }

    /// cloud-init on the decoded custom data; its outcome is what `cloud-init status` reports.
    static func cloudInit(_ customData: String?, context: MachineContext) async {
        await context.update { $0.cloudInit = "running" }
        let status: String
        if let text = customData, !text.isEmpty {
            status = await runUserData(text, context: context) ? "done" : "error"
        } else {
            status = "done"
        }
        await context.update { $0.cloudInit = status }
        await context.log("cloud-init: status: \(status)")
    }

    /// Returns whether cloud-init finished without error.
    static func runUserData(_ text: String, context: MachineContext) async -> Bool {
        if text.hasPrefix("#!") {
            let result = await ShellInterpreter.run(text, context: context)
            if !result.succeeded { await context.log("cloud-init: scripts-user: part-001 failed with exit code \(result.exitCode)") }
            return result.succeeded
        }
        guard text.hasPrefix("#cloud-config") else {
            let first = text.split(separator: "\n").first.map(String.init) ?? ""
            await context.log("cloud-init: Unhandled non-multipart (text/x-not-multipart) userdata: '\(first.prefix(40))...'")
            return true
        }
        let config: [String: Any]
        do {
            guard let loaded = try Yams.load(yaml: text) as? [String: Any] else {
                await context.log("cloud-init: Failed loading yaml blob: the cloud-config is not a mapping")
                return false
            }
            config = loaded
        } catch {
            await context.log("cloud-init: Failed loading yaml blob. \(error)")
            return false
        }
        var ok = true
        if let certificates = config["ca_certs"] as? [String: Any] ?? config["ca-certs"] as? [String: Any] {
            let trusted = (certificates["trusted"] as? [String]) ?? []
            await context.update { $0.addedRoots += trusted }
        }
        for (index, entry) in (config["write_files"] as? [Any] ?? []).enumerated() {
            do { try await writeFile(entry, context: context) } catch {
                await context.log("cloud-init: write_files[\(index)]: \(error)")
                ok = false
            }
        }
        let commands = config["runcmd"] as? [Any] ?? []
        guard !commands.isEmpty else { return ok }
        // runcmd becomes one shell script (cloud-init cc_runcmd): lists are quoted words, strings run as written.
        let script = "#!/bin/sh\n" + commands.map { entry -> String in
            if let words = entry as? [Any] { return words.map { shellQuote("\($0)") }.joined(separator: " ") }
            return "\(entry)"
        }.joined(separator: "\n") + "\n"
        await context.write("/var/lib/cloud/instance/scripts/runcmd", script, permissions: "0700")
        let result = await ShellInterpreter.run(script, context: context)
        if !result.succeeded {
            await context.log("cloud-init: Failed to run module scripts-user (scripts in /var/lib/cloud/instance/scripts): runcmd exited \(result.exitCode)")
            ok = false
        }
        return ok
    }

    static func shellQuote(_ word: String) -> String {
        word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:+,@".contains($0) } ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// One `write_files` entry: path, content, encoding (b64/base64, gz is refused), permissions, append.
    static func writeFile(_ entry: Any, context: MachineContext) async throws {
        guard let file = entry as? [String: Any], let path = file["path"] as? String else {
            throw MachineFailure("each entry needs a 'path'")
        }
        var content = file["content"].map { "\($0)" } ?? ""
        switch (file["encoding"] as? String ?? "text").lowercased() {
        case "text", "text/plain": break
        case "b64", "base64":
            guard let data = Data(base64Encoded: content.filter { !$0.isWhitespace }) else { throw MachineFailure("\(path): content is not valid base64") }
            content = String(decoding: data, as: UTF8.self)
        case let other: throw MachineFailure("\(path): encoding '\(other)' is not handled by the machine simulator")
        }
        await context.write(path, content, permissions: (file["permissions"] as? String) ?? "0644", append: (file["append"] as? Bool) ?? false)
    }
}

/// An extension's command on the machine, through its handler (azure-api.md §7).
enum ExtensionRun {
    static func run(_ command: ExtensionCommand, handler: ExtensionHandler, context: MachineContext) async -> ScriptResult {
        switch (handler, command) {
        case (.linuxCustomScript, .script(let encoded)):
            guard let data = Data(base64Encoded: encoded) else {
                return ScriptResult(exitCode: 1, errorOutput: "script is not valid base64")
            }
            return await ShellInterpreter.run(String(decoding: data, as: UTF8.self), context: context)
        case (.linuxCustomScript, .commandLine(let line)):
            return await ShellInterpreter.run(line, context: context)
        case (.windowsCustomScript, .commandLine(let line)):
            return await PowerShell.runCommandLine(line, context: context)
        case (.windowsCustomScript, .script):
            return ScriptResult(exitCode: 1, errorOutput: "The Windows CustomScriptExtension has no 'script' setting; use commandToExecute")
        }
    }
}

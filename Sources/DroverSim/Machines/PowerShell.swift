import Foundation

/// PowerShell on a Windows machine, as the CustomScriptExtension starts it (`powershell.exe … -EncodedCommand B64`,
/// `-Command "…"`, `-File path`). Only the command line is understood so far: script bodies are refused with a
/// message naming the limit, so a Windows join never passes by accident.
enum PowerShell {
    static func runCommandLine(_ line: String, context: MachineContext) async -> ScriptResult {
        let words = line.split(separator: " ").map(String.init)
        guard let program = words.first?.lowercased(), ["powershell", "powershell.exe", "pwsh", "pwsh.exe"].contains(program) else {
            let name = words.first ?? ""
            return await failed("'\(name)' is not recognized as an internal or external command, operable program or batch file.", context)
        }
        var script: String?
        if let index = words.firstIndex(where: { ["-encodedcommand", "-enc", "-e"].contains($0.lowercased()) }), index + 1 < words.count {
            guard let data = Data(base64Encoded: words[index + 1]) else {
                return await failed("Cannot process the command because the value specified with -EncodedCommand is not properly encoded.", context)
            }
            script = String(data: data, encoding: .utf16LittleEndian)
        } else if let index = words.firstIndex(where: { $0.lowercased() == "-command" }) {
            script = words[(index + 1)...].joined(separator: " ")
        } else if let index = words.firstIndex(where: { $0.lowercased() == "-file" }), index + 1 < words.count {
            guard let file = await context.file(words[index + 1]) else {
                return await failed("The argument '\(words[index + 1])' to the -File parameter does not exist.", context)
            }
            script = file.content
        }
        guard let script else { return await failed("powershell: no -Command, -EncodedCommand or -File was given", context) }
        return await failed("the machine simulator does not interpret PowerShell script bodies yet (\(script.split(separator: "\n").count) lines received); the Windows join is not simulated", context)
    }

    static func failed(_ message: String, _ context: MachineContext) async -> ScriptResult {
        await context.log(message)
        return ScriptResult(exitCode: 1, errorOutput: message)
    }
}

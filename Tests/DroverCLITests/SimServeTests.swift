import Foundation
import Testing

/// `drover sim serve` run as a user runs it: the built binary, in its own folder, stopped with SIGINT.
@Suite struct SimServeTests {
    private func workspace() throws -> (DroverBinary, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-sim-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try DroverBinary(directory: dir), dir)
    }

    /// Starts `drover sim serve ARGS`, returns the process and the first `lines` lines it printed.
    private func serve(_ drover: DroverBinary, _ arguments: [String], lines: Int) throws -> (Process, [String]) {
        let process = Process()
        process.executableURL = drover.executable
        process.arguments = ["sim", "serve"] + arguments
        process.currentDirectoryURL = drover.directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var text = ""
        while text.split(separator: "\n").count < lines {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        return (process, text.split(separator: "\n").map(String.init))
    }

    private func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--max-time", "20"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func printsExportsWritesThePrivateEnvFileServesUntilInterrupted() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (process, lines) = try serve(drover, ["--dir", "world", "--time-scale", "0", "--env-file", "sim.env"], lines: 7)
        defer { if process.isRunning { process.terminate() } }
        #expect(lines.count == 8)
        var values: [String: String] = [:]
        for line in lines {
            #expect(line.hasPrefix("export "))
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            values[String(pair[0])] = String(pair[1]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        #expect(Set(values.keys) == ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_SUBSCRIPTION_ID",
                                     "ARM_METADATA_HOSTNAME", "DROVER_CA_FILE", "DROVER_SIM_INVENTORY_URL", "DROVER_SIM_TIME_SCALE"])
        let envFile = dir.appendingPathComponent("sim.env").path
        #expect(try String(contentsOfFile: envFile, encoding: .utf8) == lines.joined(separator: "\n") + "\n")
        #expect(try FileManager.default.attributesOfItem(atPath: envFile)[.posixPermissions] as? Int == 0o600)

        // A client trusting DROVER_CA_FILE finds the login endpoint through ARM_METADATA_HOSTNAME, and gets a token.
        let ca = try #require(values["DROVER_CA_FILE"])
        let metadata = try curl(["--cacert", ca, "https://\(values["ARM_METADATA_HOSTNAME"] ?? "")/metadata/endpoints?api-version=2022-09-01"])
        let document = try JSONSerialization.jsonObject(with: Data(metadata.utf8)) as? [[String: Any]]
        let login = try #require((document?.first?["authentication"] as? [String: Any])?["loginEndpoint"] as? String)
        let token = try curl(["--cacert", ca, "\(login)\(values["AZURE_TENANT_ID"] ?? "")/oauth2/v2.0/token",
                              "--data-urlencode", "grant_type=client_credentials", "--data-urlencode", "client_id=\(values["AZURE_CLIENT_ID"] ?? "")",
                              "--data-urlencode", "client_secret=\(values["AZURE_CLIENT_SECRET"] ?? "")",
                              "--data-urlencode", "scope=https://management.azure.com/.default"])
        #expect(token.contains("\"access_token\""))
        let inventory = try curl(["--cacert", ca, values["DROVER_SIM_INVENTORY_URL"] ?? ""])
        #expect(inventory.contains("\"resources\":[]"))

        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func jsonPrintsOneObject() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (process, lines) = try serve(drover, ["--dir", "world", "--json", "--rancher-hostname", "rancher.example.test"], lines: 1)
        defer { if process.isRunning { process.terminate() } }
        let object = try JSONSerialization.jsonObject(with: Data(try #require(lines.first).utf8)) as? [String: String]
        #expect(object?["ARM_METADATA_HOSTNAME"]?.hasPrefix("127.0.0.1:") == true)
        // The simulated Rancher's name is routed to its loopback port before the machines bring it up.
        #expect(object?["DROVER_CONNECT_TO"]?.hasPrefix("rancher.example.test:443:127.0.0.1:") == true)
        #expect(object?.count == 9)
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func badFaultPlanIsRefusedWithWhatIsValid() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try await drover("sim", "serve", "--faults", "429=7")
        #expect(run.status != 0)
        #expect(run.stderr.contains("429=R,500=R,drop=R,fail=R"))
    }
}

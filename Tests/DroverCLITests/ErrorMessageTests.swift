import DroverCLI
import DroverEngine
import Foundation
import Testing

/// Errors that say why: the path and the system's reason, through the one renderer, with a fix.
@Suite struct ErrorMessageTests {
    private func workspace() async throws -> (DroverBinary, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-errors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let drover = try DroverBinary(directory: dir)
        #expect(try await drover("init").status == 0)
        return (drover, dir)
    }

    private func contents(_ dir: URL) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
    }

    @Test func fileSystemErrorsNameThePathAndTheReason() async throws {
        let (drover, dir) = try await workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder"), withIntermediateDirectories: true)
        let initOntoFolder = try await drover("init", "--spec", "folder", "--force")
        #expect(initOntoFolder.status == 1)
        #expect(initOntoFolder.stderr.hasPrefix("Error: cannot write folder: it is a folder\n  fix: "), "\(initOntoFolder.stderr)")

        let renderUnderFile = try await drover("render", "--out", "drover.yaml/review")
        #expect(renderUnderFile.status == 1)
        #expect(renderUnderFile.stderr.hasPrefix("Error: cannot create the folder drover.yaml: a file of that name exists"), "\(renderUnderFile.stderr)")
        for run in [initOntoFolder, renderUnderFile] { #expect(!run.stderr.contains("NSCocoaErrorDomain")) }

        // Permissions do not stop root, so the read-only case runs only for other users.
        if getuid() != 0 {
            let readOnly = dir.appendingPathComponent("read-only")
            try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o555])
            let refused = try await drover("render", "--out", "read-only/review")
            #expect(refused.stderr.hasPrefix("Error: cannot create the folder read-only/review: Permission denied"), "\(refused.stderr)")
        }
    }

    @Test func corruptStateNamesTheBackupAndHowToRestoreIt() async throws {
        let (drover, dir) = try await workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try await drover("apply", "--auto-approve")
        _ = try await drover("apply", "--auto-approve")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("drover.state.json.backup").path))
        try "{ torn".write(to: dir.appendingPathComponent("drover.state.json"), atomically: true, encoding: .utf8)
        let plan = try await drover("plan")
        #expect(plan.status == 1)
        #expect(plan.stderr.contains("not a Drover state file"))
        #expect(plan.stderr.contains("restore it with `cp drover.state.json.backup drover.state.json`"), "\(plan.stderr)")
    }

    @Test func stateThatIsAFolderOrEmptyIsRefusedBeforeAnythingIsWritten() async throws {
        let (drover, dir) = try await workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("states")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let before = try contents(dir)
        for state in ["states", "states/", ""] {
            let run = try await drover("apply", "--auto-approve", "--state", state)
            #expect(run.status == 1)
            #expect(run.stderr.contains(state.isEmpty ? "the state path is empty" : "it is a folder, not a state file"), "\(run.stderr)")
            #expect(run.stderr.contains("fix: pass a file"))
        }
        #expect(try contents(dir) == before)
        #expect(try contents(folder).isEmpty)
    }

    @Test func destroyEndsWithDestroyCompleteAndOutputWithoutStateSaysSo() async throws {
        let (drover, dir) = try await workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let none = try await drover("output")
        #expect(none.status == 1)
        #expect(none.stderr.contains("there is no state at drover.state.json"))
        #expect(try await drover("state", "list").stderr.contains("there is no state"))
        _ = try await drover("apply", "--auto-approve")
        // Only the generated secrets exist in this build; destroying one of them completes.
        let destroy = try await drover("destroy", "--auto-approve", "--target", "drover.secret/rancher-admin")
        #expect(destroy.status == 0, "\(destroy.stderr)")
        #expect(destroy.stdout.contains("Destroy complete! Resources: 0 added, 0 changed, 1 destroyed."))
        #expect(!destroy.stdout.contains("Apply complete"))
    }

    /// Every exit status the binary gives is the one the README documents for that case.
    @Test func exitCodesAreTheDocumentedOnes() async throws {
        let (drover, dir) = try await workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md").standardizedFileURL, encoding: .utf8)
        let cases: [(status: Int32, documented: String, run: DroverBinary.Run)] = [
            (0, "| 0 | success", try await drover("validate")),
            (1, "| 1 | an error", try await drover("plan", "--spec", "missing.yaml")),
            (2, "| 2 | `plan --detailed-exitcode`", try await drover("plan", "--detailed-exitcode")),
            (64, "| 64 | a usage error", try await drover("plan", "--no-such-option")),
        ]
        for (status, documented, run) in cases {
            #expect(run.status == status, "\(documented): \(run.stderr)")
            #expect(readme.contains(documented), "README lacks `\(documented)`")
        }
        // 130 (Ctrl-C) is exercised by LockLifecycleTests.
        #expect(readme.contains("| 130 | interrupted"))
    }
}

/// A remote service's failure, as the one renderer shows it: the message, what the service said, the fix.
@Suite struct ServiceErrorRenderingTests {
    @Test func serviceFailureShowsCodeStatusRequestIdAndDetails() {
        let error = CodedError(
            code: "PrivateIPAddressInUse", message: "IP configuration ipconfig1 uses 10.0.1.5, which is taken",
            remediation: "pick another firstAddress for the pool", status: 400, requestId: "6f2c-11", details: ["InUseBy: lin-0-nic"])
        #expect(ErrorRenderer.message(for: error) == """
            Error: IP configuration ipconfig1 uses 10.0.1.5, which is taken
              code PrivateIPAddressInUse; status 400; request id 6f2c-11; InUseBy: lin-0-nic
              fix: pick another firstAddress for the pool
            """)
    }
}

import DroverEngine
import Foundation
import Testing

/// The built `drover` binary, run as a user runs it, in a fresh folder per test.
@Suite struct EndToEndTests {
    private func workspace() throws -> (DroverBinary, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try DroverBinary(directory: dir), dir)
    }

    @Test func initValidatePlanApplyStateAndOutput() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }

        #expect(try await drover("init").status == 0)
        let again = try await drover("init")
        #expect(again.status != 0)
        #expect(again.stderr.contains("--force"))
        #expect(try await drover("validate").status == 0)

        let plan = try await drover("plan", "--detailed-exitcode")
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("+ drover.secret/rancher-admin"))

        // Standard input is /dev/null: apply must refuse instead of waiting for a "yes" that cannot come.
        let refused = try await drover("apply")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--auto-approve"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("drover.state.json").path))

        // Generated secrets and local artifacts are made; Azure cannot be reached (DroverBinary's missing CA bundle),
        // so cloud resources fail and dependents are skipped.
        let applied = try await drover("apply", "--auto-approve")
        #expect(applied.status == 1)
        #expect(applied.stderr.contains("InvalidCAFile"))
        #expect(applied.stderr.contains("run the same command again"))
        let statePath = dir.appendingPathComponent("drover.state.json").path
        let mode = try FileManager.default.attributesOfItem(atPath: statePath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let state = try await FileStateStore(path: statePath).load()
        let password = try #require(state.resources[ResourceAddress(type: "drover.secret", name: "rancher-admin")]?.outputs["value"]?.stringValue)
        #expect(!applied.stdout.contains(password) && !applied.stderr.contains(password))

        let list = try await drover("state", "list")
        #expect(list.status == 0)
        #expect(list.stdout.split(separator: "\n").contains("drover.secret/rancher-admin"))

        let show = try await drover("state", "show", "drover.secret/rancher-admin")
        #expect(show.status == 0)
        #expect(show.stdout.contains("value = (sensitive)"))
        #expect(!show.stdout.contains(password))
        #expect(try await drover("state", "show", "drover.secret/rancher-admin", "--show-sensitive").stdout.contains(password))
        let missing = try await drover("state", "show", "azure.ghost/nothing")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("drover state list"))

        let outputs = try await drover("output")
        #expect(outputs.stdout.contains("rancher_admin_password = (sensitive)"))
        #expect(outputs.stdout.contains("cluster_name = \"windowshybrid\""))
        #expect(!outputs.stdout.contains(password))
        #expect(try await drover("output", "rancher_admin_password").stderr.contains("--show-sensitive"))
        #expect(try await drover("output", "rancher_admin_password", "--show-sensitive").stdout == password + "\n")
        let json = try await drover("output", "-o", "json")
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: [String: Any]]
        #expect(decoded?["cluster_name"]?["value"] as? String == "windowshybrid")
        #expect(decoded?["rancher_admin_password"]?["value"] is NSNull)
        #expect(try await drover("output", "nope").stderr.contains("known outputs: cluster_name"))

        // A second apply re-uses the secrets: the password does not change.
        _ = try await drover("apply", "--auto-approve")
        #expect(try await drover("output", "rancher_admin_password", "--show-sensitive").stdout == password + "\n")
    }

    @Test func renderWritesEveryArtifactWithPlaceholdersAndPrivateModes() async throws {
        let (drover, dir) = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try await drover("init").status == 0)
        let rendered = try await drover("render", "--out", "review")
        #expect(rendered.status == 0, "\(rendered.stderr)")
        let root = dir.appendingPathComponent("review")
        func file(_ path: String) throws -> (text: String, mode: Int?) {
            let url = root.appendingPathComponent(path)
            return (try String(contentsOf: url, encoding: .utf8), try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
        }
        let join = try file("cluster/win-0-vm/join.ps1")
        #expect(join.mode == 0o600)
        #expect(join.text.contains("-Token SENSITIVE.registration-token"))
        let cloudConfig = try file("rancher/rancher-0-vm/cloud-config.yaml")
        #expect(cloudConfig.mode == 0o644)
        #expect(cloudConfig.text.hasPrefix("#cloud-config\n"))
        #expect(try file("rancher/servers-secrets.sh").text.contains("SENSITIVE.rke2-token"))

        // With secrets in the state, --show-sensitive writes them (and warns); the default never does.
        _ = try await drover("apply", "--auto-approve")
        let state = try await FileStateStore(path: dir.appendingPathComponent("drover.state.json").path).load()
        let token = try #require(state.resources[ResourceAddress(type: "drover.secret", name: "rke2-token")]?.outputs["value"]?.stringValue)
        #expect(try await drover("render", "--out", "review").status == 0)
        #expect(!(try file("rancher/servers-secrets.sh").text.contains(token)))
        let shown = try await drover("render", "--out", "secret-review", "--show-sensitive")
        #expect(shown.stderr.contains("writes secrets"))
        #expect(try String(contentsOf: dir.appendingPathComponent("secret-review/rancher/servers-secrets.sh"), encoding: .utf8).contains(token))

        // An invalid spec writes nothing.
        try "profile: rancher-9\n".write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let refused = try await drover("render", "--spec", "bad.yaml", "--out", "nothing")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.yaml:1:10"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nothing").path))
    }
}

/// A newcomer without `~/.ssh/id_rsa.pub`: `drover init` makes a key pair for the cluster, so the README's first
/// command (`drover init && drover plan`) works on a fresh machine.
@Suite struct FirstRunKeyTests {
    @Test func initCreatesAnSSHKeyWhenTheDefaultIsMissingAndPlanPasses() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-firstrun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let drover = try DroverBinary(directory: dir)
        try FileManager.default.removeItem(at: dir.appendingPathComponent(".ssh"))

        let initialized = try await drover("init")
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(initialized.stdout.contains("created") && initialized.stdout.contains(".drover/ssh/id_ed25519"))
        let key = dir.appendingPathComponent(".drover/ssh/id_ed25519")
        #expect(try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? Int == 0o600)
        #expect(try String(contentsOfFile: dir.appendingPathComponent("drover.yaml").path, encoding: .utf8).contains(key.path + ".pub"))
        let plan = try await drover("plan")
        #expect(plan.status == 0, "\(plan.stderr)")
    }
}

import DroverBlueprint
import DroverEngine
import Foundation
import Testing

/// Preflight that catches what would fail later, reported once per cause.
@Suite struct PreflightTests {
    private func errors(_ diagnostics: [Diagnostic]) -> [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    @Test func flannelVXLANPortIsOpenedAsUDP() throws {
        let configuration = Blueprint(spec: .defaults(for: .current)).configuration()
        let nsg = try #require(configuration.resources[ResourceAddress(type: "azure.network_security_group", name: "k8s")])
        let rules = try #require(nsg.inputs["inboundRules"].flatMap { value -> [Value]? in
            if case .array(let items) = value { return items } else { return nil }
        })
        let rendered = rules.map(\.rendered)
        #expect(rendered.contains(#"{port = 4789, protocol = "Udp"}"#), "\(rendered)")
        #expect(!rendered.contains(#"{port = 4789, protocol = "Tcp"}"#))
        #expect(rendered.contains(#"{port = 22, protocol = "Tcp"}"#))
    }

    @Test func oneBadFirstAddressIsOneError() {
        let yaml = pools("    - {name: extra, roles: [worker], count: 2}", windows: "    - {name: win, os: windows, count: 1, firstAddress: 10.0.1.x}")
        let found = errors(diagnose(yaml))
        #expect(found.map(\.path) == ["cluster.nodePools[3].firstAddress"], "\(found.map(\.description))")
    }

    @Test func nodesOutOfRoomCollapseIntoOneError() throws {
        let yaml = "cluster:\n  nodePools:\n    - {name: etcd, roles: [etcd, controlplane], count: 1}\n    - {name: worker, roles: [worker], count: 300}\n"
        let found = errors(diagnose(yaml))
        let room = try #require(found.only)
        #expect(room.path == "cluster.nodePools[1]")
        #expect(room.message.contains("and 49 more nodes like it"), "\(room.message)")
    }

    @Test func windowsSoundingPoolWithoutOSIsWarned() {
        let diagnostics = diagnose(pools(windows: "    - {name: winpool, roles: [worker], count: 1}"))
        #expect(diagnostics.contains { $0.severity == .warning && $0.path == "cluster.nodePools[3].os" && $0.message.contains("Linux") })
        #expect(!diagnose(pools(windows: "    - {name: winpool, os: linux, roles: [worker], count: 1}")).contains { $0.path == "cluster.nodePools[3].os" })
    }

    @Test(arguments: [
        (nil as String?, "cannot be read: no such file", "ssh-keygen"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n", "private key", ".pub"),
        ("ssh-rsa not-base64!\n", "not an OpenSSH public key", ".pub"),
        (publicKey("ssh-ed25519").replacingOccurrences(of: "ssh-ed25519 ", with: "ssh-rsa "), "not an OpenSSH public key", ".pub"),
        (publicKey("ecdsa-sha2-nistp256"), "ecdsa-sha2-nistp256 key", "RSA"),
    ])
    func sshPublicKeyMustExistAndParse(key: String?, message: String, fix: String) throws {
        let found = try #require(errors(diagnose("", files: files(key: key))).only)
        #expect(found.path == "admin.sshPublicKeyPath")
        #expect(found.message.contains(message), "\(found.message)")
        #expect(found.fix?.contains(fix) == true, "\(found.fix ?? "")")
    }

    @Test func validPublicKeysPass() {
        #expect(errors(diagnose("", files: files(key: publicKey("ssh-rsa")))).isEmpty)
        #expect(errors(diagnose("", files: files(key: publicKey("ssh-ed25519")))).isEmpty)
    }

    @Test func oversizedSpecsAndPoolListsAreRefusedEarly() throws {
        let huge = String(repeating: "# padding\n", count: SpecLoader.maxBytes / 10 + 1)
        let size = try #require(SpecLoader().load(text: huge, file: "big.yaml").diagnostics.only)
        #expect(size.message.contains("more than the \(SpecLoader.maxBytes) allowed"))
        let many = "cluster:\n  nodePools:\n" + (0...SpecLoader.maxPools).map { "    - {name: p\($0), roles: [worker]}\n" }.joined()
        let loaded = SpecLoader().load(text: many, file: "many.yaml")
        #expect(loaded.diagnostics.only?.message == "\(SpecLoader.maxPools + 1) node pools; Drover builds at most \(SpecLoader.maxPools)")
    }

    @Test func duplicateKeyIsReportedAtTheRepeatWithTheFirst() throws {
        let loaded = SpecLoader().load(text: "cluster:\n  name: a\n  location: eastus\n  name: b\n", file: "drover.yaml")
        let error = try #require(loaded.diagnostics.only)
        #expect(error.location == "drover.yaml:4:3")
        #expect(error.message == "`name` is written twice in the same mapping (first at line 2, column 3)")
        #expect(!error.description.contains("location: eastus"))
    }

    @Test func unreadableSpecSaysWhy() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("fifo.yaml").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for (path, reason) in [(dir.path, "it is a directory"), (dir.appendingPathComponent("none.yaml").path, "no such file"), (fifo, "it is a named pipe (FIFO)")] {
            let error = try #require(SpecLoader().load(path: path).diagnostics.only)
            #expect(error.message.contains("cannot be read: \(reason)"), "\(error.message)")
            #expect(error.fix != nil)
        }
    }
}

extension Array {
    /// The single element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}

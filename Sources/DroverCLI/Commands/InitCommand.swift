import ArgumentParser
import DroverBlueprint
import DroverEngine
import DroverNodes
import Foundation

/// `drover init`: writes a commented starter spec.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Write a commented starter drover.yaml.")

    @Option(help: "Where to write the spec.") var spec = "drover.yaml"
    @Option(help: "current or rancher-2.3.") var profile = "current"
    @Flag(help: "Overwrite an existing file.") var force = false

    func run() async throws {
        guard let profile = Profile(rawValue: profile) else {
            throw ValidationError("--profile must be one of: \(Profile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if FileManager.default.fileExists(atPath: spec), !force {
            throw ValidationError("\(spec) already exists; pass --force to overwrite it")
        }
        try await Self.writeStarterSpec(to: spec, profile: profile)
        Console.out("Wrote \(spec) (profile \(profile.rawValue)). Next: `drover validate`, then `drover plan`.")
    }

    /// Writes the starter spec of `profile` to `spec`, with a new SSH key pair when the default key is missing.
    static func writeStarterSpec(to spec: String, profile: Profile) async throws {
        let key = try await sshKeyForNewSpec(ClusterSpec.defaults(for: profile).admin, spec: spec)
        try OutputFile.save(Data(StarterSpec.text(profile: profile, sshKey: key).utf8), to: spec, mode: 0o644)
    }

    /// The default key when it exists; otherwise a new Ed25519 key pair made with `ssh-keygen` in `.drover/ssh/` beside
    /// the spec (private key 0600), named in the spec and on screen. Nil leaves the default, whose absence
    /// `drover validate` explains, when `ssh-keygen` is not installed.
    private static func sshKeyForNewSpec(_ admin: AdminSettings, spec: String) async throws -> (publicKey: String, privateKey: String)? {
        guard !FileManager.default.fileExists(atPath: LocalFile.expandingHome(admin.sshPublicKeyPath)) else { return nil }
        let keygen = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        guard FileManager.default.isExecutableFile(atPath: keygen.path) else { return nil }
        let folder = URL(fileURLWithPath: spec).deletingLastPathComponent().appendingPathComponent(".drover/ssh")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let privateKey = folder.appendingPathComponent("id_ed25519")
        if !FileManager.default.fileExists(atPath: privateKey.path) {
            let made = try await ProcessRunner.run(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "drover", "-f", privateKey.path])
            guard made.status == 0 else {
                throw CodedError(code: "SSHKeyGenerationFailed", message: "ssh-keygen could not create \(privateKey.path): \(made.stderr)")
            }
        }
        Console.out("No SSH key at \(admin.sshPublicKeyPath): created \(privateKey.path) (and .pub) for this cluster's nodes.")
        return (privateKey.path + ".pub", privateKey.path)
    }
}

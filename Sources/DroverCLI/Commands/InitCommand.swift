import ArgumentParser
import DroverBlueprint
import Foundation

/// `drover init`: writes a commented starter spec.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Write a commented starter drover.yaml.")

    @Option(help: "Where to write the spec.") var spec = "drover.yaml"
    @Option(help: "current or rancher-2.3.") var profile = "current"
    @Flag(help: "Overwrite an existing file.") var force = false

    func run() throws {
        guard let profile = Profile(rawValue: profile) else {
            throw ValidationError("--profile must be one of: \(Profile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if FileManager.default.fileExists(atPath: spec), !force {
            throw ValidationError("\(spec) already exists; pass --force to overwrite it")
        }
        try OutputFile.save(Data(StarterSpec.text(profile: profile).utf8), to: spec, mode: 0o644)
        Console.out("Wrote \(spec) (profile \(profile.rawValue)). Next: `drover validate`, then `drover plan`.")
    }
}

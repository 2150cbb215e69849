import Foundation

/// Writes files the way a crash cannot half-write them: a temporary file in the same folder, then a rename; mode 0600.
public enum AtomicFile {
    /// Replaces `url` with `data`, readable and writable by the owner only.
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data,
                                             attributes: [.posixPermissions: 0o600]) else {
            throw SimulatorError.cannotWrite(path: temporary.path)
        }
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw SimulatorError.cannotWrite(path: url.path)
        }
    }
}

/// Failures of the simulator itself (not of a simulated service call).
public enum SimulatorError: Error, CustomStringConvertible, Equatable {
    /// A file in the simulator's folder could not be written.
    case cannotWrite(path: String)
    /// A file in the simulator's folder is not what the simulator wrote.
    case corruptState(path: String, reason: String)
    /// The bundled API definitions are missing or unreadable.
    case missingDefinition(path: String)
    /// A fault plan string could not be parsed.
    case invalidFaultPlan(spec: String, reason: String)
    /// The server did not start.
    case notStarted(reason: String)

    public var description: String {
        switch self {
        case .cannotWrite(let path): "cannot write \(path): check the folder exists and is writable"
        case .corruptState(let path, let reason): "\(path): \(reason); move the folder aside to start an empty world"
        case .missingDefinition(let path): "bundled API definition \(path) is missing; rebuild DroverSim"
        case .invalidFaultPlan(let spec, let reason):
            "fault plan '\(spec)': \(reason); valid: comma-separated 429=R,500=R,drop=R,fail=R with 0 <= R <= 1"
        case .notStarted(let reason): "simulator did not start: \(reason)"
        }
    }
}

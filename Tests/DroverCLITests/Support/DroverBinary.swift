import Foundation

/// Runs the built `drover` executable as a separate process, the way a user does.
struct DroverBinary {
    /// What one run printed and how it ended.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let executable: URL
    let directory: URL

    /// Finds `drover` beside the test bundle (SwiftPM builds it there with `swift build --build-tests`).
    init(directory: URL) throws {
        let buildFolder = Bundle.main.bundleURL.deletingLastPathComponent()
        var candidates = [buildFolder.appendingPathComponent("drover"), Bundle.main.bundleURL.appendingPathComponent("drover")]
        if let override = ProcessInfo.processInfo.environment["DROVER_BINARY"] {
            candidates.insert(URL(fileURLWithPath: override), at: 0)
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [
                NSLocalizedDescriptionKey: "no drover executable in \(candidates.map(\.path)); run `swift build --build-tests` first",
            ])
        }
        executable = found
        self.directory = directory
    }

    /// Runs `drover ARGUMENTS` in the directory with standard input from /dev/null (never a terminal).
    func callAsFunction(_ arguments: String...) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so neither fills up and blocks the child.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Run(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self))
    }
}

/// Data written by one thread and read by another.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Data?
    var isSet: Bool { lock.withLock { stored != nil } }
    var value: Data { lock.withLock { stored ?? Data() } }
    func set(_ data: Data) { lock.withLock { stored = data } }
}

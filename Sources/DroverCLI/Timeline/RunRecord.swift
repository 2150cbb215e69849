import DroverBlueprint
import DroverEngine
import Foundation

/// What one apply or destroy did, as `drover timeline` reads it: the resources with their stage and dependencies,
/// then every engine event with the clock time it was seen.
///
/// Kept as JSON lines (`.drover/runs/<id>.jsonl`, mode 0600) written as the run goes, so a run killed halfway still
/// leaves a readable record. Events arrive already scrubbed of secrets by the engine.
struct RunRecord: Sendable, Equatable {
    /// The first line: what ran and the shape of its graph.
    struct Header: Codable, Sendable, Equatable {
        var type = "run"
        /// `apply` or `destroy`.
        var command: String
        /// Wall-clock start, ISO 8601.
        var startedAt: String
        /// The resources of the configuration.
        var resources: [Resource]
    }

    /// One resource of the configuration.
    struct Resource: Codable, Sendable, Equatable {
        var address: String
        var stage: Int
        var dependsOn: [String]
    }

    /// One event and the seconds since the run started.
    struct Line: Codable, Sendable, Equatable {
        var type = "event"
        var t: Double
        var event: EngineEvent
    }

    var header: Header
    var lines: [Line]

    /// The header of a run of `configuration`.
    static func header(command: String, startedAt: Date, configuration: Configuration) -> Header {
        let resources = configuration.resources.values.sorted { $0.address < $1.address }.map { resource in
            Resource(
                address: resource.address.description, stage: PipelineStage(of: resource.address).rawValue,
                dependsOn: resource.dependencies.sorted().map(\.description))
        }
        return Header(command: command, startedAt: ISO8601DateFormatter().string(from: startedAt), resources: resources)
    }

    /// Reads a record; a torn last line (the run was killed while writing it) is ignored.
    /// - Throws: `CodedError` `RunRecordUnreadable` naming the file and line.
    static func read(_ url: URL) throws -> RunRecord {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw CodedError(code: "RunRecordUnreadable", message: "cannot read \(url.path): \(error.localizedDescription)", remediation: "run `drover apply` to record a run")
        }
        let rows = text.split(separator: "\n", omittingEmptySubsequences: true)
        let decoder = JSONDecoder()
        guard let first = rows.first, let header = try? decoder.decode(Header.self, from: Data(first.utf8)), header.type == "run" else {
            throw CodedError(code: "RunRecordUnreadable", message: "\(url.path):1: not a Drover run record", remediation: "pass a file under .drover/runs/")
        }
        var lines: [Line] = []
        for (index, row) in rows.dropFirst().enumerated() {
            do { lines.append(try decoder.decode(Line.self, from: Data(row.utf8))) } catch {
                if index == rows.count - 2 { break }  // the last line may be torn by a kill
                throw CodedError(code: "RunRecordUnreadable", message: "\(url.path):\(index + 2): \(error.localizedDescription)", remediation: "the file was edited or damaged; record a new run")
            }
        }
        return RunRecord(header: header, lines: lines)
    }

    /// The newest record under `directory`, if any.
    static func latest(in directory: URL) -> URL? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted().last.map { directory.appendingPathComponent($0) }
    }
}

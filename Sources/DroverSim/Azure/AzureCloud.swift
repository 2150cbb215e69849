import Foundation

/// The simulated cloud: one actor holding the world, answering the login, ARM and Graph listeners in turn.
actor AzureCloud {
    let configuration: AzureSimulatorConfiguration
    let library: DefinitionLibrary
    let log: RequestLog
    var world: AzureWorld
    /// Set by the simulator once the listeners are bound, for URLs in headers and documents.
    var urls = ServiceURLs(login: "", arm: "", graph: "")
    private let worldFile: URL
    private var requestCounter: UInt64 = 0

    struct ServiceURLs: Sendable {
        var login: String
        var arm: String
        var graph: String
    }

    init(configuration: AzureSimulatorConfiguration, library: DefinitionLibrary, log: RequestLog) throws {
        self.configuration = configuration
        self.library = library
        self.log = log
        worldFile = configuration.directory.appendingPathComponent("world.json")
        if let data = try? Data(contentsOf: worldFile) {
            do {
                world = try JSONDecoder.sim.decode(AzureWorld.self, from: data)
            } catch {
                throw SimulatorError.corruptState(path: worldFile.path, reason: "cannot decode the world (\(error))")
            }
        } else {
            world = AzureWorld.new(seed: configuration.seed, now: configuration.clock.now())
            try AtomicFile.write(try JSONEncoder.sim.encode(world), to: worldFile)
        }
    }

    func setURLs(_ urls: ServiceURLs) { self.urls = urls }

    var now: Date { configuration.clock.now() }

    /// Saves the world atomically (0600).
    func save() throws {
        try AtomicFile.write(try JSONEncoder.sim.encode(world), to: worldFile)
    }

    /// A new request id (`x-ms-request-id`, azure-api.md §3.1).
    func nextRequestID() -> String {
        requestCounter += 1
        var random = SeededGenerator(seed: requestCounter ^ 0xA11CE)
        return SimIDs.uuid(&random)
    }

    /// A fresh identifier from the world's generator.
    func newUUID() -> String {
        var random = SeededGenerator(seed: world.faultRandom.next())
        return SimIDs.uuid(&random)
    }

    /// Answers one request on `service` and records it in the request log.
    func handle(service: String, request: SimRequest) -> SimResponse {
        let settled = settle()
        var response: SimResponse
        switch service {
        case "login": response = handleLogin(request)
        case "graph": response = handleGraph(request)
        default: response = handleARM(request)
        }
        if response.header("x-ms-request-id") == nil { response.setHeader("x-ms-request-id", nextRequestID()) }
        log.record(service: service, request: request, response: response)
        // Reads change nothing worth a write but the read budget; everything else is saved before answering.
        if settled || !["GET", "HEAD"].contains(request.method) { try? save() }
        return response
    }

    /// Draws this request's injected fault from the seeded plan (issue 8: 429, 500, dropped connections).
    func drawFault() -> InjectedFault {
        let plan = configuration.faults
        guard plan.throttle + plan.serverError + plan.drop > 0 else { return .none }
        let roll = world.faultRandom.unit()
        if roll < plan.drop { return .drop }
        if roll < plan.drop + plan.throttle { return .throttle }
        if roll < plan.drop + plan.throttle + plan.serverError { return .serverError }
        return .none
    }

    /// The answer for this request's injected fault, or nil to process it (issue 8: 429, 5xx, dropped connections).
    func injectedFault(throttled: () -> SimResponse, serverError: () -> SimResponse) -> SimResponse? {
        switch drawFault() {
        case .drop:
            var dropped = SimResponse(status: 0)
            dropped.dropConnection = true
            return dropped
        case .throttle: return throttled()
        case .serverError: return serverError()
        case .none: return nil
        }
    }

    /// Whether a new long-running operation should end Failed.
    func drawOperationFailure() -> Bool {
        guard configuration.faults.failOperation > 0 else { return false }
        return world.faultRandom.unit() < configuration.faults.failOperation
    }

    /// A simulated duration in real seconds.
    func scaled(_ seconds: Double) -> TimeInterval { configuration.timeScale.scaled(seconds) }
}

extension JSONEncoder {
    static var sim: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601withFraction
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension JSONDecoder {
    static var sim: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601withFraction
        return decoder
    }
}

extension JSONEncoder.DateEncodingStrategy {
    static var iso8601withFraction: JSONEncoder.DateEncodingStrategy {
        .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(SimDates.format(date))
        }
    }
}

extension JSONDecoder.DateDecodingStrategy {
    static var iso8601withFraction: JSONDecoder.DateDecodingStrategy {
        .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = SimDates.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad date \(text)"))
            }
            return date
        }
    }
}

/// ISO 8601 with fractional seconds, as ARM and Graph write instants.
enum SimDates {
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

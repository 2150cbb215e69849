import Foundation

/// How often the simulator misbehaves on purpose; each rate is a probability per request in [0, 1].
/// Faults are drawn from a seeded generator, so the same seed and traffic give the same faults.
public struct FaultPlan: Sendable, Codable, Equatable {
    /// Share of requests answered 429 with `Retry-After` before they are processed.
    public var throttle: Double
    /// Share of requests answered 500 (`InternalServerError`) before they are processed.
    public var serverError: Double
    /// Share of requests whose connection is closed without an answer, before they are processed.
    public var drop: Double
    /// Share of long-running operations that end `Failed`.
    public var failOperation: Double

    /// Creates a plan.
    public init(throttle: Double = 0, serverError: Double = 0, drop: Double = 0, failOperation: Double = 0) {
        self.throttle = throttle
        self.serverError = serverError
        self.drop = drop
        self.failOperation = failOperation
    }

    /// No faults.
    public static let none = FaultPlan()

    /// Parses `429=0.05,500=0.1,drop=0.02,fail=0.01` (every key optional; `none` or empty = no faults).
    public init(parsing spec: String) throws {
        self.init()
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "none" { return }
        for item in trimmed.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let rate = Double(parts[1].hasSuffix("%") ? String(parts[1].dropLast()) : parts[1]) else {
                throw SimulatorError.invalidFaultPlan(spec: spec, reason: "'\(item)' is not KEY=RATE")
            }
            let value = parts[1].hasSuffix("%") ? rate / 100 : rate
            guard (0...1).contains(value) else {
                throw SimulatorError.invalidFaultPlan(spec: spec, reason: "rate \(parts[1]) is outside 0...1")
            }
            switch parts[0].lowercased() {
            case "429", "throttle": throttle = value
            case "500", "5xx", "error": serverError = value
            case "drop", "reset": drop = value
            case "fail", "failed": failOperation = value
            default: throw SimulatorError.invalidFaultPlan(spec: spec, reason: "unknown key '\(parts[0])'")
            }
        }
    }
}

/// What the fault plan decided for one request.
enum InjectedFault: Equatable {
    case none, throttle, serverError, drop
}

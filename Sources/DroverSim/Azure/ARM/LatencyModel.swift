import Foundation

/// How long each kind of operation takes in Azure seconds, before the time scale (issue 8: seconds for network
/// objects, about a minute for a Linux VM, several minutes for a Windows VM).
public struct LatencyModel: Sendable, Codable, Equatable {
    /// Seconds for one network object PUT or DELETE.
    public var network: Double = 6
    /// Seconds for a Linux VM to provision.
    public var linuxVM: Double = 60
    /// Seconds for a Windows VM to provision.
    public var windowsVM: Double = 300
    /// Seconds for a VM delete.
    public var vmDelete: Double = 40
    /// Seconds for a VM extension to run (Windows extensions take longer: script plus agent).
    public var linuxExtension: Double = 30
    public var windowsExtension: Double = 90
    /// Seconds for a resource-group delete (azure-api.md §4: 202 + Location).
    public var resourceGroupDelete: Double = 30
    /// Seconds before a new Graph principal is visible to role assignments (azure-api.md §8.4, §9).
    public var graphReplication: Double = 20
    /// Poll interval answered in `Retry-After`, at most (seconds).
    public var retryAfter: Double = 10

    /// Azure-like defaults.
    public init() {}
}

/// Per-subscription request budgets (azure-api.md §3.2: reads 12000, writes 1200, deletes 15000 per hour).
public struct ThrottleBudget: Sendable, Codable, Equatable {
    public var readsPerHour: Double = 12000
    public var writesPerHour: Double = 1200
    public var deletesPerHour: Double = 15000
    /// How full the write bucket is when the world is new: 1 for an idle subscription, 0 for one whose write budget
    /// other clients have just spent (benchmarks use it to make the budget the bottleneck from the first write).
    public var writesStartingFraction: Double = 1

    /// The documented budgets.
    public init() {}

    /// Custom budgets (tests use small ones).
    public init(readsPerHour: Double, writesPerHour: Double, deletesPerHour: Double, writesStartingFraction: Double = 1) {
        self.readsPerHour = readsPerHour
        self.writesPerHour = writesPerHour
        self.deletesPerHour = deletesPerHour
        self.writesStartingFraction = writesStartingFraction
    }
}

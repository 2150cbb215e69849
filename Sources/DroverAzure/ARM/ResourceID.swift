import DroverEngine

/// Pieces of an ARM resource id such as `/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/V`.
///
/// ARM may answer with other casing (`resourcegroups`), so keys are matched case-insensitively (azure-api.md §11.14).
public struct ResourceID: Sendable, Equatable {
    /// The id as given.
    public var id: String
    private var segments: [String]

    /// Parses an id.
    /// - Throws: `CodedError` `InvalidResourceId` when it does not start with `/subscriptions/`.
    public init(_ id: String) throws {
        let segments = id.split(separator: "/").map(String.init)
        guard segments.count >= 2, segments[0].lowercased() == "subscriptions" else {
            throw CodedError(code: "InvalidResourceId", message: "\"\(id)\" is not an Azure resource id (/subscriptions/…)", nothingApplied: true)
        }
        self.id = id
        self.segments = segments
    }

    /// The value following `key` (case-insensitive), such as `resourceGroups` → the group's name.
    public func value(after key: String) -> String? {
        guard let index = segments.firstIndex(where: { $0.lowercased() == key.lowercased() }), index + 1 < segments.count else { return nil }
        return segments[index + 1]
    }

    /// The resource group's name.
    public var resourceGroup: String? { value(after: "resourceGroups") }
    /// The last segment: the resource's own name.
    public var name: String { segments.last ?? "" }

    /// Whether two ids name the same resource (ARM ids are case-insensitive).
    public static func same(_ a: String?, _ b: String?) -> Bool { a?.lowercased() == b?.lowercased() }
}

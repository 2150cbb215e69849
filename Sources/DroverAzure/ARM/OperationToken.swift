import Foundation

/// What Drover records as the engine's resume token before waiting on an ARM long-running operation: which of the
/// three patterns it is, the URL to poll, and the resource it concerns (azure-api.md §2).
struct OperationToken: Codable, Sendable, Equatable {
    enum Pattern: String, Codable, Sendable {
        /// Poll the `Azure-AsyncOperation` URL until `status` is Succeeded, Failed or Canceled.
        case asyncOperation
        /// Poll the `Location` URL while it answers 202.
        case location
        /// No header: poll the resource until `properties.provisioningState` is terminal (a DELETE: until 404).
        case provisioningState
    }

    var pattern: Pattern
    /// The URL to poll (the resource's own for `provisioningState`).
    var url: String
    /// The resource path the operation works on.
    var resource: String
    /// `PUT`, `PATCH` or `DELETE`.
    var method: String

    var encoded: String { String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self) }

    /// The token recorded by an earlier run, when it is for this resource and method.
    static func resuming(_ text: String?, resource: String, method: String) -> OperationToken? {
        guard let text, let token = try? JSONDecoder().decode(OperationToken.self, from: Data(text.utf8)),
            token.resource.lowercased() == resource.lowercased(), token.method == method
        else { return nil }
        return token
    }
}

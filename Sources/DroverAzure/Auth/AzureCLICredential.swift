import DroverEngine
import DroverHTTP
import Foundation

/// The Azure CLI's login: `az account get-access-token --resource RESOURCE` (azure-api.md §1.2), reading `expires_on`
/// (POSIX seconds) because `expiresOn` is local time without a zone.
public struct AzureCLICredential: TokenCredential {
    let runner: any CommandRunner
    let tenantId: String?

    /// Creates the credential; `tenantId` is passed as `--tenant` when given.
    public init(runner: any CommandRunner = ProcessCommandRunner(), tenantId: String? = nil) {
        self.runner = runner
        self.tenantId = tenantId
    }

    public var name: String { "Azure CLI (az account get-access-token)" }

    public func token(scope: String, sleep: @escaping HTTPTransport.Sleeper) async throws -> AccessToken {
        let resource = scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) + "/" : scope
        var arguments = ["account", "get-access-token", "--resource", resource, "--output", "json"]
        if let tenantId { arguments += ["--tenant", tenantId] }
        let result: CommandResult
        do { result = try await runner.run("az", arguments) } catch {
            throw CredentialUnavailable("az could not be started: \(error)")
        }
        if result.status == 127 { throw CredentialUnavailable("az is not installed (not on PATH)") }
        guard result.status == 0 else {
            let reason = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            if reason.contains("az login") { throw CredentialUnavailable("not logged in (run `az login`)") }
            throw CodedError(
                code: "AzureCLIFailed", message: "az account get-access-token exited \(result.status): \(reason.prefix(400))",
                remediation: "run `az login` (and `az account set --subscription …`) and try again", nothingApplied: true)
        }
        return try Self.parse(result.stdout)
    }

    /// Reads the CLI's JSON: `accessToken` and `expires_on` (seconds since 1970, a number or a string).
    static func parse(_ stdout: String) throws -> AccessToken {
        struct Answer: Decodable {
            var accessToken: String
            var expiresOn: Double

            enum CodingKeys: String, CodingKey { case accessToken, expires_on }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                accessToken = try container.decode(String.self, forKey: .accessToken)
                if let number = try? container.decode(Double.self, forKey: .expires_on) {
                    expiresOn = number
                } else if let text = try? container.decode(String.self, forKey: .expires_on), let number = Double(text) {
                    expiresOn = number
                } else {
                    throw DecodingError.keyNotFound(CodingKeys.expires_on, .init(codingPath: [], debugDescription: "expires_on is missing; az 2.54 or newer prints it"))
                }
            }
        }
        do {
            let answer = try JSONDecoder().decode(Answer.self, from: Data(stdout.utf8))
            return AccessToken(token: answer.accessToken, expiresOn: Date(timeIntervalSince1970: answer.expiresOn))
        } catch {
            throw CodedError(
                code: "AzureCLIOutputInvalid", message: "az account get-access-token printed no usable token: \(error)",
                remediation: "update the Azure CLI (az upgrade)", nothingApplied: true)
        }
    }

    /// The CLI's default subscription id (`az account show --query id --output tsv`), or nil when none.
    public func defaultSubscription() async -> String? {
        guard let result = try? await runner.run("az", ["account", "show", "--query", "id", "--output", "tsv"]), result.status == 0 else { return nil }
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty ? nil : id
    }
}

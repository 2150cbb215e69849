import Crypto
import Foundation
import Hummingbird
import Logging
import SwiftASN1
import X509

/// A tiny token service for `docker-registry`'s `auth: token` (distribution `docs/spec/auth/token.md` and
/// `jwt.md`): `GET /token?service=…&scope=repository:NAME:ACTIONS` with basic auth answers `{"token": JWT}`, an
/// ES256 JWT whose `x5c` header carries a self-signed certificate the registry trusts through `rootcertbundle`.
struct LocalTokenServer: Sendable {
    static let issuer = "drover-test-issuer"
    static let service = "drover-test-registry"

    /// The signing key's raw bytes (the key type itself is not Sendable).
    let keyBytes: Data
    let certificate: Certificate
    let user: String
    let password: String

    /// Creates the signing key and its certificate.
    init(user: String, password: String) throws {
        self.user = user
        self.password = password
        let key = P256.Signing.PrivateKey()
        keyBytes = key.rawRepresentation
        let name = try DistinguishedName { CommonName("drover test token signer") }
        certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: Date().addingTimeInterval(-300), notValidAfter: Date().addingTimeInterval(3600), issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil)) },
            issuerPrivateKey: .init(key))
    }

    /// The PEM the registry's `rootcertbundle` names.
    func rootPEM() throws -> String { try certificate.serializeAsPEM().pemString }

    /// A signed token granting `actions` on each of `repositories`.
    func token(repositories: [String], actions: [String]) throws -> String {
        var der = DER.Serializer()
        try der.serialize(certificate)
        let header: [String: Any] = ["alg": "ES256", "typ": "JWT", "x5c": [Data(der.serializedBytes).base64EncodedString()]]
        let now = Int(Date().timeIntervalSince1970)
        let claims: [String: Any] = [
            "iss": Self.issuer, "sub": user, "aud": Self.service, "exp": now + 600, "nbf": now - 60, "iat": now,
            "jti": UUID().uuidString, "access": repositories.map { ["type": "repository", "name": $0, "actions": actions] },
        ]
        let signingInput = try [header, claims].map { Self.base64URL(try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys])) }.joined(separator: ".")
        let signature = try P256.Signing.PrivateKey(rawRepresentation: keyBytes).signature(for: Data(signingInput.utf8)).rawRepresentation
        return signingInput + "." + Self.base64URL(signature)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Serves `/token` on 127.0.0.1 until cancelled; grants pull on the requested scope to the right basic credential.
    func run(onStarted: @escaping @Sendable (Int) async -> Void) async throws {
        let router = Router()
        let expected = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        router.get("/token") { request, _ -> Response in
            guard request.headers[.authorization] == expected else { return Response(status: .unauthorized) }
            let scope = request.uri.queryParameters["scope"].map(String.init) ?? ""
            let parts = scope.split(separator: ":")
            guard parts.count == 3, parts[0] == "repository" else { return Response(status: .badRequest) }
            let token = try self.token(repositories: [String(parts[1])], actions: ["pull"])
            let body = try JSONSerialization.data(withJSONObject: ["token": token])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        var logger = Logger(label: "token-server")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { await onStarted($0.localAddress?.port ?? 0) }, logger: logger)
        try await app.runService(gracefulShutdownSignals: [])
    }
}

import DroverEngine
import Testing

/// What counts as a secret inside a sensitive value: the whole string when the value is one, only the long strings
/// when it is an object (a join request holds a token beside a role name).
@Suite struct SecretSetTests {
    @Test func aSecretObjectsOrdinaryFieldsAreNotScrubbedFromMessages() {
        var secrets = SecretSet()
        secrets.insert(contentsOf: ["role": "worker", "os": "linux", "token": "k7x2q9m4p8w3z6r1t5y0v2b4n8c3"])
        let scrubbed = secrets.scrub("worker-0 joins as worker with k7x2q9m4p8w3z6r1t5y0v2b4n8c3")
        #expect(scrubbed == "worker-0 joins as worker with (sensitive)")
    }

    @Test func aSecretStringIsScrubbedFromItsMinimumLength() {
        var secrets = SecretSet()
        secrets.insert(contentsOf: "hunter")
        secrets.insert(contentsOf: "short")
        #expect(secrets.scrub("password hunter, word short") == "password (sensitive), word short")
    }
}

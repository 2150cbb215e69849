import DroverEngine
import DroverHTTP
import DroverHTTPTestSupport
import Foundation
import Testing

@Suite struct TransportRetryTests {
    let ca: TestCertificateAuthority
    init() throws { ca = try TestCertificateAuthority() }

    func url(_ port: Int, _ path: String = "/thing") -> URL { URL(string: "https://localhost:\(port)\(path)")! }

    @Test func idempotentRequestIsRetriedAfter503HonouringRetryAfter() async throws {
        let counter = Counter()
        let sleeper = RecordingSleeper()
        try await withServer(ca: ca, respond: { _ in
            counter.next() < 3 ? .json(503, ["error": ["code": "ServerBusy", "message": "later"]], headers: [("Retry-After", "7")]) : .json(200, ["ok": true])
        }) { server, transport in
            let response = try await transport.send(HTTPRequest(method: "PUT", url: url(server.port), body: Data("{}".utf8)), sleep: sleeper.sleeper)
            #expect(response.status == 200)
            #expect(server.requests.count == 3)
            #expect(sleeper.delays == [7, 7])
        }
    }

    @Test func throttlingWithoutRetryAfterBacksOffExponentially() async throws {
        let counter = Counter()
        let sleeper = RecordingSleeper()
        try await withServer(ca: ca, respond: { _ in counter.next() < 4 ? .empty(429) : .empty(204) }) { server, transport in
            _ = try await transport.send(HTTPRequest(method: "GET", url: url(server.port)), sleep: sleeper.sleeper)
            // random() = 0.5: three quarters of 1, 2, 4 seconds.
            #expect(sleeper.delays == [0.75, 1.5, 3])
        }
    }

    @Test func nonIdempotentPostIsNotRetried() async throws {
        let sleeper = RecordingSleeper()
        try await withServer(ca: ca, respond: { _ in .json(503, ["error": ["code": "ServerBusy", "message": "later"]]) }) { server, transport in
            let error = await #expect(throws: CodedError.self) {
                _ = try await transport.send(HTTPRequest(method: "POST", url: url(server.port), body: Data("{}".utf8)), sleep: sleeper.sleeper)
            }
            #expect(error?.code == "ServerBusy")
            #expect(error?.status == 503)
            #expect(error?.retryable == true)
            #expect(server.requests.count == 1)
            #expect(sleeper.delays.isEmpty)
        }
    }

    // A 429 was not processed at all (azure-api.md §3.2), so even a POST may be sent again after Retry-After.
    @Test func throttledPostIsRetriedBecauseNothingWasProcessed() async throws {
        let counter = Counter()
        let sleeper = RecordingSleeper()
        try await withServer(ca: ca, respond: { _ in counter.next() == 1 ? .empty(429, headers: [("Retry-After", "4")]) : .json(201, ["id": "x"]) }) { server, transport in
            let response = try await transport.send(HTTPRequest(method: "POST", url: url(server.port), body: Data("{}".utf8)), sleep: sleeper.sleeper)
            #expect(response.status == 201)
            #expect(server.requests.count == 2)
            #expect(sleeper.delays == [4])
        }
    }

    @Test func droppedConnectionIsRetriedForIdempotentRequests() async throws {
        let counter = Counter()
        try await withServer(ca: ca, respond: { _ in counter.next() == 1 ? .drop : .json(200, ["ok": true]) }) { server, transport in
            let response = try await transport.send(HTTPRequest(method: "GET", url: url(server.port)), sleep: RecordingSleeper().sleeper)
            #expect(response.status == 200)
            #expect(server.requests.count == 2)
        }
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        try await withServer(ca: ca, configure: { config, _, _ in config.retry.maxAttempts = 3 }, respond: { _ in .empty(500) }) { server, transport in
            await #expect(throws: CodedError.self) {
                _ = try await transport.send(HTTPRequest(method: "DELETE", url: url(server.port)), sleep: RecordingSleeper().sleeper)
            }
            #expect(server.requests.count == 3)
        }
    }

    @Test(arguments: [
        ("120", 120.0), ("0", 0.0), (" 5 ", 5.0), ("soon", nil),
    ] as [(String, Double?)])
    func retryAfterSeconds(value: String, expected: Double?) {
        #expect(RetryPolicy.retryAfterSeconds(value) == expected)
    }

    @Test func retryAfterAsHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let later = "Tue, 14 Nov 2023 22:13:40 GMT"  // now + 20 s
        #expect(RetryPolicy.retryAfterSeconds(later, now: now) == 20)
    }

    @Test func backoffIsCappedAndJittered() {
        let low = RetryPolicy(baseDelay: 1, maxDelay: 30, random: { 0 })
        let high = RetryPolicy(baseDelay: 1, maxDelay: 30, random: { 0.999 })
        #expect(low.delay(afterAttempt: 10, retryAfter: nil) == 15)
        #expect(high.delay(afterAttempt: 10, retryAfter: nil) < 30)
        #expect(low.delay(afterAttempt: 1, retryAfter: 42) == 42)
    }
}

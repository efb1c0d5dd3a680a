import Foundation
import FuseAPI
import FuseMock
import Synchronization
import XCTest

final class FuseClientTests: XCTestCase {
    let email = "ops@example.com"
    let key = "k3y-不-secret"

    func simulator(_ tweak: (inout FuseSimulator.Configuration) -> Void = { _ in }) -> FuseSimulator {
        var c = FuseSimulator.Configuration()
        c.speed = 0  // a still clock: the calls' states are fixed
        c.calls = 3000
        c.email = email
        c.key = key
        tweak(&c)
        return FuseSimulator(c)
    }

    func serve(_ sim: FuseSimulator) throws -> MockHTTPServer {
        let stats = ServerStats()
        return try MockHTTPServer(stats: stats) { sim.respond($0, stats: stats) }
    }

    func client(_ server: MockHTTPServer, key: String? = nil, _ tweak: (inout FuseClient.Configuration) -> Void = { _ in }) throws -> FuseClient {
        var c = FuseClient.Configuration(
            endpoint: try FuseEndpoint(server.baseURL + "/api"), credentials: .basic(email: email, developerKey: key ?? self.key))
        c.retry = RetryPolicy(retries: 5, baseDelay: .milliseconds(10), maxDelay: .milliseconds(100))
        tweak(&c)
        return FuseClient(c)
    }

    func fetchAll(_ client: FuseClient, _ ids: [String]) -> ([String: FetchResult], FetchSummary) {
        var results: [String: FetchResult] = [:]
        let summary = client.fetch(ids) { r in
            XCTAssertNil(results[r.callID], "delivered once: \(r.callID)")
            results[r.callID] = r
        }
        return (results, summary)
    }

    func testEveryOutcomeClass() throws {
        let sim = simulator()
        let server = try serve(sim)
        defer { server.shutdown() }
        let (results, summary) = fetchAll(try client(server), ["call-0000001", "call-9999999", "nope"])
        guard case .found(let s) = results["call-0000001"]?.outcome else { return XCTFail("found expected") }
        XCTAssertEqual(s.phoneNumber?.count, 10)
        guard case .notFound(let message) = results["call-9999999"]?.outcome else { return XCTFail("404 expected") }
        XCTAssertEqual(message, "No outbound call was found by that id.")
        guard case .notFound = results["nope"]?.outcome else { return XCTFail("404 expected") }
        XCTAssertEqual(summary.requests, 3)

        let foreign = simulator { $0.forbiddenRate = 1 }
        let foreignServer = try serve(foreign)
        defer { foreignServer.shutdown() }
        guard case .forbidden = fetchAll(try client(foreignServer), ["call-0000002"]).0["call-0000002"]?.outcome else {
            return XCTFail("403 expected")
        }

        let failing = simulator { $0.errorRate = 1 }
        let failingServer = try serve(failing)
        defer { failingServer.shutdown() }
        let (failed, failedSummary) = fetchAll(try client(failingServer) { $0.retry.retries = 2 }, ["call-0000003"])
        guard case .failed(let f) = failed["call-0000003"]?.outcome else { return XCTFail("failure expected") }
        XCTAssertEqual(f.httpStatus, 500)
        XCTAssertTrue(f.reason.contains("A database error occurred"), f.reason)
        XCTAssertEqual(failedSummary.requests, 3, "1 try + 2 retries")
        XCTAssertEqual(failed["call-0000003"]?.requests, 3)
    }

    func testOther4xxIsNotRetried() throws {
        let server = try MockHTTPServer { _ in MockResponse(status: 418, contentType: "application/json", text: #"{"error":"I'm a teapot"}"#) }
        defer { server.shutdown() }
        let (results, summary) = fetchAll(try client(server), ["x"])
        guard case .failed(let f) = results["x"]?.outcome else { return XCTFail() }
        XCTAssertEqual(f.httpStatus, 418)
        XCTAssertEqual(f.reason, "HTTP 418: I'm a teapot")
        XCTAssertEqual(summary.requests, 1)
    }

    func testMalformedThenGoodBodyIsRetriedToSuccess() throws {
        let seen = Mutex([String: Int]())
        let server = try MockHTTPServer { request in
            let path = String(request.path)
            let n = seen.withLock {
                $0[path, default: 0] += 1
                return $0[path]!
            }
            if n == 1 { return MockResponse(status: 503, contentType: "text/plain", text: "busy") }
            if n == 2 { return MockResponse(status: 200, contentType: "application/json", text: #"{"call_details": {"sta"#) }
            return MockResponse(status: 200, contentType: "application/json", text: #"{"call_details": {"status": "queued"}}"#)
        }
        defer { server.shutdown() }
        let (results, summary) = fetchAll(try client(server), ["a", "b"])
        for id in ["a", "b"] {
            guard case .found(let s) = results[id]?.outcome else { return XCTFail("\(id) should succeed on its third try") }
            XCTAssertEqual(s.status, "queued")
            XCTAssertEqual(results[id]?.requests, 3)
        }
        XCTAssertEqual(summary.requests, 6)
    }

    func testRetryAfterIsWaited() throws {
        let seen = Mutex(0)
        let server = try MockHTTPServer { _ in
            if seen.withLock({
                $0 += 1
                return $0
            }) == 1 {
                return MockResponse(status: 429, headers: [("Retry-After", "1")], body: Array(#"{"error":"slow down"}"#.utf8))
            }
            return MockResponse(status: 200, contentType: "application/json", text: #"{"call_details": {"status": "completed"}}"#)
        }
        defer { server.shutdown() }
        let start = ContinuousClock.now
        let (results, _) = fetchAll(try client(server), ["only"])
        let elapsed = ContinuousClock.now - start
        guard case .found = results["only"]?.outcome else { return XCTFail() }
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(980), "Retry-After: 1 was honoured")
        XCTAssertLessThan(elapsed, .seconds(3))
    }

    func testUnauthorizedStopsAtOnce() throws {
        let sim = simulator { $0.latencyMilliseconds = 5 }
        let server = try serve(sim)
        defer { server.shutdown() }
        let ids = (1...500).map { String(format: "call-%07d", $0) }
        let (results, summary) = fetchAll(try client(server, key: "wrong") { $0.concurrency = 4 }, ids)
        XCTAssertTrue(summary.stoppedByUnauthorized)
        XCTAssertEqual(results.count, 1, "only the id that met the 401 is delivered")
        guard case .unauthorized(let message)? = results.values.first?.outcome else { return XCTFail() }
        XCTAssertTrue(message.contains("Invalid credentials"), message)
        XCTAssertLessThanOrEqual(server.stats.snapshot.requests, 4, "no request starts after the 401")
    }

    func testInFlightNeverExceedsConcurrency() throws {
        let sim = simulator { $0.latencyMilliseconds = 20 }
        let server = try serve(sim)
        defer { server.shutdown() }
        let ids = (1...300).map { String(format: "call-%07d", $0) }
        let (results, _) = fetchAll(try client(server) { $0.concurrency = 5 }, ids)
        XCTAssertEqual(results.count, 300)
        XCTAssertEqual(server.stats.snapshot.maxInFlight, 5)
    }

    func testRateCapHoldsInEveryOneSecondWindow() throws {
        let arrivals = Mutex([ContinuousClock.Instant]())
        let server = try MockHTTPServer { _ in
            arrivals.withLock { $0.append(.now) }
            return MockResponse(status: 200, contentType: "application/json", text: #"{"call_details": {"status": "completed"}}"#)
        }
        defer { server.shutdown() }
        let start = ContinuousClock.now
        let (results, _) = fetchAll(
            try client(server) {
                $0.concurrency = 16
                $0.ratePerSecond = 20
            }, (1...50).map { "id\($0)" })
        let elapsed = ContinuousClock.now - start
        XCTAssertEqual(results.count, 50)
        XCTAssertGreaterThanOrEqual(elapsed, .seconds(2), "50 requests at 20/s need two full windows after the first")
        let times = arrivals.withLock { $0 }.sorted()
        // Arrival times can bunch by a few ms against start times; allow 30 ms of jitter.
        for (i, t) in times.enumerated() {
            let inWindow = times[i...].prefix { $0 - t < .milliseconds(970) }.count
            XCTAssertLessThanOrEqual(inWindow, 20, "more than 20 requests within one second from arrival \(i)")
        }
        // Even pacing: no burst of the whole second's budget at its start.
        XCTAssertLessThanOrEqual(times.prefix { $0 - times[0] < .milliseconds(100) }.count, 3, "starts are spaced 1/R apart")
    }

    func testAwkwardIDsAreEncodedAndFetched() throws {
        let server = try MockHTTPServer { request in
            let raw = request.path.dropFirst("/api/outbound/".count)
            let id = String(raw).removingPercentEncoding ?? "?"
            let escaped = id.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return MockResponse(
                status: 200, contentType: "application/json", text: "{\"call_details\": {\"status\": \"queued\", \"phone_number\": \"\(escaped)\"}}")
        }
        defer { server.shutdown() }
        let ids = ["with space", "ünïcødé-日本", "a+b", "c:d", "e@f", "semi;colon", "quote\"d", "back\\slash"]
        let (results, _) = fetchAll(try client(server), ids)
        for id in ids {
            guard case .found(let s) = results[id]?.outcome else { return XCTFail(id) }
            XCTAssertEqual(s.phoneNumber, id, "the server saw exactly this id")
        }
    }

    func testTwoThousandIDsWithFaultsAllEndDefinitely() throws {
        let sim = simulator {
            $0.errorRate = 0.04
            $0.rateLimitRate = 0.02
            $0.retryAfterSeconds = 0
            $0.malformedRate = 0.02
            $0.dropRate = 0.02
        }
        let server = try serve(sim)
        defer { server.shutdown() }
        let ids = (1...2000).map { String(format: "call-%07d", $0) }
        let (results, summary) = fetchAll(
            try client(server) {
                $0.concurrency = 16
                $0.retry.retries = 8
            }, ids)
        XCTAssertEqual(results.count, 2000)
        let found = results.values.filter { if case .found = $0.outcome { true } else { false } }.count
        XCTAssertEqual(found, 2000, "with 8 retries every id gets through 10% faults")
        XCTAssertGreaterThan(summary.requests, 2000, "faults were injected and retried")
        XCTAssertEqual(summary.abandoned, 0)
    }

    func testBudgetStopsStartingNewRequests() throws {
        let server = try serve(simulator())
        defer { server.shutdown() }
        let ids = (1...100).map { String(format: "call-%07d", $0) }
        let (results, summary) = fetchAll(
            try client(server) {
                $0.maxRequests = 30
                $0.concurrency = 4
            }, ids)
        XCTAssertEqual(summary.requests, 30)
        XCTAssertEqual(results.count, 30)
        XCTAssertTrue(summary.budgetExhausted)
    }

    func testUnreachableServerIsMarked() throws {
        let probe = try MockHTTPServer { _ in MockResponse(status: 200) }
        let port = probe.port
        probe.shutdown()
        var c = FuseClient.Configuration(
            endpoint: try FuseEndpoint("http://127.0.0.1:\(port)/api"), credentials: .basic(email: email, developerKey: key))
        c.retry = RetryPolicy(retries: 1, baseDelay: .milliseconds(5), maxDelay: .milliseconds(10))
        let (results, summary) = fetchAll(FuseClient(c), ["a"])
        guard case .failed(let f) = results["a"]?.outcome else { return XCTFail() }
        XCTAssertTrue(f.unreachable)
        XCTAssertNil(f.httpStatus)
        XCTAssertEqual(summary.answered, 0)
    }
}

import Curl
import Foundation
import XCTest

@testable import FuseAPI

/// The circuit breaker inside the fetch state machine, on a fake clock.
final class OutageBreakerTests: XCTestCase {
    let t0 = ContinuousClock.now
    var now: ContinuousClock.Instant!
    let refused = Result<CurlResponse, CurlError>.failure(CurlError(kind: .connectionRefused, code: 7, message: "Couldn't connect to server"))

    func makeRun(_ count: Int, concurrency: Int = 4, giveUpAfter: Duration? = .seconds(30)) throws -> FetchRun {
        var c = FuseClient.Configuration(endpoint: try FuseEndpoint("http://127.0.0.1:1/api"), credentials: .basic(email: "a@b.c", developerKey: "k"))
        c.retry = RetryPolicy(retries: 4, baseDelay: .milliseconds(500), maxDelay: .seconds(30), maxRetryAfter: .seconds(300))
        c.concurrency = concurrency
        c.giveUpAfter = giveUpAfter
        now = t0
        var queue = (1...count).map { "id\($0)" }[...]
        return FetchRun(
            configuration: c, ids: { queue.popFirst().map(IDSupply.id) ?? .end }, clock: { [unowned self] in now }, random: { $0.upperBound })
    }

    func response(_ status: Int, headers: [String: String] = [:]) -> Result<CurlResponse, CurlError> {
        .success(CurlResponse(status: status, headers: headers, body: Array(#"{"call_details": {"status": "completed"}}"#.utf8)))
    }

    /// Starts every request the run will start now; returns their slots.
    func startAll(_ run: inout FetchRun) -> [Int] {
        var slots: [Int] = []
        while case .start(let slot, _) = run.pull(now: now) { slots.append(slot) }
        return slots
    }

    func testAStreakAcrossDifferentIdsOpensTheBreakerProbesBackOffAndTheRunGivesUp() throws {
        var run = try makeRun(100, concurrency: 4)
        // 2 × concurrency = 8 different ids failing in a row open it.
        var failedIDs = 0
        while !run.breaker.isOpen {
            let slots = startAll(&run)
            XCTAssertFalse(slots.isEmpty, "the run keeps starting until the breaker opens")
            for slot in slots where !run.breaker.isOpen {
                XCTAssertNil(run.complete(slot: slot, result: refused, now: now))
                failedIDs += 1
            }
            now += .milliseconds(100)
        }
        XCTAssertEqual(run.breaker.tripAt, 8)
        XCTAssertEqual(failedIDs, 8, "opened at the 8th failure")
        let requestsAtOpen = run.summary.requests
        // Open: nothing starts before the first probe, 1 s later.
        guard case .wait(let until) = run.pull(now: now) else { return XCTFail("waits for the probe") }
        XCTAssertEqual(until - now, .seconds(1) - .milliseconds(100))
        // Probes, one at a time, 1, 2, 4, 8, 8 … s apart, until the streak is 30 s old.
        var probes = 0
        while run.breaker.gaveUp == nil {
            guard case .wait(let gate) = run.pull(now: now) else { return XCTFail("a probe waits its turn") }
            now = gate
            guard case .start(let slot, _) = run.pull(now: now) else { return XCTFail("the probe starts") }
            guard case .idle = run.pull(now: now) else { return XCTFail("one probe at a time") }
            probes += 1
            _ = run.complete(slot: slot, result: refused, now: now)
        }
        XCTAssertEqual(probes, 6, "at 1, 3, 7, 15, 23 and 31 s")
        XCTAssertEqual(run.summary.requests, requestsAtOpen + 6)
        guard case .idle = run.pull(now: now) else { return XCTFail("nothing starts after giving up") }
        let cut = run.finish()
        let outage = try XCTUnwrap(run.summary.outage)
        XCTAssertEqual(outage.failures, 8 + 6)
        XCTAssertEqual(outage.kinds, [APIOutage.Kind(kind: "connection refused", count: 14)])
        XCTAssertEqual(outage.description, "14 consecutive failed requests (connection refused ×14) across 8 ids")
        XCTAssertGreaterThanOrEqual(now - outage.since, .seconds(30))
        XCTAssertEqual(cut.count, 8, "the ids waiting for a retry are failed, with the reason")
        guard case .failed(let f) = cut[0].outcome else { return XCTFail() }
        XCTAssertTrue(f.reason.hasSuffix("not retried: the API looked down and the run gave up (--give-up-after)"), f.reason)
    }

    func testAProbeAnsweredClosesTheBreakerAndTheRunGoesOn() throws {
        var run = try makeRun(100, concurrency: 4)
        for slot in startAll(&run) { _ = run.complete(slot: slot, result: refused, now: now) }
        for slot in startAll(&run) { _ = run.complete(slot: slot, result: refused, now: now) }
        XCTAssertTrue(run.breaker.isOpen)
        now += .seconds(1)
        guard case .start(let probe, _) = run.pull(now: now) else { return XCTFail("the probe") }
        now += .seconds(2)  // a blip of 3 s: the API is back
        XCTAssertNotNil(run.complete(slot: probe, result: response(200), now: now))
        XCTAssertFalse(run.breaker.isOpen)
        XCTAssertEqual(startAll(&run).count, 8, "the run goes on: the retries due and new ids, 2 × concurrency held")
        XCTAssertNil(run.breaker.gaveUp)
    }

    func testThrottlingAndOneBadIdAreNotAnOutage() throws {
        var run = try makeRun(100, concurrency: 4)
        for _ in 0..<5 {
            for slot in startAll(&run) { _ = run.complete(slot: slot, result: response(429, headers: ["Retry-After": "1"]), now: now) }
            now += .seconds(1)
        }
        XCTAssertFalse(run.breaker.isOpen, "429 is the API answering")
        XCTAssertEqual(run.breaker.streakFailures, 0)

        var one = try makeRun(1, concurrency: 4)
        for _ in 0..<5 {
            for slot in startAll(&one) { _ = one.complete(slot: slot, result: response(503), now: now) }
            now += .seconds(60)
        }
        XCTAssertFalse(one.breaker.isOpen, "one id's retries are its own business")
        XCTAssertEqual(one.summary.requests, 5)
    }

    func testWhenEveryIdLeftFailsTheBreakerOpensEvenBelowTheStreak() throws {
        var run = try makeRun(2, concurrency: 8)
        let slots = startAll(&run)
        XCTAssertEqual(slots.count, 2)
        guard case .idle = run.pull(now: now) else { return XCTFail() }
        for slot in slots { _ = run.complete(slot: slot, result: .failure(CurlError(kind: .timeout, code: 28, message: "timed out")), now: now) }
        XCTAssertTrue(run.breaker.isOpen, "2 of 2 ids timed out")
        // Every id is read: nothing new to hold back, so both retry on their own
        // backoff (0.5 s here), as they would without the breaker — never longer.
        now += .milliseconds(500)
        XCTAssertEqual(startAll(&run).count, 2, "not one probe at a time")
    }

    func testGiveUpAfterZeroTurnsTheBreakerOff() throws {
        var run = try makeRun(100, concurrency: 4, giveUpAfter: .zero)
        for _ in 0..<3 {
            for slot in startAll(&run) { _ = run.complete(slot: slot, result: refused, now: now) }
            now += .seconds(40)
        }
        XCTAssertFalse(run.breaker.isOpen)
    }
}

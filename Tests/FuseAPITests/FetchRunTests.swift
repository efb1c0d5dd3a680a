import Curl
import Foundation
import XCTest

@testable import FuseAPI

/// The fetch state machine on a fake clock: no sockets, no sleeps.
final class FetchRunTests: XCTestCase {
    let t0 = ContinuousClock.now
    var now: ContinuousClock.Instant!

    func makeRun(_ ids: [String], configure: (inout FuseClient.Configuration) -> Void = { _ in }) throws -> FetchRun {
        var c = FuseClient.Configuration(endpoint: try FuseEndpoint("http://127.0.0.1:1/api"), credentials: .basic(email: "a@b.c", developerKey: "k"))
        c.retry = RetryPolicy(retries: 2, baseDelay: .seconds(1), maxDelay: .seconds(8), maxRetryAfter: .seconds(60))
        configure(&c)
        now = t0
        var queue = ids[...]
        return FetchRun(
            configuration: c, ids: { queue.popFirst().map(IDSupply.id) ?? .end }, clock: { [unowned self] in now },
            random: { $0.upperBound })  // the ceiling: jitter made exact
    }

    func started(_ pull: CurlMulti<Int>.Pull) -> (slot: Int, url: String)? {
        if case .start(let slot, let request) = pull { return (slot, request.url) }
        return nil
    }

    func response(_ status: Int, _ body: String = #"{"call_details": {"status": "completed"}}"#, headers: [String: String] = [:]) -> Result<
        CurlResponse, CurlError
    > {
        .success(CurlResponse(status: status, headers: headers, body: Array(body.utf8)))
    }

    func testADrainStartsNothingMoreLetsTheInFlightFinishThenGivesUpAfterTheGrace() throws {
        var run = try makeRun(["a", "b", "c", "d"]) {
            $0.concurrency = 2
            $0.drainGrace = .seconds(5)
        }
        let a = try XCTUnwrap(started(run.pull(now: now)))
        let b = try XCTUnwrap(started(run.pull(now: now)))
        XCTAssertNil(run.complete(slot: b.slot, result: response(500), now: now), "b waits for a retry")
        run.drain(now: now)
        XCTAssertTrue(run.summary.interrupted)
        guard case .idle = run.pull(now: now) else { return XCTFail("no new id, no retry after a drain") }
        // What was in flight is still delivered.
        let done = try XCTUnwrap(run.complete(slot: a.slot, result: response(200), now: now))
        XCTAssertEqual(done.callID, "a")
        XCTAssertFalse(run.graceOver(now: now + .seconds(4)))
        XCTAssertTrue(run.graceOver(now: now + .seconds(5)))
        XCTAssertTrue(run.finish().isEmpty, "after a drain nothing more is reported")
        XCTAssertEqual(run.summary.abandoned, 1, "b's retry was abandoned; c and d never started")
        XCTAssertEqual(run.summary.requests, 2)
    }

    func testAnAnswerThatIsNotTheAPIsStopsTheRunAtOnce() throws {
        var run = try makeRun(["a", "b", "c"]) { $0.concurrency = 3 }
        let a = try XCTUnwrap(started(run.pull(now: now)))
        let b = try XCTUnwrap(started(run.pull(now: now)))
        let page = "<html><head><title>404 Not Found</title></head><body>nginx</body></html>"
        let result = try XCTUnwrap(run.complete(slot: a.slot, result: response(404, page, headers: ["content-type": "text/html"]), now: now))
        guard case .misconfigured(let message) = result.outcome else { return XCTFail("\(result.outcome)") }
        XCTAssertEqual(message, #"HTTP 404 with an HTML page (text/html): "404 Not Found", not the API's error document"#)
        XCTAssertTrue(run.summary.stoppedAtOnce)
        guard case .idle = run.pull(now: now) else { return XCTFail("nothing more starts") }
        XCTAssertNil(
            run.complete(slot: b.slot, result: response(404, #"{"error": "No outbound call was found by that id."}"#), now: now),
            "nothing more is reported, not even a real 404")
    }

    func testTheAPIsOwn404sAreAnswersAndOtherBodiesAreNot() {
        let json = Array(#"{"error":"No outbound call was found by that id."}"#.utf8)
        let xml = Array("<?xml version=\"1.0\"?>\n<result><error>No outbound call was found by that id.</error></result>".utf8)
        XCTAssertNil(ForeignAnswer.problem(status: 404, contentType: "application/json", body: json))
        XCTAssertNil(ForeignAnswer.problem(status: 404, contentType: "text/html", body: xml), "judged by the body")
        XCTAssertEqual(ForeignAnswer.problem(status: 404, contentType: nil, body: []), "HTTP 404 with an empty body, not the API's error document")
        XCTAssertEqual(
            ForeignAnswer.problem(status: 404, contentType: "text/plain", body: Array("Not Found".utf8)),
            #"HTTP 404 with a body (text/plain): "Not Found", not the API's error document"#)
        XCTAssertNotNil(
            ForeignAnswer.problem(status: 404, contentType: nil, body: Array(#"{"message": "nope"}"#.utf8)), "JSON without an error field")
        XCTAssertNotNil(ForeignAnswer.problem(status: 200, contentType: "application/json", body: Array("\n <!DOCTYPE html><html>".utf8)))
        XCTAssertNil(ForeignAnswer.problem(status: 200, contentType: "text/html", body: Array(#"{"call_details": {}}"#.utf8)))
        XCTAssertEqual(
            ForeignAnswer.problem(status: 302, contentType: "text/html", body: [], location: "https://sso.example.com/login"),
            "HTTP 302, a redirect to https://sso.example.com/login, which callhist never follows")
        XCTAssertEqual(
            ForeignAnswer.problem(status: 301, contentType: nil, body: []),
            "HTTP 301, a redirect to nowhere (no Location header), which callhist never follows")
        XCTAssertNil(ForeignAnswer.problem(status: 500, contentType: "text/html", body: Array("<html>".utf8)), "a 5xx page is retried as before")
    }

    func testA500IsRetriedAfterTheBackoffCeilingThenGivenUp() throws {
        var run = try makeRun(["a"])
        let first = try XCTUnwrap(started(run.pull(now: now)))
        XCTAssertTrue(first.url.hasSuffix("/outbound/a"))
        XCTAssertNil(run.complete(slot: first.slot, result: response(500, #"{"error": "db"}"#), now: now))
        // Full jitter drawn at its ceiling: 1 s before retry 1.
        guard case .wait(let until) = run.pull(now: now) else { return XCTFail("a retry waits") }
        XCTAssertEqual(until - t0, .seconds(1))
        now = t0 + .seconds(1)
        let second = try XCTUnwrap(started(run.pull(now: now)))
        XCTAssertEqual(second.slot, first.slot, "the same id again")
        XCTAssertNil(run.complete(slot: second.slot, result: response(503), now: now))
        guard case .wait(let until2) = run.pull(now: now) else { return XCTFail() }
        XCTAssertEqual(until2 - now, .seconds(2), "doubles")
        now = until2
        let third = try XCTUnwrap(started(run.pull(now: now)))
        let result = try XCTUnwrap(run.complete(slot: third.slot, result: response(500), now: now))
        guard case .failed(let failure) = result.outcome else { return XCTFail("\(result.outcome)") }
        XCTAssertEqual(failure.httpStatus, 500)
        XCTAssertEqual(result.requests, 3, "1 try + 2 retries")
        XCTAssertEqual(run.summary.requests, 3)
    }

    func testRetryAfterIsHonouredForThatIDOnly() throws {
        var run = try makeRun(["slow", "fast"]) { $0.concurrency = 1 }
        let slow = try XCTUnwrap(started(run.pull(now: now)))
        XCTAssertNil(run.complete(slot: slow.slot, result: response(429, headers: ["retry-after": "7"]), now: now))
        // The waiting retry holds its place, but the next id starts at once.
        let fast = try XCTUnwrap(started(run.pull(now: now)))
        XCTAssertTrue(fast.url.hasSuffix("/fast"))
        XCTAssertNotNil(run.complete(slot: fast.slot, result: response(200), now: now))
        guard case .wait(let until) = run.pull(now: now) else { return XCTFail() }
        XCTAssertEqual(until - t0, .seconds(7))
        let capped = try makeRun(["x"])
        var c = capped
        let s = try XCTUnwrap(started(c.pull(now: now)))
        let day = try XCTUnwrap(c.complete(slot: s.slot, result: response(503, headers: ["retry-after": "86400"]), now: now))
        guard case .deferred(let wait) = day.outcome else { return XCTFail("a day is past maxRetryAfter: the next run's") }
        XCTAssertEqual(wait, .seconds(86400))
        guard case .idle = c.pull(now: now) else { return XCTFail("nothing is held") }
    }

    func testRequestBudgetEndsTheRunWithIDsLeft() throws {
        var run = try makeRun(["a", "b", "c", "d", "e"]) {
            $0.maxRequests = 3
            $0.concurrency = 8
        }
        var slots: [Int] = []
        while let s = started(run.pull(now: now)) { slots.append(s.slot) }
        XCTAssertEqual(slots.count, 3)
        guard case .idle = run.pull(now: now) else { return XCTFail("the budget is spent") }
        XCTAssertTrue(run.summary.budgetExhausted)
        for slot in slots { XCTAssertNotNil(run.complete(slot: slot, result: response(200), now: now)) }
        XCTAssertTrue(run.finish().isEmpty)
        XCTAssertEqual(run.summary.delivered, 3)
        XCTAssertEqual(run.summary.abandoned, 0)
    }

    func testDeadlineBudgetOnTheInjectedClock() throws {
        var run = try makeRun(["a", "b"]) {
            $0.deadline = self.t0 + .seconds(10)
            $0.concurrency = 1
        }
        let a = try XCTUnwrap(started(run.pull(now: now)))
        XCTAssertNotNil(run.complete(slot: a.slot, result: response(200), now: now))
        now = t0 + .seconds(11)
        guard case .idle = run.pull(now: now) else { return XCTFail("past the deadline nothing starts") }
        XCTAssertTrue(run.summary.budgetExhausted)
    }

    func testARetryTheDeadlineCutsOffIsAFailureNotWorkLeftOver() throws {
        var run = try makeRun(["hung", "next"]) {
            $0.deadline = self.t0 + .seconds(10)
            $0.concurrency = 1
        }
        let first = try XCTUnwrap(started(run.pull(now: now)))
        now = t0 + .seconds(5)
        XCTAssertNil(
            run.complete(
                slot: first.slot, result: .failure(CurlError(kind: .timeout, code: 28, message: "Operation timed out after 5000 milliseconds")),
                now: now),
            "a timeout is retried")
        now = t0 + .seconds(10)
        guard case .idle = run.pull(now: now) else { return XCTFail("past the deadline nothing starts") }
        XCTAssertTrue(run.summary.budgetExhausted)
        let cut = run.finish()
        XCTAssertEqual(cut.map(\.callID), ["hung"])
        guard case .failed(let failure) = try XCTUnwrap(cut.first).outcome else { return XCTFail("\(cut)") }
        XCTAssertEqual(
            failure.reason, "Operation timed out after 5000 milliseconds; not retried: the run's budget (--max-runtime or --max-requests) ended first"
        )
        XCTAssertEqual(run.summary.delivered, 1)
        XCTAssertEqual(run.summary.abandoned, 0, "'next' never started: left over, not abandoned")
    }

    /// At the deadline, transfers in flight are cancelled: a retry in flight
    /// is a failure (its last attempt failed), a first attempt is left over.
    func testTheDeadlineCancelsWhatIsInFlight() throws {
        var run = try makeRun(["retrying", "first"]) {
            $0.deadline = self.t0 + .seconds(10)
            $0.concurrency = 2
        }
        let a = try XCTUnwrap(started(run.pull(now: now)))
        XCTAssertNil(run.complete(slot: a.slot, result: .failure(CurlError(kind: .timeout, code: 28, message: "timed out")), now: now))
        now = t0 + .seconds(2)
        XCTAssertFalse(run.cutAtDeadline(now: now), "not yet")
        let b = try XCTUnwrap(started(run.pull(now: now)))
        let again = try XCTUnwrap(started(run.pull(now: now)), "the retry is in flight too")
        XCTAssertEqual(Set([b.slot, again.slot]).count, 2)
        now = t0 + .seconds(10)
        XCTAssertTrue(run.cutAtDeadline(now: now), "cancelled at the deadline, not a timeout later")
        let cut = run.finish()
        XCTAssertEqual(cut.map(\.callID), ["retrying"])
        XCTAssertEqual(run.summary.abandoned, 1, "'first' is left for the next run")
        XCTAssertTrue(run.summary.budgetExhausted)
    }

    /// `Retry-After` is honoured up to 300 s per id and 30 min per run; an
    /// id asked to wait longer is left for the next run, not held.
    func testARetryAfterPastItsCapsLeavesTheIDForTheNextRun() throws {
        var run = try makeRun(["huge", "twice", "other"]) {
            $0.concurrency = 3
            $0.retry = RetryPolicy(retries: 4, baseDelay: .seconds(1), maxDelay: .seconds(8), maxRetryAfter: .seconds(300))
            $0.retry.maxRetryAfterPerRun = .seconds(400)
        }
        let huge = try XCTUnwrap(started(run.pull(now: now)))
        let twice = try XCTUnwrap(started(run.pull(now: now)))
        let other = try XCTUnwrap(started(run.pull(now: now)))
        let deferred = try XCTUnwrap(run.complete(slot: huge.slot, result: response(429, headers: ["retry-after": "999999999"]), now: now))
        guard case .deferred(let wait) = deferred.outcome else { return XCTFail("\(deferred.outcome)") }
        XCTAssertEqual(wait, .seconds(999_999_999))
        XCTAssertNil(run.complete(slot: twice.slot, result: response(429, headers: ["retry-after": "200"]), now: now), "200 s is waited")
        XCTAssertEqual(run.summary.retryAfterWaited, .seconds(200))
        now += .seconds(200)
        let retry = try XCTUnwrap(started(run.pull(now: now)))
        let second = try XCTUnwrap(run.complete(slot: retry.slot, result: response(429, headers: ["retry-after": "200"]), now: now))
        guard case .deferred = second.outcome else { return XCTFail("200 + 200 s is past the id's 300 s") }
        // The run's cap: 400 s, 200 of them spent.
        let third = try XCTUnwrap(run.complete(slot: other.slot, result: response(503, headers: ["retry-after": "250"]), now: now))
        guard case .deferred = third.outcome else { return XCTFail("200 + 250 s is past the run's 400 s") }
    }

    func testA401StopsEverythingAndReportsNothingAfterIt() throws {
        var run = try makeRun(["a", "b", "c"]) { $0.concurrency = 3 }
        let a = try XCTUnwrap(started(run.pull(now: now)))
        let b = try XCTUnwrap(started(run.pull(now: now)))
        let r = try XCTUnwrap(run.complete(slot: a.slot, result: response(401, #"{"error": "bad key"}"#), now: now))
        guard case .unauthorized(let message) = r.outcome else { return XCTFail() }
        XCTAssertEqual(message, "bad key")
        XCTAssertNil(run.complete(slot: b.slot, result: response(200), now: now), "finished in the same instant: abandoned")
        guard case .idle = run.pull(now: now) else { return XCTFail() }
        XCTAssertTrue(run.summary.stoppedByUnauthorized)
    }

    func testAnIDSupplyThatIsNotReadyKeepsTheRunPolling() throws {
        var c = FuseClient.Configuration(endpoint: try FuseEndpoint("http://127.0.0.1:1/api"), credentials: .basic(email: "a@b.c", developerKey: "k"))
        c.concurrency = 2
        var answers: [IDSupply] = [.notYet, .id("late"), .end]
        var run = FetchRun(configuration: c, ids: { answers.removeFirst() }, clock: { ContinuousClock.now }, random: { $0.lowerBound })
        let t = ContinuousClock.now
        guard case .wait(let until) = run.pull(now: t) else { return XCTFail("not yet: ask again soon") }
        XCTAssertEqual(until - t, FetchRun.supplyPoll)
        XCTAssertTrue(try XCTUnwrap(started(run.pull(now: t))).url.hasSuffix("/late"))
        guard case .idle = run.pull(now: t) else { return XCTFail("the supply ended") }
    }
}

final class RetryPolicyTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_000_000)  // Wed, 18 Nov 2026 11:06:40 GMT

    func testEveryRetryAfterForm() {
        XCTAssertEqual(RetryPolicy.parseRetryAfter("120", now: now), .seconds(120))
        XCTAssertEqual(RetryPolicy.parseRetryAfter(" 5 ", now: now), .seconds(5))
        XCTAssertEqual(RetryPolicy.parseRetryAfter("-3", now: now), .seconds(0), "never negative")
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wed, 18 Nov 2026 11:07:10 GMT", now: now), .seconds(30), "IMF-fixdate")
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wednesday, 18-Nov-26 11:07:40 GMT", now: now), .seconds(60), "RFC 850")
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wed Nov 18 11:08:40 2026", now: now), .seconds(120), "asctime")
        XCTAssertEqual(RetryPolicy.parseRetryAfter("Wed, 18 Nov 2026 10:00:00 GMT", now: now), .seconds(0), "a date in the past: now")
        XCTAssertNil(RetryPolicy.parseRetryAfter(nil, now: now))
        XCTAssertNil(RetryPolicy.parseRetryAfter("", now: now))
        XCTAssertNil(RetryPolicy.parseRetryAfter("soon", now: now))
        XCTAssertNil(RetryPolicy.parseRetryAfter("1.5", now: now))
    }

    func testFullJitterUnderAnExponentialCeiling() {
        let p = RetryPolicy(retries: 5, baseDelay: .milliseconds(500), maxDelay: .seconds(30))
        XCTAssertEqual(
            (1...8).map { p.delay(beforeRetry: $0, retryAfter: nil) { $0.upperBound } },
            [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
        XCTAssertEqual(p.delay(beforeRetry: 3, retryAfter: nil) { $0.lowerBound }, .zero)
        XCTAssertEqual(p.delay(beforeRetry: 1, retryAfter: .seconds(9)) { _ in 1 }, .seconds(9))
        XCTAssertEqual(p.delay(beforeRetry: 1, retryAfter: .seconds(9999)) { _ in 1 }, .seconds(300))
        XCTAssertEqual(p.delay(beforeRetry: 10_000, retryAfter: nil) { $0.upperBound }, .seconds(30), "no shift overflow")
    }
}

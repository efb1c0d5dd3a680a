import XCTest

@testable import FuseAPI

/// The pacing rule on a fake clock: start whenever the limiter allows, and
/// count what any one-second window holds.
final class RateLimiterTests: XCTestCase {
    /// Start times of `count` requests started as early as the limiter allows,
    /// each start landing `lag` after the instant it was allowed.
    func starts(rate: Double, count: Int, lag: Duration = .zero) -> [Duration] {
        var limiter = RateLimiter(perSecond: rate)
        let origin = ContinuousClock.now
        var now = origin
        var out: [Duration] = []
        for _ in 0..<count {
            if let gate = limiter.earliestStart(), gate > now { now = gate }
            now += lag
            limiter.recordStart(at: now)
            out.append(now - origin)
        }
        return out
    }

    func mostInAnySecond(_ times: [Duration]) -> Int {
        times.indices.map { i in times[i...].prefix { $0 - times[i] < .seconds(1) }.count }.max() ?? 0
    }

    func testAnyOneSecondWindowHoldsAtMostRPlusOne() {
        for rate in [0.5, 1, 3, 20, 20.5, 1000] {
            let times = starts(rate: rate, count: 200)
            XCTAssertLessThanOrEqual(mostInAnySecond(times), Int(rate.rounded(.down)) + 1, "rate \(rate)")
        }
        // Exactly R in a window that starts at a request (the gap is 1/R, rounded up).
        XCTAssertEqual(mostInAnySecond(starts(rate: 20, count: 100)), 20)
    }

    func testStartsAreEvenlySpacedNotBurst() {
        let times = starts(rate: 20, count: 21)
        XCTAssertEqual(times.prefix { $0 < .milliseconds(100) }.count, 2, "0 ms and 50 ms, not 20 at once")
        XCTAssertEqual(times[20], .milliseconds(1000))
    }

    func testALateStartEarnsNoCatchUpBurst() {
        let times = starts(rate: 10, count: 30, lag: .milliseconds(30))
        for (a, b) in zip(times, times.dropFirst()) { XCTAssertGreaterThanOrEqual(b - a, .milliseconds(100)) }
    }

    func testExtremeRatesAreClampedNotTrappedOn() {
        XCTAssertEqual(RateLimiter(perSecond: 1e9).interval, .nanoseconds(1))
        XCTAssertEqual(RateLimiter(perSecond: .infinity).interval, .nanoseconds(1), "unbounded input is clamped, not trapped on")
        XCTAssertEqual(RateLimiter(perSecond: 1e-300).interval, .seconds(86_400), "at least one start a day")
        XCTAssertEqual(RateLimiter(perSecond: .nan).interval, .nanoseconds(1))
    }
}

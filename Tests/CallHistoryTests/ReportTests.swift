@testable import ArchiveCore
@testable import ArchiveSQLite
@testable import CallHistory
import FuseAPI
import SQLite
import TestSupport
import XCTest

/// Reports over hand-built archives, against values computed by hand.
final class ReportTests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: Connection!

    override func setUp() async throws {
        dir = try TemporaryDirectory()
        db = try ArchiveFile.openForWriting(dir.path("r.sqlite"))
    }

    /// Inserts one call as the archive would hold it, with events (name, timestamp) in list order.
    func call(_ id: String, _ status: String?, attempts: Int? = 1, max: Int? = 1, queued: Int64? = 1_000_000, duration: Int? = nil,
              phone: String = "6170000000", events: [(String, Int64)] = []) throws {
        // One transaction: a call and its snapshot reference each other (deferred keys).
        try db.transaction { try insert(id, status, attempts, max, queued, duration, phone, events) }
    }

    private func insert(_ id: String, _ status: String?, _ attempts: Int?, _ max: Int?, _ queued: Int64?, _ duration: Int?,
                        _ phone: String, _ events: [(String, Int64)]) throws {
        var snapshot: Int64?
        if status != nil {
            try db.prepare("INSERT INTO call_snapshots (call_id, body_sha256, format, body, first_seen_at, last_seen_at) VALUES (?, ?, 'json', '{}', 0, 0)").run([id, id])
            snapshot = db.lastInsertRowID
        }
        try db.prepare("""
            INSERT INTO calls (call_id, status, attempts, max_attempts, queued_timestamp, duration, phone_number, snapshot_id, is_final, first_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
            """).run([id, status, attempts, max, queued, duration, phone, snapshot, status.map { ["completed", "failed", "canceled", "rejected"].contains($0) } ?? false])
        for (seq, e) in events.enumerated() {
            try db.prepare("INSERT INTO call_events VALUES (?, ?, ?, ?)").run([id, seq, e.0, e.1])
        }
        // As the store derives it when it writes a call.
        let derived = CallStore.eventDuration(events.map { CallStatus.Event(event: $0.0, timestamp: $0.1) })
        try db.prepare("UPDATE calls SET event_duration = ? WHERE call_id = ?").run([derived, id])
    }

    func testEmptyArchiveHasNullRatesAndNoDivisionByZero() throws {
        let r = try CallArchive(connection: db).summary(CallFilter())
        XCTAssertEqual(r.calls, 0)
        XCTAssertNil(r.completionRate)
        XCTAssertNil(r.firstAttemptCompletionRate)
        XCTAssertNil(r.meanAttempts)
        XCTAssertEqual(r.duration.count, 0)
        XCTAssertNil(r.duration.p50)
        XCTAssertNil(r.duration.mean)
        XCTAssertEqual(try CallArchive(connection: db).daily(CallFilter(), by: .day, utc: true), [])
        XCTAssertEqual(try CallArchive(connection: db).durations(CallFilter()).buckets.map(\.count), [0, 0, 0, 0, 0, 0, 0, 0])
    }

    func testSummaryByHand() throws {
        // 4 final (2 completed), 2 pending (one with a status nobody documented), 1 never fetched.
        try call("a", "completed", attempts: 1, max: 2, duration: 30)
        try call("b", "completed", attempts: 2, max: 2, duration: 90)
        try call("c", "failed", attempts: 2, max: 2)
        try call("d", "canceled", attempts: 0, max: 3)
        try call("e", "dialing")
        try call("f", "voicemail")
        try call("g", nil, attempts: nil, max: nil, queued: nil)
        let r = try CallArchive(connection: db).summary(CallFilter())
        XCTAssertEqual(r.calls, 6, "the never-fetched id is not counted")
        XCTAssertEqual(r.final, 4)
        XCTAssertEqual(r.pending, 2, "an unknown status is pending")
        XCTAssertEqual(r.byStatus, ["completed": 2, "failed": 1, "canceled": 1, "dialing": 1, "voicemail": 1])
        XCTAssertEqual(r.completionRate, 0.5)
        XCTAssertEqual(r.meanAttempts, 1.25)           // (1 + 2 + 2 + 0) / 4
        XCTAssertEqual(r.attemptsDistribution, ["0": 1, "1": 1, "2": 2])
        XCTAssertEqual(r.firstAttemptCompletionRate, 0.25)  // a only, of 4 final
        XCTAssertEqual(r.exhausted, 1)                  // c: failed with 2 of 2
        XCTAssertEqual(r.duration.count, 2)
        XCTAssertEqual(r.duration.mean, 60)
        XCTAssertEqual(r.duration.p50, 30)              // rank ceil(0.5 × 2) = 1
        XCTAssertEqual(r.duration.p90, 90)              // rank ceil(1.8) = 2
        XCTAssertEqual(r.duration.max, 90)
    }

    func testPercentilesOfOneValueAndNearestRank() throws {
        try call("only", "completed", duration: 42)
        let one = try CallArchive(connection: db).summary(CallFilter()).duration
        XCTAssertEqual([one.p50, one.p90, one.p95, one.max], [42, 42, 42, 42])
        for (i, v) in [15, 20, 35, 40, 50, 60, 70, 80, 90, 100].enumerated() { try call("n\(i)", "completed", queued: 2_000_000, duration: v) }
        let ten = try CallArchive(connection: db).summary(CallFilter(since: 2_000_000)).duration
        XCTAssertEqual(ten.p50, 50)   // rank 5
        XCTAssertEqual(ten.p90, 90)   // rank 9
        XCTAssertEqual(ten.p95, 100)  // rank ceil(9.5) = 10
        XCTAssertEqual(ten.p99, 100)
    }

    func testDurationFromEventsWhenAbsentEvenOutOfOrder() throws {
        // The API's list is out of time order; duration comes from connected (40) to the disconnected after it (100).
        try call("x", "completed", duration: nil, events: [("disconnected", 100), ("queued", 10), ("connected", 40), ("dialing", 20)])
        try call("y", "completed", duration: nil, events: [("queued", 10)])  // unknown: no connected event
        let d = try CallArchive(connection: db).summary(CallFilter()).duration
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d.max, 60)
        let h = try CallArchive(connection: db).durations(CallFilter())
        XCTAssertEqual(h.unknown, 1)
        XCTAssertEqual(h.buckets.first { $0.from == 60 }?.count, 1)
        let c = try XCTUnwrap(try CallArchive(connection: db).call("x"))
        XCTAssertEqual(c.events.map(\.event), ["queued", "dialing", "connected", "disconnected"], "timeline in time order")
        XCTAssertEqual(c.events.map(\.sincePrevious), [nil, 10, 20, 60])
        XCTAssertEqual(c.ringTime, 20)
        XCTAssertEqual(c.talkTime, 60)
    }

    func testSinceIsInclusiveUntilIsExclusive() throws {
        try call("before", "completed", queued: 999, duration: 1)
        try call("at-since", "completed", queued: 1000, duration: 2)
        try call("inside", "failed", queued: 1500)
        try call("at-until", "completed", queued: 2000, duration: 4)
        let r = try CallArchive(connection: db).summary(CallFilter(since: 1000, until: 2000))
        XCTAssertEqual(r.calls, 2)
        XCTAssertEqual(r.completed, 1)
        XCTAssertEqual(r.duration.max, 2)
    }

    func testDailyBucketsAndFilters() throws {
        let day: Int64 = 1_795_000_000 - 1_795_000_000 % 86_400  // a UTC midnight
        try call("d1a", "completed", queued: day + 10, duration: 10)
        try call("d1b", "failed", queued: day + 20)
        try call("d2a", "completed", queued: day + 86_400 + 5, duration: 30, phone: "6179999999")
        try call("d2b", "queued", queued: day + 86_400 + 6)
        let rows = try CallArchive(connection: db).daily(CallFilter(), by: .day, utc: true)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].calls, 2)
        XCTAssertEqual(rows[0].completionRate, 0.5)
        XCTAssertEqual(rows[0].meanDuration, 10)
        XCTAssertEqual(rows[1].final, 1)
        XCTAssertEqual(rows[1].completionRate, 1)
        XCTAssertEqual(try CallArchive(connection: db).daily(CallFilter(phone: "'6179999999'"), by: .day, utc: true).map(\.calls), [1])
        XCTAssertEqual(try CallArchive(connection: db).daily(CallFilter(status: "completed"), by: .month, utc: true).map(\.calls), [2])
    }

    func testTimeFilterUsesTheQueuedIndex() throws {
        let plan = try db.prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM (\(ReportSQL.base(CallFilter(since: 1, until: 2)).sql)) c")
            .map([1, 2]) { $0.string(3) }.joined(separator: "; ")
        XCTAssertTrue(plan.contains("SEARCH c USING") && plan.contains("INDEX"), plan)
        XCTAssertFalse(plan.contains("SCAN c"), plan)
    }

    func testAttemptsAndPending() throws {
        try call("a", "completed", attempts: 1, max: 3)
        try call("b", "failed", attempts: 3, max: 3)
        try call("c", "completed", attempts: 3, max: 3)
        try call("p", "queued", queued: 500)
        try call("u", nil, attempts: nil, max: nil, queued: nil)
        let a = try CallArchive(connection: db).attempts(CallFilter())
        XCTAssertEqual(a.byAttempts.map { [$0.attempts, Int64($0.final), Int64($0.completed), Int64($0.exhausted)] }, [[1, 1, 1, 0], [3, 2, 1, 1]])
        XCTAssertEqual(a.byMaxAttempts.first?.completionRate ?? 0, 2.0 / 3.0, accuracy: 1e-12)
        let p = try CallArchive(connection: db).pending(CallFilter(), limit: 0)
        XCTAssertEqual(p.pending, 1)
        XCTAssertEqual(p.unfetched, 1)
        XCTAssertEqual(p.rows.map(\.callID), ["u", "p"], "oldest first (the unfetched id was first seen at 0)")
    }
}

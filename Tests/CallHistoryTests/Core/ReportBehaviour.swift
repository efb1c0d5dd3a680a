import Foundation
import FuseAPI
import XCTest

@testable import ArchiveCore

/// The reports over hand-built archives, against values computed by hand
/// (docs/reports.md). One body for both backends.
struct ReportBehaviour {
    let f: CoreFixture

    /// Inserts one call as the archive would hold it, with events (name, timestamp) in list order.
    func call(
        _ id: String, _ status: String?, attempts: Int? = 1, max: Int? = 1, queued: Int64? = 1_000_000, duration: Int? = nil,
        phone: String = "6170000000", events: [(String, Int64)] = []
    ) throws {
        // One transaction: a call and its snapshot reference each other (deferred keys).
        try f.sql.transaction {
            var snapshot: Int64?
            if status != nil {
                snapshot = try f.sql.first(
                    """
                    INSERT INTO call_snapshots (call_id, body_sha256, format, body, first_seen_at, last_seen_at) VALUES (?, ?, 'json', ?, 0, 0)
                    RETURNING snapshot_id
                    """, [.text(id), .text(id), .blob(Data("{}".utf8))]
                ) { $0.int64(0) }
            }
            let final = status.map { ["completed", "failed", "canceled", "rejected"].contains($0) } ?? false
            try f.sql.run(
                """
                INSERT INTO calls (call_id, status, attempts, max_attempts, queued_timestamp, duration, phone_number, snapshot_id, is_final, first_seen_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
                """,
                [
                    .text(id), value(status), value(attempts), value(max), value(queued), value(duration), .text(phone), value(snapshot),
                    .integer(final ? 1 : 0),
                ])
            for (seq, e) in events.enumerated() {
                try f.sql.run(
                    "INSERT INTO call_events (call_id, seq, event, timestamp) VALUES (?, ?, ?, ?)",
                    [.text(id), .integer(Int64(seq)), .text(e.0), .integer(e.1)])
            }
            // As the store derives it when it writes a call.
            let derived = CallStore.eventDuration(events.map { CallStatus.Event(event: $0.0, timestamp: $0.1) })
            try f.sql.run("UPDATE calls SET event_duration = ? WHERE call_id = ?", [value(derived), .text(id)])
        }
    }

    func emptyArchiveHasNullRatesAndNoDivisionByZero() throws {
        let r = try f.archive.summary(CallFilter())
        XCTAssertEqual(r.calls, 0)
        XCTAssertNil(r.completionRate)
        XCTAssertNil(r.firstAttemptCompletionRate)
        XCTAssertNil(r.meanAttempts)
        XCTAssertEqual(r.duration.count, 0)
        XCTAssertNil(r.duration.p50)
        XCTAssertNil(r.duration.mean)
        XCTAssertEqual(try f.archive.daily(CallFilter(), by: .day, utc: true), [])
        XCTAssertEqual(try f.archive.durations(CallFilter()).buckets.map(\.count), [0, 0, 0, 0, 0, 0, 0, 0])
    }

    func summaryByHand() throws {
        // 4 final (2 completed), 2 pending (one with a status nobody documented), 1 never fetched.
        try call("a", "completed", attempts: 1, max: 2, duration: 30)
        try call("b", "completed", attempts: 2, max: 2, duration: 90)
        try call("c", "failed", attempts: 2, max: 2)
        try call("d", "canceled", attempts: 0, max: 3)
        try call("e", "dialing")
        try call("f", "voicemail")
        try call("g", nil, attempts: nil, max: nil, queued: nil)
        let r = try f.archive.summary(CallFilter())
        XCTAssertEqual(r.calls, 6, "the never-fetched id is not counted")
        XCTAssertEqual(r.final, 4)
        XCTAssertEqual(r.pending, 2, "an unknown status is pending")
        XCTAssertEqual(r.byStatus, ["completed": 2, "failed": 1, "canceled": 1, "dialing": 1, "voicemail": 1])
        XCTAssertEqual(r.completionRate, 0.5)
        XCTAssertEqual(r.meanAttempts, 1.25)  // (1 + 2 + 2 + 0) / 4
        XCTAssertEqual(r.attemptsDistribution, ["0": 1, "1": 1, "2": 2])
        XCTAssertEqual(r.firstAttemptCompletionRate, 0.25)  // a only, of 4 final
        XCTAssertEqual(r.exhausted, 1)  // c: failed with 2 of 2
        XCTAssertEqual(r.duration.count, 2)
        XCTAssertEqual(r.duration.mean, 60)
        XCTAssertEqual(r.duration.p50, 30)  // rank ceil(0.5 × 2) = 1
        XCTAssertEqual(r.duration.p90, 90)  // rank ceil(1.8) = 2
        XCTAssertEqual(r.duration.max, 90)
    }

    func percentilesOfOneValueAndNearestRank() throws {
        try call("only", "completed", duration: 42)
        let one = try f.archive.summary(CallFilter()).duration
        XCTAssertEqual([one.p50, one.p90, one.p95, one.max], [42, 42, 42, 42])
        for (i, v) in [15, 20, 35, 40, 50, 60, 70, 80, 90, 100].enumerated() { try call("n\(i)", "completed", queued: 2_000_000, duration: v) }
        let ten = try f.archive.summary(CallFilter(since: 2_000_000)).duration
        XCTAssertEqual(ten.p50, 50)  // rank 5
        XCTAssertEqual(ten.p90, 90)  // rank 9
        XCTAssertEqual(ten.p95, 100)  // rank ceil(9.5) = 10
        XCTAssertEqual(ten.p99, 100)
    }

    func durationFromEventsWhenAbsentEvenOutOfOrder() throws {
        // The API's list is out of time order; duration comes from connected (40) to the disconnected after it (100).
        try call("x", "completed", duration: nil, events: [("disconnected", 100), ("queued", 10), ("connected", 40), ("dialing", 20)])
        try call("y", "completed", duration: nil, events: [("queued", 10)])  // unknown: no connected event
        let d = try f.archive.summary(CallFilter()).duration
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d.max, 60)
        let h = try f.archive.durations(CallFilter())
        XCTAssertEqual(h.unknown, 1)
        XCTAssertEqual(h.buckets.first { $0.from == 60 }?.count, 1)
        let c = try XCTUnwrap(try f.archive.call("x"))
        XCTAssertEqual(c.events.map(\.event), ["queued", "dialing", "connected", "disconnected"], "timeline in time order")
        XCTAssertEqual(c.events.map(\.sincePrevious), [nil, 10, 20, 60])
        XCTAssertEqual(c.ringTime, 20)
        XCTAssertEqual(c.talkTime, 60)
        XCTAssertTrue(c.labels.isEmpty)
        // `report call` shows the call's labels, by name.
        _ = try f.archive.label(
            ["x"], idFiles: [], add: [Label(name: "clinic", value: "B"), Label(name: "campaign", value: "spring")], remove: [])
        let labelled = try XCTUnwrap(try f.archive.call("x"))
        XCTAssertEqual(labelled.labels.map(\.name), ["campaign", "clinic"])
        XCTAssertEqual(labelled.labels.map(\.value), ["spring", "B"])
        let table = labelled.rendered(id: "x", RenderOptions(format: .table, utc: true))
        XCTAssertTrue(table.contains("Labels\nName      Value\n────────  ──────\ncampaign  spring\nclinic    B\n"), table)
        XCTAssertTrue(table.contains("\nis_final                yes\n"), table)
        XCTAssertNotNil(table.range(of: #"\nGaps\nGap +Time\n"#, options: .regularExpression), "spans in a column named for time: \(table)")
    }

    func sinceIsInclusiveUntilIsExclusive() throws {
        try call("before", "completed", queued: 999, duration: 1)
        try call("at-since", "completed", queued: 1000, duration: 2)
        try call("inside", "failed", queued: 1500)
        try call("at-until", "completed", queued: 2000, duration: 4)
        let r = try f.archive.summary(CallFilter(since: 1000, until: 2000))
        XCTAssertEqual(r.calls, 2)
        XCTAssertEqual(r.completed, 1)
        XCTAssertEqual(r.duration.max, 2)
    }

    func dailyBucketsAndFilters() throws {
        let day: Int64 = 1_795_000_000 - 1_795_000_000 % 86_400  // a UTC midnight
        try call("d1a", "completed", queued: day + 10, duration: 10)
        try call("d1b", "failed", queued: day + 20)
        try call("d2a", "completed", queued: day + 86_400 + 5, duration: 30, phone: "6179999999")
        try call("d2b", "queued", queued: day + 86_400 + 6)
        let rows = try f.archive.daily(CallFilter(), by: .day, utc: true)
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].calls, 2)
        XCTAssertEqual(rows[0].completionRate, 0.5)
        XCTAssertEqual(rows[0].meanDuration, 10)
        XCTAssertEqual(rows[1].final, 1)
        XCTAssertEqual(rows[1].completionRate, 1)
        XCTAssertEqual(try f.archive.daily(CallFilter(phone: "'6179999999'"), by: .day, utc: true).map(\.calls), [1])
        XCTAssertEqual(try f.archive.daily(CallFilter(status: "completed"), by: .month, utc: true).map(\.calls), [2])
    }

    func attemptsAndPending() throws {
        try call("a", "completed", attempts: 1, max: 3)
        try call("b", "failed", attempts: 3, max: 3)
        try call("c", "completed", attempts: 3, max: 3)
        try call("p", "queued", queued: 500)
        try call("u", nil, attempts: nil, max: nil, queued: nil)
        let a = try f.archive.attempts(CallFilter())
        XCTAssertEqual(
            a.byAttempts.map { [$0.attempts, Int64($0.final), Int64($0.completed), Int64($0.exhausted)] }, [[1, 1, 1, 0], [3, 2, 1, 1]])
        XCTAssertEqual(a.byMaxAttempts.first?.completionRate ?? 0, 2.0 / 3.0, accuracy: 1e-12)
        let p = try f.archive.pending(CallFilter(), limit: 0)
        XCTAssertEqual(p.pending, 1)
        XCTAssertEqual(p.unfetched, 1)
        XCTAssertEqual(p.rows.map(\.callID), ["u", "p"], "oldest first (the unfetched id was first seen at 0)")
    }
}

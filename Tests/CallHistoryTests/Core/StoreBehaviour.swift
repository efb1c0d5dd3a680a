import FuseAPI
import XCTest

@testable import ArchiveCore

/// How an answer is stored (`CallStore`): new, changed, unchanged, older;
/// the backoff; problems beside the data; values from outside bounded.
/// One body for both backends (`CoreSQLiteTests`, `CorePostgresTests`).
struct StoreBehaviour {
    let f: CoreFixture

    func newChangedUnchangedAndBackoff() throws {
        let a = try decoded(
            #"{"call_details": {"status": "dialing", "attempts": "1", "events": [{"event": "queued", "timestamp": 1}, {"event": "dialing", "timestamp": 2}]}}"#
        )
        XCTAssertEqual(try f.store("c1", a, at: 1000), .new)
        XCTAssertEqual(try f.column("next_check_at"), "1000", "new: due on the next run")
        XCTAssertEqual(try f.store("c1", a, at: 2000), .unchanged)
        XCTAssertEqual(try f.column("next_check_at || ' ' || unchanged_checks || ' ' || last_outcome"), "5600 1 unchanged")
        XCTAssertEqual(try f.store("c1", a, at: 6000), .unchanged)
        XCTAssertEqual(try f.column("next_check_at"), "13200", "twice as long")
        // The same facts in other bytes: a new snapshot, but unchanged for backoff.
        let spaced = try decoded(
            #"{ "call_details": {"status": "dialing", "attempts": 1, "events": [{"event": "queued", "timestamp": 1}, {"event": "dialing", "timestamp": "2"}]}}"#
        )
        XCTAssertEqual(try f.store("c1", spaced, at: 7000), .unchanged)
        XCTAssertEqual(try f.integer("SELECT count(*) FROM call_snapshots"), 2)
        let b = try decoded(
            #"{"call_details": {"status": "completed", "attempts": "1", "duration": 4, "events": [{"event": "queued", "timestamp": 1}]}}"#)
        XCTAssertEqual(try f.store("c1", b, at: 8000), .changed)
        XCTAssertEqual(try f.column("status || ' ' || is_final || ' ' || next_check_at || ' ' || unchanged_checks"), "completed 1 8000 0")
        XCTAssertEqual(try f.integer("SELECT count(*) FROM call_events"), 1, "events shrink with the newest snapshot")
        XCTAssertEqual(
            try f.texts("SELECT coalesce(old_status, '-') || '>' || new_status FROM status_changes ORDER BY change_id"),
            ["->dialing", "dialing>completed"])
        let report = try XCTUnwrap(try f.archive.call("c1"))
        XCTAssertEqual(report.snapshots.map(\.current), [false, false, true], "the newest body is the call's")
        XCTAssertEqual(report.snapshots.map(\.timesSeen), [3, 1, 1], "the first body was seen three times")
        XCTAssertEqual(report.statusChanges.map(\.newStatus), ["dialing", "completed"])
        XCTAssertEqual(report.fields.first { $0.name == "unchanged_checks" }?.value, .integer(0))
    }

    func problemsNeverEraseArchivedData() throws {
        try f.store(
            "c1",
            json:
                #"{"call_details": {"status": "connected", "attempts": "1", "phone_number": "'617'", "events": [{"event": "connected", "timestamp": 5}]}}"#,
            at: 100)
        try f.problem("c1", outcome: "not_found", http: 404, message: "No outbound call was found by that id.", at: 200)
        XCTAssertEqual(
            try f.column("status || ' ' || phone_number || ' ' || last_outcome || ' ' || last_http_code || ' ' || next_check_at"),
            "connected 617 not_found 404 200", "data kept; first problem is due next run")
        try f.problem("c1", outcome: "failed", http: 500, message: "HTTP 500", at: 300)
        XCTAssertEqual(try f.column("next_check_at || ' ' || last_error"), "3900 HTTP 500", "repeated problems back off")
        XCTAssertEqual(try f.integer("SELECT count(*) FROM call_events"), 1)
        try f.problem("never-seen", outcome: "forbidden", http: 403, message: "not yours", at: 400)
        XCTAssertEqual(try f.column("coalesce(status, 'none') || ' ' || last_outcome", of: "never-seen"), "none forbidden")
    }

    /// Equal newest event times are not older: a correction made at the
    /// same moment (other facts, same clock) changes the call.
    func anEqualNewestEventWithOtherFactsChangesTheCall() throws {
        let events = #""events": [{"event": "queued", "timestamp": 10}, {"event": "dialing", "timestamp": 20}]"#
        XCTAssertEqual(try f.store("c1", json: #"{"call_details": {"status": "dialing", "attempts": "1", \#(events)}}"#, at: 100), .new)
        XCTAssertEqual(try f.store("c1", json: #"{"call_details": {"status": "dialing", "attempts": "2", \#(events)}}"#, at: 200), .changed)
        XCTAssertEqual(try f.column("attempts"), "2")
        XCTAssertEqual(try f.column("last_success_at"), "200")
    }

    /// An answer without event times after one with them is older: kept as
    /// a snapshot, but neither the call nor its events change.
    func anAnswerWithoutTimesAfterOneWithThemChangesNothing() throws {
        let timed =
            #"{"call_details": {"status": "dialing", "attempts": "1", "events": [{"event": "queued", "timestamp": 10}, {"event": "dialing", "timestamp": 20}]}}"#
        XCTAssertEqual(try f.store("c1", json: timed, at: 100), .new)
        let untimed = #"{"call_details": {"status": "connected", "attempts": "2", "events": [{"event": "queued"}, {"event": "connected"}]}}"#
        XCTAssertEqual(try f.store("c1", json: untimed, at: 200), .older)
        XCTAssertEqual(try f.column("status || ' ' || attempts"), "dialing 1")
        XCTAssertEqual(
            try f.texts("SELECT event || '@' || timestamp FROM call_events WHERE call_id = 'c1' ORDER BY seq"), ["queued@10", "dialing@20"])
        XCTAssertEqual(try f.integer("SELECT count(*) FROM call_snapshots"), 2, "the older answer is kept")
        XCTAssertEqual(try f.texts("SELECT new_status FROM status_changes"), ["dialing"])
    }

    /// Each bound holds at its edge: the last value inside is stored, the
    /// first outside is NULL with the field named, the body kept.
    func numbersJustOutsideTheirBoundsAreRefused() throws {
        func body(_ field: String, _ value: Int64) -> String { #"{"call_details": {"status": "queued", "\#(field)": "\#(value)"}}"# }
        try f.store("in", json: body("max_attempts", 1_000_000), at: 100)
        try f.store("out", json: body("max_attempts", 1_000_001), at: 100)
        XCTAssertEqual(try f.column("max_attempts", of: "in"), "1000000")
        XCTAssertNil(try f.column("max_attempts", of: "out"))
        XCTAssertEqual(
            try f.column("last_error", of: "out"),
            #"refused out-of-range or non-integer fields (stored as NULL; the body is kept): max_attempts "1000001""#)
        try f.store("wait-in", json: body("reattempt_wait", 315_360_000), at: 100)
        try f.store("wait-out", json: body("reattempt_wait", 315_360_001), at: 100)
        XCTAssertEqual(try f.column("reattempt_wait", of: "wait-in"), "315360000")
        XCTAssertNil(try f.column("reattempt_wait", of: "wait-out"))
        XCTAssertTrue(try f.column("last_error", of: "wait-out")?.contains(#"reattempt_wait "315360001""#) ?? false)
        XCTAssertEqual(try f.integer("SELECT count(*) FROM call_snapshots WHERE call_id = 'wait-out'"), 1, "the body is kept")
    }
}

@testable import ArchiveCore
@testable import ArchiveSQLite
@testable import CallHistory
import FuseAPI
import SQLite
import TestSupport
import XCTest

final class CallStoreTests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: Connection!
    var store: CallStore!
    override func setUp() async throws {
        dir = try TemporaryDirectory()
        db = try ArchiveFile.openForWriting(dir.path("a.sqlite"))
        store = try CallStore(db: db, runID: nil)
    }

    func status(_ json: String) throws -> CallStatus {
        try StatusDecoder.decode(Array(json.utf8), format: .json)
    }

    func row(_ sql: String, _ id: String = "c1") throws -> String? { try db.scalarString(sql + " WHERE call_id = ?", [id]) }

    func testBackoffDoublesFromAnHourToAWeek() {
        XCTAssertEqual((0...10).map { CallStore.backoff(afterQuietChecks: $0) },
                       [0, 3600, 7200, 14_400, 28_800, 57_600, 115_200, 230_400, 460_800, 604_800, 604_800])
    }

    func testNewChangedUnchangedAndBackoff() throws {
        let a = try status(#"{"call_details": {"status": "dialing", "attempts": "1", "events": [{"event": "queued", "timestamp": 1}, {"event": "dialing", "timestamp": 2}]}}"#)
        XCTAssertEqual(try store.store("c1", a, at: 1000), .new)
        XCTAssertEqual(try row("SELECT next_check_at FROM calls"), "1000", "new: due on the next run")
        XCTAssertEqual(try store.store("c1", a, at: 2000), .unchanged)
        XCTAssertEqual(try row("SELECT next_check_at || ' ' || unchanged_checks || ' ' || last_outcome FROM calls"), "5600 1 unchanged")
        XCTAssertEqual(try store.store("c1", a, at: 6000), .unchanged)
        XCTAssertEqual(try row("SELECT next_check_at FROM calls"), "13200", "twice as long")
        // The same facts in other bytes: a new snapshot, but unchanged for backoff.
        let spaced = try status(#"{ "call_details": {"status": "dialing", "attempts": 1, "events": [{"event": "queued", "timestamp": 1}, {"event": "dialing", "timestamp": "2"}]}}"#)
        XCTAssertEqual(try store.store("c1", spaced, at: 7000), .unchanged)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM call_snapshots"), 2)
        let b = try status(#"{"call_details": {"status": "completed", "attempts": "1", "duration": 4, "events": [{"event": "queued", "timestamp": 1}]}}"#)
        XCTAssertEqual(try store.store("c1", b, at: 8000), .changed)
        XCTAssertEqual(try row("SELECT status || ' ' || is_final || ' ' || next_check_at || ' ' || unchanged_checks FROM calls"), "completed 1 8000 0")
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM call_events"), 1, "events shrink with the newest snapshot")
        XCTAssertEqual(try db.prepare("SELECT coalesce(old_status, '-') || '>' || new_status FROM status_changes").map { $0.string(0) }, ["->dialing", "dialing>completed"])
    }

    func testProblemsNeverEraseArchivedData() throws {
        let a = try status(#"{"call_details": {"status": "connected", "attempts": "1", "phone_number": "'617'", "events": [{"event": "connected", "timestamp": 5}]}}"#)
        XCTAssertEqual(try store.store("c1", a, at: 100), .new)
        try store.recordProblem("c1", outcome: "not_found", httpStatus: 404, message: "No outbound call was found by that id.", at: 200)
        XCTAssertEqual(try row("SELECT status || ' ' || phone_number || ' ' || last_outcome || ' ' || last_http_code || ' ' || next_check_at FROM calls"),
                       "connected 617 not_found 404 200", "data kept; first problem is due next run")
        try store.recordProblem("c1", outcome: "failed", httpStatus: 500, message: "HTTP 500", at: 300)
        XCTAssertEqual(try row("SELECT next_check_at || ' ' || last_error FROM calls"), "3900 HTTP 500", "repeated problems back off")
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM call_events"), 1)
        try store.recordProblem("never-seen", outcome: "forbidden", httpStatus: 403, message: "not yours", at: 400)
        XCTAssertEqual(try row("SELECT coalesce(status, 'none') || ' ' || last_outcome FROM calls", "never-seen"), "none forbidden")
    }
}

import Foundation
import SQLite
import XCTest

final class ImportCommandTests: XCTestCase {
    var scratch: TemporaryDirectory!
    override func setUp() async throws { scratch = try TemporaryDirectory() }

    func record(_ id: String, status: String, attempts: String = "1", events: String = "") -> String {
        #"{"call_id": "\#(id)", "call_details": {"status": "\#(status)", "attempts": "\#(attempts)", "max_attempts": "2", "phone_number": "'6175550101'", "queued_timestamp": "1795000000", "duration": 12, "events": [\#(events)]}}"#
    }

    func testGoodLinesLandBadLinesAreNamed() throws {
        let db = scratch.path("a.sqlite")
        let lines = [
            record(
                "imp-1", status: "completed",
                events: #"{"event": "queued", "timestamp": 1795000000}, {"event": "connected", "timestamp": 1795000010}"#),
            "",
            "{not json",
            record("imp-2", status: "queued"),
            #"{"call_id": "imp-3"}"#,
            record("bad id", status: "queued"),
            record(
                "imp-1", status: "completed",
                events: #"{"event": "queued", "timestamp": 1795000000}, {"event": "connected", "timestamp": 1795000010}"#),
        ]
        let file = try scratch.write("saved.ndjson", lines.joined(separator: "\n") + "\n")
        let r = try Harness.callhist(["import", "--db", db, file], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.contains("saved.ndjson:3: not valid JSON"), r.stderr)
        XCTAssertTrue(r.stderr.contains("saved.ndjson:5: the record has no call_details"), r.stderr)
        XCTAssertTrue(r.stderr.contains("saved.ndjson:6:"), r.stderr)
        let conn = try Connection(path: db, mode: .readOnly)
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM calls"), 2)
        XCTAssertEqual(try conn.scalarString("SELECT phone_number FROM calls WHERE call_id = 'imp-1'"), "6175550101")
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM call_events WHERE call_id = 'imp-1'"), 2)
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM call_snapshots"), 2, "the repeated line is one snapshot")
        XCTAssertEqual(
            try conn.scalarString("SELECT json_extract(body, '$.call_details.status') FROM call_snapshots WHERE call_id = 'imp-1'"), "completed")
        XCTAssertEqual(try conn.scalarString("SELECT kind || ' ' || fetched || ' ' || failed || ' ' || exit_code FROM archive_runs"), "import 3 3 65")
    }

    func testLaterImportUpdatesAndRecordsStatusChange() throws {
        let db = scratch.path("a.sqlite")
        let first = try scratch.write("1.ndjson", record("c1", status: "dialing") + "\n")
        let second = try scratch.write("2.ndjson", record("c1", status: "completed", attempts: "2") + "\n")
        XCTAssertEqual(try Harness.callhist(["import", "--db", db, first], env: Harness.environment(baseURL: nil)).status, 0)
        let r = try Harness.callhist(
            ["import", "--db", db, "-"], env: Harness.environment(baseURL: nil), stdin: try String(contentsOfFile: second, encoding: .utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let conn = try Connection(path: db, mode: .readOnly)
        XCTAssertEqual(try conn.scalarString("SELECT status || ' ' || attempts || ' ' || is_final FROM calls"), "completed 2 1")
        XCTAssertEqual(
            try conn.prepare("SELECT coalesce(old_status, '-') || '>' || new_status FROM status_changes ORDER BY change_id").map { $0.string(0) },
            ["->dialing", "dialing>completed"])
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM call_snapshots"), 2)
    }

    func testMissingFileIsAClearError() throws {
        let r = try Harness.callhist(
            ["import", "--db", scratch.path("a.sqlite"), scratch.path("nope.ndjson")], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("nope.ndjson"), r.stderr)
    }
}

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

    /// `export calls --format csv` → `import` → `export` again: the calls'
    /// fields and labels come back byte for byte (times ISO 8601 across New
    /// York's clock change, a cell neutralised against formulas, a label
    /// value with a comma, a quote and a line break); the archive's own
    /// bookkeeping (first seen, next check…) is the importing archive's.
    func testACSVExportImportsBackExactly() throws {
        let env = Harness.environment(baseURL: nil, extra: ["TZ": "Asia/Tokyo"])
        let a = scratch.path("a.sqlite")
        let lines = [
            // 2026-11-01 05:30Z is 01:30 EDT, 06:30Z 01:30 EST: the same wall time, two offsets.
            #"{"call_id": "c1", "call_details": {"status": "completed", "attempts": "1", "max_attempts": "3", "phone_number": "'6175550101'", "queued_timestamp": "1793511000", "start_timestamp": 1793511030, "end_timestamp": 1793511090, "reattempt_wait": "300", "duration": 60, "success": true, "events": [{"event": "queued", "timestamp": 1793511000}]}, "labels": {"campaign": "spring", "clinic": "A, \"north\"\nwing"}}"#,
            #"{"call_id": "c2", "call_details": {"status": "failed", "attempts": "3", "max_attempts": "3", "phone_number": "=cmd", "queued_timestamp": 1793514600, "last_attempt_timestamp": 1793515000, "success": false}, "labels": {"campaign": "autumn"}}"#,
            #"{"call_id": "c3", "call_details": {"status": "queued", "attempts": "", "max_attempts": "", "queued_timestamp": ""}}"#,
        ]
        let source = try scratch.write("a.ndjson", lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(try Harness.callhist(["import", "--db", a, source], env: env).status, 0)
        let first = scratch.path("first.csv")
        let exported = try Harness.callhist(
            ["export", "calls", "--db", a, "--output", first, "--tz", "America/New_York"], env: env)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let text = try String(contentsOfFile: first, encoding: .utf8)
        let header = text.components(separatedBy: "\r\n")[0].components(separatedBy: ",")
        XCTAssertEqual(header.suffix(2), ["label_campaign", "label_clinic"])
        XCTAssertFalse(header.contains("labels"))
        XCTAssertTrue(text.contains("c1,completed,6175550101,1,3,2026-11-01T01:30:00-04:00,2026-11-01T01:30:30-04:00,"), text)
        XCTAssertTrue(text.contains("c2,failed,'=cmd,3,3,2026-11-01T01:30:00-05:00,"), text)
        XCTAssertTrue(text.contains(",spring,\"A, \"\"north\"\"\nwing\"\r\n"), text)

        let b = scratch.path("b.sqlite")
        let imported = try Harness.callhist(["import", "--db", b, first], env: env)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stderr.contains("imported 3 of 3 records: 3 new"), imported.stderr)
        let second = scratch.path("second.csv")
        XCTAssertEqual(try Harness.callhist(["export", "calls", "--db", b, "--output", second, "--tz", "America/New_York"], env: env).status, 0)
        func fields(_ path: String) throws -> [[String]] {
            let kept = [
                "call_id", "status", "phone_number", "attempts", "max_attempts", "queued_timestamp", "start_timestamp", "end_timestamp",
                "last_attempt_timestamp", "reattempt_wait", "duration", "success", "is_final", "label_campaign", "label_clinic",
            ]
            let rows = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            let names = rows[0].components(separatedBy: ",")
            // The clinic's line break splits a row here: compare the text of each call's line as a whole.
            return rows.dropFirst().map { row in
                let cells = row.components(separatedBy: ",")
                return kept.compactMap { names.firstIndex(of: $0).flatMap { $0 < cells.count ? cells[$0] : nil } }
            }
        }
        XCTAssertEqual(try fields(second), try fields(first))
        XCTAssertEqual(
            try String(contentsOfFile: second, encoding: .utf8).components(separatedBy: "\r\n")[0],
            text.components(separatedBy: "\r\n")[0], "the same header")

        // The shape earlier releases wrote: unix times, the labels one JSON object.
        let old = try scratch.write(
            "old.csv",
            oldCallColumns.joined(separator: ",") + "\r\n"
                + "c9,completed,6175550199,2,2,1793511000,,,,600,45,1,1,0,5,5,5,,fetched,200,,\"{\"\"campaign\"\":\"\"spring\"\"}\"\r\n")
        let c = scratch.path("c.sqlite")
        let fromOld = try Harness.callhist(["import", "--db", c, old], env: env)
        XCTAssertEqual(fromOld.status, 0, fromOld.stderr)
        let conn = try Connection(path: c, mode: .readOnly)
        XCTAssertEqual(
            try conn.scalarString(
                "SELECT status || ' ' || attempts || '/' || max_attempts || ' ' || queued_timestamp || ' ' || duration || ' ' || success || ' ' || reattempt_wait FROM calls"
            ),
            "completed 2/2 1793511000 45 1 600")
        XCTAssertEqual(try conn.scalarString("SELECT name || '=' || value FROM call_labels WHERE call_id = 'c9'"), "campaign=spring")

        // A time without its offset is refused by name: which file, which line, which column.
        let local = try scratch.write(
            "local.csv", "call_id,status,queued_timestamp\r\nc8,completed,2026-11-01 01:30\r\nc7,completed,2026-11-01T01:30:00+01:00\r\n")
        let refused = try Harness.callhist(["import", "--db", c, local], env: env)
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(
            refused.stderr.contains("local.csv:2: queued_timestamp \"2026-11-01 01:30\" is neither unix seconds nor an ISO 8601 time"), refused.stderr
        )
        XCTAssertEqual(try conn.scalarInt("SELECT queued_timestamp FROM calls WHERE call_id = 'c7'"), 1_793_493_000, "the other row landed")
    }

    /// The calls CSV columns earlier releases wrote (`labels` last).
    let oldCallColumns = [
        "call_id", "status", "phone_number", "attempts", "max_attempts", "queued_timestamp", "start_timestamp", "end_timestamp",
        "last_attempt_timestamp", "reattempt_wait", "duration", "success", "is_final", "is_stale", "first_seen_at",
        "last_fetched_at", "last_success_at", "next_check_at", "last_outcome", "last_http_code", "last_error", "labels",
    ]
}

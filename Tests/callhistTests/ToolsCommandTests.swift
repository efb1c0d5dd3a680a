import Foundation
import SQLite
import XCTest

/// export, backup, rebuild, doctor, metrics: the file serving people who never run callhist.
final class ToolsCommandTests: XCTestCase {
    var scratch: TemporaryDirectory!
    var mock: MockProcess!
    var db: String!
    var env: [String: String]!

    override func setUp() async throws {
        scratch = try TemporaryDirectory()
        mock = try MockProcess(["--calls", "400", "--forbidden-rate", "0.02"])
        db = scratch.path("a.sqlite")
        env = Harness.environment(baseURL: mock.baseURL)
        let r = try Harness.callhist(
            ["archive", "--db", db, "--ids", try scratch.write("ids", (ids(1...400) + ["call-9999999"]).joined(separator: "\n"))], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    // XCTest keeps every test-case instance until the process ends: the mock
    // must be stopped here, not left to deinit.
    override func tearDown() async throws { mock = nil }

    func testExportNDJSONRoundTripsThroughImport() throws {
        let exported = try Harness.callhist(["export", "calls", "--format", "ndjson", "--db", db], env: env)
        XCTAssertEqual(exported.status, 0, exported.stderr)
        let lines = exported.stdout.split(separator: "\n")
        let fetched = try Connection(path: db, mode: .readOnly).scalarInt("SELECT count(*) FROM calls WHERE status IS NOT NULL")
        XCTAssertEqual(Int64(lines.count), fetched, "every fetched call, none of the never-fetched ids")
        XCTAssertTrue(exported.stdout.contains("caller_id"), "unknown fields survive the export")
        let copy = scratch.path("copy.sqlite")
        let imported = try Harness.callhist(["import", "--db", copy, "-"], env: env, stdin: exported.stdout)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        // Ids that never got a status have nothing to export.
        let original = try callDataDump(db).filter { !$0.hasPrefix("S ") && $0.split(separator: "|")[1] != "NULL" }
        let recreated = try callDataDump(copy).filter { !$0.hasPrefix("S ") }
        XCTAssertEqual(recreated, original, "the same calls and events")
    }

    func testExportCSVIsRFC4180WithAStableHeaderAndFilters() throws {
        let out = scratch.path("calls.csv")
        let r = try Harness.callhist(["export", "calls", "--db", db, "--output", out, "--status", "completed"], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let rows = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertTrue(rows[0].hasPrefix("call_id,status,phone_number,attempts,max_attempts,queued_timestamp"))
        let completed = try Connection(path: db, mode: .readOnly).scalarInt("SELECT count(*) FROM calls WHERE status = 'completed'")
        XCTAssertEqual(Int64(rows.count - 1), completed)
        XCTAssertTrue(rows.dropFirst().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false)[1] == "completed" })

        // A day inside the week the mock's calls were queued in (the week before its clock).
        let day = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(MockProcess.epoch - 3 * 86_400))).prefix(10)
        let next = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(MockProcess.epoch - 2 * 86_400))).prefix(10)
        let events = try Harness.callhist(["export", "events", "--db", db, "--since", String(day), "--until", String(next), "--utc"], env: env)
        XCTAssertEqual(events.status, 0, events.stderr)
        let conn = try Connection(path: db, mode: .readOnly)
        let expected = try conn.scalarInt(
            """
            SELECT count(*) FROM call_events e JOIN calls c USING (call_id)
            WHERE c.queued_timestamp >= strftime('%s', ?) AND c.queued_timestamp < strftime('%s', ?)
            """, [String(day), String(next)])
        XCTAssertGreaterThan(expected ?? 0, 0, "the window holds calls, so the filter is really tested")
        XCTAssertLessThan(expected ?? 0, try conn.scalarInt("SELECT count(*) FROM call_events") ?? 0, "and leaves some out")
        XCTAssertEqual(Int64(events.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count - 1), expected)
        XCTAssertEqual(try Harness.callhist(["export", "calls", "--db", db, "--since", "yesterday-ish"], env: env).status, 64)
    }

    func testExportQuotesFieldsThatNeedIt() throws {
        let file = try scratch.write(
            "odd.ndjson", #"{"call_id": "odd,1", "call_details": {"status": "queued", "phone_number": "say \"hi\"\nthere"}}"# + "\n")
        let odd = scratch.path("odd.sqlite")
        XCTAssertEqual(try Harness.callhist(["import", "--db", odd, file], env: env).status, 0)
        let r = try Harness.callhist(["export", "calls", "--db", odd], env: env)
        XCTAssertTrue(r.stdout.contains("\r\n\"odd,1\",queued,\"say \"\"hi\"\"\nthere\","), r.stdout)
    }

    func testBackupIsAConsistentCopyAndRefusesToOverwrite() throws {
        let dest = scratch.path("backup.sqlite")
        let r = try Harness.callhist(["backup", dest, "--db", db], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try callDataDump(dest), try callDataDump(db))
        XCTAssertEqual(try Connection(path: dest, mode: .readOnly).scalarString("PRAGMA integrity_check"), "ok")
        let again = try Harness.callhist(["backup", dest, "--db", db], env: env)
        XCTAssertEqual(again.status, 65)
        XCTAssertTrue(again.stderr.contains("--force"), again.stderr)
        XCTAssertEqual(try Harness.callhist(["backup", dest, "--db", db, "--force"], env: env).status, 0)
    }

    /// A killed backup leaves `.NAME.partial-PID` (a whole copy): the next
    /// backup to that name removes it; a live process's is left alone.
    func testTheNextBackupRemovesWhatAKilledOneLeft() throws {
        let dest = scratch.path("nightly.sqlite")
        // A pid no process has (above the kernel's pid_max of 4,194,304), and one that is alive.
        let abandoned = scratch.path(".nightly.sqlite.partial-4194999")
        let live = scratch.path(".nightly.sqlite.partial-\(getpid())")
        for path in [abandoned, live] { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: 1 << 20))) }
        let r = try Harness.callhist(["backup", dest, "--db", db], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: abandoned), "the killed backup's copy is gone")
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a running process's file is not touched")
        XCTAssertEqual(try callDataDump(dest), try callDataDump(db))
    }

    func testBackupWhileAnArchiveRunWrites() throws {
        let big = try MockProcess(["--calls", "6000", "--latency", "1"])
        let target = scratch.path("busy.sqlite")
        let env = Harness.environment(baseURL: big.baseURL)
        let p = try Harness.startCallhist(
            ["archive", "--db", target, "--concurrency", "4", "--ids", try scratch.write("many", ids(1...6000).joined(separator: "\n"))], env: env)
        Thread.sleep(forTimeInterval: 0.7)
        let r = try Harness.callhist(["backup", scratch.path("mid.sqlite"), "--db", target], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        p.waitUntilExit()
        let copy = try Connection(path: scratch.path("mid.sqlite"), mode: .readOnly)
        XCTAssertEqual(try copy.scalarString("PRAGMA integrity_check"), "ok")
        XCTAssertEqual(try copy.scalarInt("SELECT count(*) FROM pragma_foreign_key_check"), 0)
    }

    func testRebuildRecreatesDerivedDataFromSnapshots() throws {
        let before = try callDataDump(db)
        let conn = try Connection(path: db)
        try conn.execute(
            "UPDATE calls SET status = 'garbled', duration = -1, phone_number = NULL WHERE snapshot_id IS NOT NULL; DELETE FROM call_events WHERE seq > 0"
        )
        let r = try Harness.callhist(["rebuild", "--db", db], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("rebuilt"), r.stdout)
        XCTAssertEqual(try callDataDump(db), before)
        let second = try Harness.callhist(["rebuild", "--db", db], env: env)
        XCTAssertTrue(second.stdout.contains(": 0 changed"), second.stdout)
    }

    func testDoctorReportsAndPings() throws {
        let ok = try Harness.callhist(["doctor", "--db", db, "--ping"], env: env)
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(ok.stdout.contains("integrity_check: ok"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("accepted the credentials"), ok.stdout)
        XCTAssertFalse(ok.stdout.contains(Harness.key))
        let badKey = try Harness.callhist(["doctor", "--db", db, "--ping"], env: Harness.environment(baseURL: mock.baseURL, key: "nope"))
        XCTAssertEqual(badKey.status, 1)
        XCTAssertTrue(badKey.stdout.contains("refused the credentials"), badKey.stdout)
        let noCreds = try Harness.callhist(["doctor", "--db", db], env: Harness.environment(baseURL: nil, key: nil))
        XCTAssertEqual(noCreds.status, 1)
        XCTAssertTrue(noCreds.stdout.contains("credentials"), noCreds.stdout)
        try Connection(path: db).execute("INSERT INTO archive_runs (kind, started_at) VALUES ('archive', strftime('%s','now'))")
        let killed = try Harness.callhist(["doctor", "--db", db], env: env)
        XCTAssertEqual(killed.status, 1)
        XCTAssertTrue(killed.stdout.contains("was killed: it never finished and no process holds the lock"), killed.stdout)
        let garbage = try scratch.write("g.sqlite", String(repeating: "x", count: 5000))
        XCTAssertEqual(try Harness.callhist(["doctor", "--db", garbage], env: env).status, 1)
    }

    func testMetricsFileInPrometheusFormat() throws {
        let metrics = scratch.path("callhist.prom")
        let r = try Harness.callhist(["archive", "--db", db, "--metrics-file", metrics, "call-0000001", "call-0000002"], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        XCTAssertTrue(text.contains("# TYPE callhist_archive_fetched_ids gauge\n"), text)
        XCTAssertTrue(text.contains("callhist_archive_exit_code 0\n"), text)
        XCTAssertTrue(text.contains("callhist_archive_last_success_timestamp_seconds "), text)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            XCTAssertEqual(parts.count, 2, String(line))
            XCTAssertNotNil(Double(parts[1]), String(line))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [])
    }

    func testEveryViewReadsReadOnlyMidRun() throws {
        let big = try MockProcess(["--calls", "5000"])
        let target = scratch.path("views.sqlite")
        let env = Harness.environment(baseURL: big.baseURL)
        XCTAssertEqual(try Harness.callhist(["migrate", "--db", target], env: env).status, 0)
        let p = try Harness.startCallhist(
            ["archive", "--db", target, "--ids", try scratch.write("v", ids(1...5000).joined(separator: "\n"))], env: env)
        Thread.sleep(forTimeInterval: 0.5)
        let reader = try Connection(path: target, mode: .readOnly)
        let views = try reader.prepare("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name").map { $0.string(0) }
        XCTAssertEqual(
            views,
            [
                "archive_runs_view", "call_events_view", "calls_view", "calls_with_labels", "status_changes_view",
            ])
        for view in views {
            let s = try reader.prepare("SELECT * FROM \(view) LIMIT 50")
            try s.forEachRow { row in
                for i in 0..<row.columnCount where row.columnName(i).hasSuffix("_at") || ["queued_at", "started", "at"].contains(row.columnName(i)) {
                    if let text = row.optionalString(i) {
                        XCTAssertTrue(text.hasSuffix("Z") && text.count == 20, "\(view).\(row.columnName(i)) = \(text)")
                    }
                }
            }
        }
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }
}

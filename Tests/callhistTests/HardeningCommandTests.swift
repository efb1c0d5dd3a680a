import Foundation
import FuseMock
import SQLite
import Synchronization
import XCTest

/// Issue 10 through the built binary: hostile bodies, hostile flags,
/// private files, no lost tail (docs/reliability.md).
final class HardeningCommandTests: XCTestCase {
    var scratch: TemporaryDirectory!
    var mock: MockProcess?
    override func setUp() async throws { scratch = try TemporaryDirectory() }
    override func tearDown() async throws { mock = nil }

    let reports = ["summary", "daily", "attempts", "durations", "pending", "runs"]
    let formats = ["table", "csv", "json", "markdown"]
    var env: [String: String] { Harness.environment(baseURL: mock?.baseURL) }

    func run(_ args: [String], stdin: String? = nil) throws -> Harness.Result {
        try Harness.callhist(args, env: env, stdin: stdin)
    }

    /// Every report in every format, plus `report call`, exports and rebuild: each must exit 0.
    func everyReportWorks(_ db: String, call: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        var outputs: [String: String] = [:]
        for report in reports {
            for format in formats {
                let r = try run(["report", report, "--db", db, "--format", format, "--utc"])
                XCTAssertEqual(r.status, 0, "\(report) \(format): \(r.stderr)", file: file, line: line)
                outputs["\(report).\(format)"] = r.stdout
            }
        }
        for format in formats {
            let r = try run(["report", "call", call, "--db", db, "--format", format, "--utc"])
            XCTAssertEqual(r.status, 0, "call \(format): \(r.stderr)", file: file, line: line)
            outputs["call.\(format)"] = r.stdout
        }
        for table in ["calls", "events", "snapshots"] {
            for format in ["csv", "ndjson"] {
                let r = try run(["export", table, "--db", db, "--format", format])
                XCTAssertEqual(r.status, 0, "export \(table) \(format): \(r.stderr)", file: file, line: line)
                outputs["export.\(table).\(format)"] = r.stdout
            }
        }
        return outputs
    }

    // MARK: 1. Values from outside never trap

    func testTheIssuesBodyIsArchivedAndEveryNightAfterStillRuns() throws {
        let db = scratch.path("a.sqlite")
        let body =
            #"{"call_details": {"status": "completed", "attempts": "1", "duration": "9223372036854775807", "queued_timestamp": "1795000000", "events": [{"event": "connected", "timestamp": "-9000000000000000000"}, {"event": "disconnected", "timestamp": "9000000000000000000"}]}}"#
        let server = try MockHTTPServer { request in
            request.path.hasSuffix("/edge")
                ? MockResponse(status: 200, contentType: "application/json", text: body)
                : MockResponse(
                    status: 200, contentType: "application/json", text: #"{"call_details": {"status": "dialing", "queued_timestamp": "1795000000"}}"#)
        }
        defer { server.shutdown() }
        let env = Harness.environment(baseURL: server.baseURL + "/api")
        for night in 1...2 {
            let r = try Harness.callhist(["archive", "--db", db, "edge", "other"], env: env)
            XCTAssertEqual(r.status, 0, "night \(night): \(r.stderr)")
        }
        let conn = try Connection(path: db, mode: .readOnly)
        XCTAssertEqual(
            try conn.scalarString(
                "SELECT status || ' ' || coalesce(duration, 'null') || ' ' || coalesce(event_duration, 'null') FROM calls WHERE call_id = 'edge'"),
            "completed null null")
        XCTAssertTrue(
            try conn.scalarString("SELECT last_error FROM calls WHERE call_id = 'edge'")?.contains(#"duration "9223372036854775807""#) == true)
        XCTAssertEqual(try conn.scalarString("SELECT body FROM call_snapshots WHERE call_id = 'edge'"), body)
        XCTAssertEqual(try conn.scalarString("SELECT status FROM calls WHERE call_id = 'other'"), "dialing", "the rest of the batch landed")
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM archive_runs WHERE exit_code = 0"), 2)
        XCTAssertEqual(try Harness.callhist(["rebuild", "--db", db], env: env).status, 0)
    }

    func testStoredInt64ExtremesLeaveEveryReportAndFormatWorking() throws {
        let db = scratch.path("a.sqlite")
        let lines = [
            #"{"call_id": "hi", "call_details": {"status": "completed", "attempts": "1", "max_attempts": "1", "duration": 5, "queued_timestamp": "1795000000", "events": [{"event": "connected", "timestamp": 1795000001}]}}"#,
            #"{"call_id": "lo", "call_details": {"status": "queued", "attempts": "1", "queued_timestamp": "1795000000", "events": [{"event": "queued", "timestamp": 1795000000}]}}"#,
        ]
        XCTAssertEqual(try run(["import", "--db", db, "-"], stdin: lines.joined(separator: "\n")).status, 0)
        let conn = try Connection(path: db)
        for (id, v) in [("hi", Int64.max), ("lo", Int64.min)] {
            let columns = [
                "attempts", "max_attempts", "queued_timestamp", "start_timestamp", "end_timestamp", "last_attempt_timestamp", "reattempt_wait",
                "duration", "event_duration", "first_seen_at", "last_fetched_at", "last_success_at", "next_check_at", "unchanged_checks", "is_stale",
                "last_http_code",
            ]
            try conn.execute("UPDATE calls SET \(columns.map { "\($0) = \(v)" }.joined(separator: ", ")) WHERE call_id = '\(id)'")
            try conn.execute("UPDATE call_events SET timestamp = \(v) WHERE call_id = '\(id)'")
            try conn.execute("UPDATE status_changes SET observed_at = \(v) WHERE call_id = '\(id)'")
            try conn.execute("UPDATE call_snapshots SET first_seen_at = \(v), last_seen_at = \(v), times_seen = \(v) WHERE call_id = '\(id)'")
        }
        try conn.execute(
            "UPDATE archive_runs SET started_at = \(Int64.min), ended_at = \(Int64.max), requested = \(Int64.max), fetched = \(Int64.max), http_requests = \(Int64.max), exit_code = \(Int64.max)"
        )
        try conn.close()
        let out = try everyReportWorks(db, call: "hi")
        let summary = try JSONSerialization.jsonObject(with: Data(out["summary.json"]!.utf8)) as! [String: Any]
        XCTAssertEqual((summary["duration"] as? [String: Any])?["max"] as? Int64, .max)
        XCTAssertEqual(summary["calls"] as? Int, 2)
        let pending = try JSONSerialization.jsonObject(with: Data(out["pending.json"]!.utf8)) as! [String: Any]
        let row = (pending["calls"] as? [[String: Any]])?.first
        XCTAssertTrue(row?["open_seconds"] is NSNull, "now − Int64.min is unknown, not a trap: \(String(describing: row))")
        XCTAssertEqual(out["daily.json"], "[]\n", "no calendar places these times")
        XCTAssertTrue(out["call.table"]!.contains("@9223372036854775807"), "a time no calendar has is shown as its number")
        XCTAssertEqual(try run(["rebuild", "--db", db]).status, 0)
        XCTAssertEqual(try run(["doctor", "--db", db]).status, 1, "doctor runs and flags the odd archive")
    }

    func testAnArchiveOfHostileBodiesFinishesAndEveryReportWorks() throws {
        mock = try MockProcess(["--calls", "140", "--hostile-rate", "1"])
        let db = scratch.path("a.sqlite")
        let ids = try scratch.write("ids.txt", ids(1...140).joined(separator: "\n"))
        let r = try run(["archive", "--db", db, "--ids", ids])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("140 fetched"), r.stderr)
        let out = try everyReportWorks(db, call: "call-0000001")
        // Safe output: no raw ESC reaches a table, Markdown or a message; JSON stays exact.
        for (name, text) in out where !name.hasSuffix(".json") && !name.hasSuffix(".ndjson") && !name.hasSuffix(".csv") {
            XCTAssertFalse(text.contains("\u{1b}"), "\(name) prints a raw ESC")
        }
        let conn = try Connection(path: db, mode: .readOnly)
        let escapeCall = try XCTUnwrap(try conn.scalarString("SELECT call_id FROM call_events WHERE event LIKE '%' || char(27) || ']52;%' LIMIT 1"))
        let table = try run(["report", "call", escapeCall, "--db", db]).stdout
        XCTAssertTrue(table.contains("\\u001b]52;c;aGk=\\u0007"), table)
        let json = try run(["report", "call", escapeCall, "--db", db, "--format", "json"]).stdout
        XCTAssertTrue(json.contains("\\u001b]52;c;aGk=\\u0007"), "JSON escapes it the JSON way and keeps the value exact")
        // CSV cells that a spreadsheet would run are neutralised.
        XCTAssertTrue(out["export.events.csv"]!.contains(",'+queued-1,"), String(out["export.events.csv"]!.prefix(300)))
        XCTAssertTrue(out["export.calls.csv"]!.contains("\"'=HYPERLINK("))
        XCTAssertFalse(out["export.calls.csv"]!.contains(",=HYPERLINK("))
        // Bytes that are not UTF-8 are archived as received: the hash is over the bytes.
        let raw = try conn.prepare("SELECT body, body_sha256 FROM call_snapshots WHERE instr(body, char(65533)) = 0 AND hex(body) LIKE '%FFFE%'").map
        { ($0.textBytes(0), $0.string(1)) }
        XCTAssertFalse(raw.isEmpty, "the non-UTF-8 kind was served")
        for (bytes, hash) in raw { XCTAssertEqual(sha256Hex(bytes), hash) }
        // Duplicate keys: calls agree with json_extract on the stored body.
        XCTAssertEqual(
            try conn.scalarInt(
                """
                SELECT count(*) FROM calls c JOIN call_snapshots s USING (snapshot_id)
                WHERE json_valid(s.body) AND c.status IS NOT json_extract(s.body, '$.call_details.status')
                """), 0)
        XCTAssertGreaterThan(try conn.scalarInt("SELECT count(*) FROM calls WHERE last_error LIKE 'refused%'") ?? 0, 0)
    }

    // MARK: 4. Nothing waits uncommitted

    func testImportFromAPausingPipeCommitsWhatItReceived() throws {
        let db = scratch.path("a.sqlite")
        let p = Process()
        p.executableURL = Harness.binDirectory.appendingPathComponent("callhist")
        p.arguments = ["import", "--db", db, "-"]
        p.environment = env
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data((#"{"call_id": "p1", "call_details": {"status": "queued"}}"# + "\n").utf8))
        var seen: Int64?
        for _ in 0..<15 where seen != 1 {
            Thread.sleep(forTimeInterval: 0.1)
            seen = try? Connection(path: db, mode: .readOnly).scalarInt("SELECT count(*) FROM calls")
        }
        XCTAssertEqual(seen, 1, "a received record is visible within 1.5 s while the producer pauses")
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    func testNoWriteTransactionIsHeldWhileARetryWaits() throws {
        let db = scratch.path("a.sqlite")
        let slowAnswers = Mutex(0)
        let server = try MockHTTPServer { request in
            if request.path.hasSuffix("/slow"),
                slowAnswers.withLock({
                    $0 += 1
                    return $0
                }) == 1
            {
                return MockResponse(
                    status: 429, headers: [("Retry-After", "3"), ("Content-Type", "application/json")], body: Array(#"{"error": "slow down"}"#.utf8))
            }
            return MockResponse(status: 200, contentType: "application/json", text: #"{"call_details": {"status": "completed"}}"#)
        }
        defer { server.shutdown() }
        let p = try Harness.startCallhist(["archive", "--db", db, "fast", "slow"], env: Harness.environment(baseURL: server.baseURL + "/api"))
        Thread.sleep(forTimeInterval: 1.5)
        let reader = try Connection(path: db, mode: .readOnly)
        XCTAssertEqual(try reader.scalarString("SELECT status FROM calls WHERE call_id = 'fast'"), "completed", "committed before the wait")
        let writer = try Connection(path: db, busyTimeout: .zero)
        XCTAssertNoThrow(try writer.execute("BEGIN IMMEDIATE; ROLLBACK"), "no write lock is held while the retry waits")
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
    }

    // MARK: 5. Private files

    func testArchiveBackupExportAndMetricsAreBornPrivate() throws {
        mock = try MockProcess(["--calls", "5"])
        let db = scratch.path("a.sqlite")
        let metrics = scratch.path("m.prom")
        XCTAssertEqual(try run(["archive", "--db", db, "--metrics-file", metrics] + ids(1...5)).status, 0)
        XCTAssertEqual(mode(db), 0o600)
        XCTAssertEqual(mode(db + ".lock"), 0o600)
        XCTAssertEqual(mode(metrics), 0o600)
        XCTAssertEqual(try run(["export", "calls", "--db", db, "--output", scratch.path("x.csv")]).status, 0)
        XCTAssertEqual(mode(scratch.path("x.csv")), 0o600)
        chmod(scratch.path("x.csv"), 0o640)
        XCTAssertEqual(try run(["export", "calls", "--db", db, "--output", scratch.path("x.csv")]).status, 0)
        XCTAssertEqual(mode(scratch.path("x.csv")), 0o640, "an existing file keeps its owner's and group's bits")
        chmod(scratch.path("x.csv"), 0o644)
        XCTAssertEqual(try run(["export", "calls", "--db", db, "--output", scratch.path("x.csv")]).status, 0)
        XCTAssertEqual(mode(scratch.path("x.csv")), 0o640, "never others'")
        XCTAssertEqual(try run(["backup", scratch.path("b1.sqlite"), "--db", db]).status, 0)
        XCTAssertEqual(mode(scratch.path("b1.sqlite")), 0o600)
        chmod(db, 0o640)
        XCTAssertEqual(try run(["backup", scratch.path("b2.sqlite"), "--db", db]).status, 0)
        XCTAssertEqual(mode(scratch.path("b2.sqlite")), 0o640, "a backup takes its source's mode")
        // SQLite gives the -wal and -shm (kept between runs) the archive's mode.
        XCTAssertEqual(mode(db + "-wal"), 0o600)
        XCTAssertEqual(mode(db + "-shm"), 0o600)
    }

    // MARK: 6. Usage errors, not crashes

    func testHostileFlagsAreUsageErrors() throws {
        let db = scratch.path("a.sqlite")
        for flags in [
            ["--rate", "inf"], ["--rate", "1e-300"], ["--rate", "nan"], ["--rate", "1e10"], ["--stale-after", "1e20s"], ["--timeout", "1e17s"],
            ["--timeout", "0"], ["--max-runtime", "99999999999w"], ["--max-requests", "0"], ["--concurrency", "-1"], ["--retries", "999"],
        ] {
            let r = try run(["archive", "--db", db, "x"] + flags)
            XCTAssertEqual(r.status, 64, "\(flags): \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal"), r.stderr)
        }
        for args in [
            ["report", "summary", "--since", "99999999999999w"], ["report", "pending", "--limit", "-1"],
            ["report", "daily", "--until", "99999-01-01"],
        ] {
            let r = try run(args + ["--db", db])
            XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "a usage error touches nothing")
    }

    func testFoldersUnreadableFilesAndFullDisksAreClearErrors() throws {
        let db = scratch.path("a.sqlite")
        let folder = scratch.path("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var r = try run(["import", "--db", db, folder])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.contains("\(folder): it is a folder, not a file"), r.stderr)
        mock = try MockProcess(["--calls", "3"])
        r = try run(["archive", "--db", db, "--ids", folder])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.contains("is a folder"), r.stderr)
        XCTAssertEqual(try run(["archive", "--db", db] + ids(1...3)).status, 0)
        // stdout on a full disk: exit 74 naming what failed.
        let full = Process()
        full.executableURL = Harness.binDirectory.appendingPathComponent("callhist")
        full.arguments = ["export", "calls", "--db", db]
        full.environment = env
        full.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let err = Pipe()
        full.standardError = err
        try full.run()
        full.waitUntilExit()
        XCTAssertEqual(full.terminationStatus, 74)
        XCTAssertTrue(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("the disk is full"))
        r = try run(["export", "calls", "--db", db, "--output", scratch.path("missing/x.csv")])
        XCTAssertEqual(r.status, 74, r.stderr)
        XCTAssertTrue(r.stderr.contains("does not exist"), r.stderr)
        XCTAssertFalse(r.stderr.contains(".partial-"), "no temporary names in errors: \(r.stderr)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.contains("partial") }, [])
    }

    // MARK: 8. History only moves forward, through import

    func testImportingAnOlderBodyAfterTheFinalOneChangesNothing() throws {
        let db = scratch.path("a.sqlite")
        let final =
            #"{"call_id": "c1", "call_details": {"status": "completed", "attempts": "1", "duration": 30, "events": [{"event": "queued", "timestamp": 100}, {"event": "connected", "timestamp": 110}, {"event": "disconnected", "timestamp": 140}]}}"#
        let older =
            #"{"call_id": "c1", "call_details": {"status": "dialing", "attempts": "1", "events": [{"event": "queued", "timestamp": 100}, {"event": "dialing", "timestamp": 105}]}}"#
        XCTAssertEqual(try run(["import", "--db", db, "-"], stdin: final + "\n").status, 0)
        XCTAssertEqual(try run(["import", "--db", db, "-"], stdin: older + "\n").status, 0)
        let conn = try Connection(path: db, mode: .readOnly)
        XCTAssertEqual(try conn.scalarString("SELECT status || ' ' || is_final || ' ' || duration FROM calls"), "completed 1 30")
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM call_snapshots"), 2)
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM call_events"), 3)
    }

    // MARK: 9. Stale is not sticky

    func testStaleFollowsTheHorizonBothWaysAndABackwardClockChangesNothing() throws {
        // The mock's calls were queued 10–17 days before today; its clock is still.
        mock = try MockProcess(["--calls", "40", "--now", String(MockProcess.epoch - 10 * 86_400)])
        let db = scratch.path("a.sqlite")
        XCTAssertEqual(try run(["archive", "--db", db] + ids(1...40)).status, 0)
        let conn = try Connection(path: db, mode: .readOnly)
        let open = try XCTUnwrap(try conn.scalarInt("SELECT count(*) FROM calls WHERE is_final = 0"))
        XCTAssertGreaterThan(open, 0)
        XCTAssertEqual(try run(["archive", "--db", db, "--stale-after", "1d"]).status, 0)
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM calls WHERE is_stale = 1"), open)
        // (Each stats request is itself one 200 answer: hence the − 1s.)
        let before = try mock!.answered()
        XCTAssertEqual(try run(["archive", "--db", db, "--stale-after", "1d"]).status, 0)
        let after = try mock!.answered()
        XCTAssertEqual(after - before - 1, 0, "stale calls are not fetched")
        // A longer horizon: they are due again (they changed on their last check).
        XCTAssertEqual(try run(["archive", "--db", db, "--stale-after", "60d"]).status, 0)
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM calls WHERE is_stale = 1"), 0)
        XCTAssertEqual(try mock!.answered() - after - 1, Int(open))
        // A clock behind the last run: a warning, and nothing marked.
        let writer = try Connection(path: db)
        try writer.execute("UPDATE archive_runs SET started_at = started_at + 86400 WHERE run_id = (SELECT max(run_id) FROM archive_runs)")
        try writer.close()
        let r = try run(["archive", "--db", db, "--stale-after", "1d"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("warning: the clock"), r.stderr)
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM calls WHERE is_stale = 1"), 0)
    }

    // MARK: 12. Smaller items

    func testNetrcWarningProxyBypassAndMetricsOnFailure() throws {
        mock = try MockProcess(["--calls", "3"])
        let db = scratch.path("a.sqlite")
        let metrics = scratch.path("m.prom")
        let netrc = try scratch.write("netrc", "machine 127.0.0.1 login \(Harness.email) password \(Harness.key)\n")
        chmod(netrc, 0o644)
        var proxied = Harness.environment(baseURL: mock!.baseURL, key: nil)
        proxied["FUSE_EMAIL"] = nil
        // A proxy that does not exist: used, it would fail every request.
        proxied["http_proxy"] = "http://127.0.0.1:9"
        proxied["HTTP_PROXY"] = "http://127.0.0.1:9"
        proxied["ALL_PROXY"] = "http://127.0.0.1:9"
        var r = try Harness.callhist(["archive", "--db", db, "--netrc-file", netrc] + ids(1...3), env: proxied)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(
            r.stderr.contains("warning: the netrc file \(netrc) holds the developer key but is readable by every user (mode 644)"), r.stderr)
        XCTAssertFalse(r.stderr.contains(Harness.key))
        r = try Harness.callhist(
            ["archive", "--db", db, "--metrics-file", metrics, "call-0000099"], env: Harness.environment(baseURL: mock!.baseURL, key: "wrong"))
        XCTAssertEqual(r.status, 77)
        XCTAssertTrue(try String(contentsOfFile: metrics, encoding: .utf8).contains("callhist_archive_exit_code 77"))
        r = try Harness.callhist(["archive", "--db", db, "--metrics-file", metrics, "bad/id"], env: env)
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(
            try String(contentsOfFile: metrics, encoding: .utf8).contains("callhist_archive_exit_code 65"), "bad input still writes the metrics")
    }

    func testBackupFinishesUnderConstantWrites() throws {
        let db = scratch.path("a.sqlite")
        let lines = (1...20_000).map {
            #"{"call_id": "c\#($0)", "call_details": {"status": "queued", "note": "\#(String(repeating: "x", count: 200))"}}"#
        }
        XCTAssertEqual(try run(["import", "--db", db, "-"], stdin: lines.joined(separator: "\n")).status, 0)
        let stop = Mutex(false)
        let writer = Thread {
            guard let conn = try? Connection(path: db) else { return }
            var n = 0
            while !stop.withLock({ $0 }) {
                n += 1
                try? conn.execute("UPDATE calls SET last_error = '\(n)' WHERE call_id = 'c\(n % 20_000 + 1)'")
            }
        }
        writer.start()
        defer { stop.withLock { $0 = true } }
        let started = Date()
        let r = try run(["backup", scratch.path("b.sqlite"), "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        XCTAssertTrue(r.stdout.contains("20000 calls"), r.stdout)
    }

    func mode(_ path: String) -> Int? { (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil }
}

/// SHA-256 through sha256sum, an implementation independent of ours.
func sha256Hex(_ bytes: [UInt8]) -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    let input = Pipe()
    let output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    try? p.run()
    input.fileHandleForWriting.write(Data(bytes))
    try? input.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(String(decoding: out, as: UTF8.self).prefix(64))
}

import Foundation
import SQLite
import XCTest

/// The end-to-end archive runs, once on a SQLite file and once on a
/// PostgreSQL database (the test run's throwaway cluster): the same
/// commands, the same counts, the same report bytes (docs/postgresql.md).
final class ArchiveBackendsTests: XCTestCase {
    enum Backend: CaseIterable { case sqlite, postgres }

    var scratch: TemporaryDirectory!
    var mock: MockProcess?

    override func setUpWithError() throws { scratch = try TemporaryDirectory() }
    override func tearDown() {
        mock = nil
        scratch = nil
    }

    /// A new, empty archive location for `backend`.
    func location(_ backend: Backend, _ name: String = "a") throws -> String {
        switch backend {
        case .sqlite: scratch.path("\(name).sqlite")
        case .postgres: try PostgresCluster.server().createDatabase(name)
        }
    }

    /// One integer from either backend, by an independent client (sqlite3 or psql).
    func scalar(_ db: String, _ sql: String) throws -> Int {
        let text =
            db.hasPrefix("postgresql://")
            ? try PostgresCluster.psql(db, sql)
            : try Harness.run("/usr/bin/sqlite3", ["-readonly", db, sql]).stdout
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    // MARK: The suite, on each backend

    private func firstRunAndNightlyRerun(_ backend: Backend) throws -> [String: String] {
        let mock = try MockProcess(["--calls", "400", "--forbidden-rate", "0.05"])
        self.mock = mock
        let env = Harness.environment(baseURL: mock.baseURL)
        let db = try location(backend)
        let file = try scratch.write("ids.txt", ids(1...300).joined(separator: "\n") + "\ncall-0000001\ncall-9999999\n")
        let r = try Harness.callhist(["archive", "--db", db, "--ids", file, "call-0000350"], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("302 ids considered in "), r.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls"), 302)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome = 'not_found'"), 1)
        let forbidden = try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome = 'forbidden'")
        XCTAssertGreaterThan(forbidden, 0)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM call_snapshots"), 301 - forbidden)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM status_changes WHERE old_status IS NULL"), 301 - forbidden)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM archive_runs WHERE exit_code = 0 AND requested = 302 AND host IS NOT NULL"), 1)
        XCTAssertEqual(mock.requests, 303, "each id once (+1 for the stats request)")

        // The nightly rerun: final calls are not fetched; problems wait for their backoff.
        let again = try Harness.callhist(["archive", "--db", db, "--ids", file], env: env)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains(" final"), again.stderr)
        // Its words without the time taken: the same on both backends.
        let rerun = again.stderr.replacingOccurrences(of: #"in [0-9.]+s"#, with: "", options: .regularExpression)

        // Labels from a CSV and --label, and a dry run's plan.
        let csv = try scratch.write("l.csv", "call_id,campaign\ncall-0000001,spring\ncall-0000002,fall\n")
        let labelled = try Harness.callhist(["archive", "--db", db, "--ids", csv, "--label", "source=crm", "--force"], env: env)
        XCTAssertEqual(labelled.status, 0, labelled.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM call_labels"), 4)
        let plan = try Harness.callhist(["archive", "--db", db, "--ids", file, "--dry-run"], env: env)
        XCTAssertEqual(plan.status, 0, plan.stderr)

        var out: [String: String] = ["plan": plan.stdout, "rerun": rerun]
        for report in [["summary"], ["daily", "--utc"], ["attempts"], ["durations"], ["labels", "campaign"], ["pending", "--limit", "20"]] {
            let r = try Harness.callhist(["report"] + report + ["--format", "json", "--db", db], env: env)
            XCTAssertEqual(r.status, 0, r.stderr)
            out[report.joined(separator: " ")] = r.stdout
        }
        return out
    }

    func testArchiveRunsGiveTheSameAnswersOnBothBackends() throws {
        let sqlite = try firstRunAndNightlyRerun(.sqlite)
        let postgres = try firstRunAndNightlyRerun(.postgres)
        for (name, text) in sqlite where name != "pending --limit 20" {
            XCTAssertEqual(postgres[name], text, "\(name) differs between SQLite and PostgreSQL")
        }
        // Pending rows carry fetch times (the runs' own clocks): compare the ids.
        let ids = { (text: String?) in (text ?? "").components(separatedBy: "\"call_id\":").dropFirst().map { $0.prefix(14) } }
        XCTAssertEqual(ids(postgres["pending --limit 20"]), ids(sqlite["pending --limit 20"]))
        XCTAssertGreaterThan(ids(sqlite["pending --limit 20"]).count, 0)
    }

    func testForgetAndLabelDoTheSameOnBothBackends() throws {
        let mock = try MockProcess(["--calls", "100"])
        self.mock = mock
        let env = Harness.environment(baseURL: mock.baseURL)
        var outputs: [Backend: [String]] = [:]
        for backend in Backend.allCases {
            let db = try location(backend, "maint")
            let file = try scratch.write("ids.txt", ids(1...20).joined(separator: "\n") + "\ncall-9999998\ncall-9999999\n")
            XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--ids", file], env: env).status, 0)
            var out: [String] = []
            func run(_ args: [String], _ status: Int32) throws {
                let r = try Harness.callhist(args + ["--db", db], env: env)
                XCTAssertEqual(r.status, status, "\(backend) \(args): \(r.stderr)")
                out.append(r.stdout + r.stderr.replacingOccurrences(of: db, with: "DB"))
            }
            try run(["forget", "call-9999998", "call-9999999", "call-0000001"], 65)  // one has data: nothing forgotten
            XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls"), 22)
            try run(["forget", "call-9999998", "call-9999999", "call-0000404"], 0)
            XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls"), 20)
            try run(["forget", "--force", "call-0000001"], 0)
            XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls"), 19)
            XCTAssertEqual(try scalar(db, "SELECT count(*) FROM call_snapshots WHERE call_id = 'call-0000001'"), 0)
            XCTAssertEqual(try scalar(db, "SELECT count(*) FROM call_events WHERE call_id = 'call-0000001'"), 0)
            try run(["label", "--add", "campaign=spring", "--add", "team=a", "call-0000002", "call-0000003"], 0)
            try run(["label", "--remove", "team", "call-0000002"], 0)
            try run(["label", "--add", "x=y", "call-0000002", "call-0000404"], 65)  // an unknown id: nothing changed
            XCTAssertEqual(try scalar(db, "SELECT count(*) FROM call_labels"), 3)
            try run(["report", "labels", "campaign", "--format", "csv"], 0)
            outputs[backend] = out
        }
        XCTAssertEqual(outputs[.sqlite], outputs[.postgres])
    }

    func testImportGivesTheSameArchiveOnBothBackends() throws {
        let mock = try MockProcess(["--calls", "500", "--hostile-rate", "0.1"])
        self.mock = mock
        let env = Harness.environment(baseURL: mock.baseURL)
        let source = try location(.sqlite, "source")
        let csv = try scratch.write("ids.csv", "call_id,team\n" + (1...500).map { "\(ids($0...$0)[0]),t\($0 % 3)" }.joined(separator: "\n") + "\n")
        XCTAssertEqual(try Harness.callhist(["archive", "--db", source, "--ids", csv, "--concurrency", "16"], env: env).status, 0)
        let ndjson = scratch.path("calls.ndjson")
        XCTAssertEqual(try Harness.callhist(["export", "calls", "--format", "ndjson", "--db", source, "--output", ndjson], env: env).status, 0)
        var exports: [Backend: [String]] = [:]
        for backend in Backend.allCases {
            let db = try location(backend, "imported")
            let r = try Harness.callhist(["import", "--db", db, ndjson], env: env)
            XCTAssertEqual(r.status, 0, "\(backend): \(r.stderr)")
            XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL"), 500)
            XCTAssertEqual(try scalar(db, "SELECT count(*) FROM call_labels WHERE name = 'team'"), 500)
            exports[backend] = try ["calls ndjson", "events csv", "report summary", "report labels team", "report daily --utc"].map { what in
                let words = what.split(separator: " ").map(String.init)
                let args = words[0] == "report" ? words + ["--format", "json", "--db", db] : ["export", words[0], "--format", words[1], "--db", db]
                let r = try Harness.callhist(args, env: env)
                XCTAssertEqual(r.status, 0, r.stderr)
                return r.stdout
            }
        }
        XCTAssertEqual(exports[.sqlite], exports[.postgres])
        // And the import is the source archive again.
        XCTAssertEqual(exports[.postgres]?.first, try String(contentsOfFile: ndjson, encoding: .utf8))
    }

    func testRebuildRederivesOnPostgresAndRunsAlone() throws {
        let mock = try MockProcess(["--calls", "300", "--latency", "50"])
        self.mock = mock
        let env = Harness.environment(baseURL: mock.baseURL)
        let db = try location(.postgres, "rebuild")
        let file = try scratch.write("ids.txt", ids(1...300).joined(separator: "\n"))
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--ids", file, "--concurrency", "32"], env: env).status, 0)
        let before = try Harness.callhist(["report", "summary", "--format", "json", "--db", db], env: env).stdout
        // Another tool damages the derived columns and events; the bodies stay.
        try PostgresCluster.psql(db, "UPDATE calls SET status = 'mangled', attempts = 99 WHERE call_id <= 'call-0000100'")
        try PostgresCluster.psql(db, "DELETE FROM call_events WHERE call_id <= 'call-0000050'")
        XCTAssertNotEqual(try Harness.callhist(["report", "summary", "--format", "json", "--db", db], env: env).stdout, before)
        let rebuilt = try Harness.callhist(["rebuild", "--db", db], env: env)
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        XCTAssertTrue(rebuilt.stdout.contains("rebuilt 300 calls from their newest snapshots: 100 changed"), rebuilt.stdout)
        XCTAssertEqual(try Harness.callhist(["report", "summary", "--format", "json", "--db", db], env: env).stdout, before)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status = 'mangled'"), 0)
        // Not while an archive run writes: exit 75, and the run is untouched.
        let run = try Harness.startCallhist(["archive", "--db", db, "--ids", file, "--force", "--concurrency", "2"], env: env)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, ((try? scalar(db, "SELECT count(*) FROM archive_runs WHERE ended_at IS NULL")) ?? 0) == 0 { usleep(20_000) }
        let refused = try Harness.callhist(["rebuild", "--db", db], env: env)
        XCTAssertEqual(refused.status, 75, refused.stderr)
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 0)
    }

    func testAnInterruptedRunCarriesOnOnPostgres() throws {
        let mock = try MockProcess(["--calls", "300", "--latency", "100"])
        self.mock = mock
        let env = Harness.environment(baseURL: mock.baseURL)
        let db = try location(.postgres)
        let file = try scratch.write("ids.txt", ids(1...300).joined(separator: "\n"))
        let run = try Harness.startCallhist(["archive", "--db", db, "--ids", file, "--concurrency", "4"], env: env)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, ((try? scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL")) ?? 0) < 20 { usleep(50_000) }
        kill(run.processIdentifier, SIGTERM)
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 75)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM archive_runs WHERE exit_code = 75 AND ended_at IS NOT NULL"), 1)
        let kept = try scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL")
        XCTAssertEqual(try scalar(db, "SELECT fetched FROM archive_runs"), kept, "every call received is kept, and counted")
        let rest = try Harness.callhist(["archive", "--db", db, "--ids", file, "--concurrency", "16"], env: env)
        XCTAssertEqual(rest.status, 0, rest.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL"), 300)
    }

    // MARK: Several archivers at once (PostgreSQL)

    /// A new, migrated database and the environment of a fuse-mock of
    /// `calls` calls answering in `latency` ms (kept in `mock`).
    private func migratedPostgres(_ name: String, calls: Int, latency: Int) throws -> (db: String, env: [String: String]) {
        let mock = try MockProcess(["--calls", String(calls), "--latency", String(latency)])
        self.mock = mock
        let env = Harness.environment(baseURL: mock.baseURL)
        let db = try location(.postgres, name)
        XCTAssertEqual(try Harness.callhist(["migrate", "--db", db], env: env).status, 0)
        return (db, env)
    }

    /// `calls` calls archived, and nothing written twice: no snapshot, status change or event.
    private func assertEachCallOnce(_ db: String, _ calls: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL"), calls, file: file, line: line)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM call_snapshots"), calls, "no snapshot twice", file: file, line: line)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM status_changes"), calls, "no status change twice", file: file, line: line)
        XCTAssertEqual(
            try scalar(db, "SELECT count(*) FROM (SELECT call_id FROM call_events GROUP BY call_id, seq HAVING count(*) > 1) d"), 0, "no event twice",
            file: file, line: line)
    }

    /// `n` runs at once, each with its own ids file over an overlapping
    /// range of the same calls: every id is asked of the API once in all.
    private func concurrentArchivers(_ n: Int) throws {
        let (db, env) = try migratedPostgres("conc", calls: 2000, latency: 20)
        // Run k takes ids [k*300+1, k*300+900]: each overlaps its neighbours by 600.
        let files = try (0..<n).map { k in try scratch.write("ids\(k).txt", ids((k * 300 + 1)...(k * 300 + 900)).shuffled().joined(separator: "\n")) }
        let union = (n - 1) * 300 + 900
        let runs = try files.map { try Harness.startCallhist(["archive", "--db", db, "--ids", $0, "--concurrency", "8"], env: env) }
        for run in runs { run.waitUntilExit() }
        for run in runs { XCTAssertEqual(run.terminationStatus, 0) }
        let stats = try XCTUnwrap(mock).stats()
        XCTAssertEqual(stats["ids_requested"] as? Int, union)
        XCTAssertEqual(stats["ids_requested_twice"] as? Int, 0, "an id was fetched by two runs")
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL"), union)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM call_snapshots"), union)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM status_changes"), union, "one first status per call, no duplicate")
        XCTAssertEqual(try scalar(db, "SELECT sum(fetched) FROM archive_runs"), union)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM archive_runs WHERE exit_code = 0 AND host IS NOT NULL AND ended_at IS NOT NULL"), n)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM (SELECT call_id FROM call_events GROUP BY call_id, seq HAVING count(*) > 1) d"), 0)
        // Every run did some of the work.
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM archive_runs WHERE fetched > 0"), n)
    }

    func testTwoArchiversAtOnceFetchEveryIdOnce() throws { try concurrentArchivers(2) }
    func testFourArchiversAtOnceFetchEveryIdOnce() throws { try concurrentArchivers(4) }

    func testAKilledArchiversCallsAreTakenOverAndNothingIsDuplicated() throws {
        let (db, env) = try migratedPostgres("kill", calls: 1500, latency: 40)
        let a = try scratch.write("a.txt", ids(1...1000).joined(separator: "\n"))
        let b = try scratch.write("b.txt", ids(501...1500).joined(separator: "\n"))
        let victim = try Harness.startCallhist(["archive", "--db", db, "--ids", a, "--concurrency", "4"], env: env)
        let other = try Harness.startCallhist(["archive", "--db", db, "--ids", b, "--concurrency", "4"], env: env)
        // Mid-batch: once the victim has committed some calls.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, ((try? scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL")) ?? 0) < 150 { usleep(20_000) }
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        other.waitUntilExit()
        XCTAssertEqual(other.terminationStatus, 0)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM archive_runs WHERE ended_at IS NULL"), 1, "the killed run never finished")
        let doctor = try Harness.callhist(["doctor", "--db", db], env: env)
        XCTAssertTrue(doctor.stdout.contains("was killed"), doctor.stdout)
        // The successor takes over what the killed run had claimed.
        let successor = try Harness.callhist(["archive", "--db", db, "--ids", a], env: env)
        XCTAssertEqual(successor.status, 0, successor.stderr)
        try assertEachCallOnce(db, 1500)
        // Every call's events are its body's, once (body_json: the body as jsonb).
        XCTAssertEqual(
            try scalar(
                db,
                """
                SELECT count(*) FROM calls c JOIN call_snapshots s ON s.snapshot_id = c.snapshot_id
                WHERE coalesce(jsonb_array_length(s.body_json -> 'call_details' -> 'events'), 0)
                      <> (SELECT count(*) FROM call_events e WHERE e.call_id = c.call_id)
                """), 0)
        XCTAssertGreaterThan(try scalar(db, "SELECT count(*) FROM call_events"), 3000)
    }

    /// Issue 31: the PostgreSQL server restarted (`pg_ctl restart -m fast`)
    /// while three archivers run. Each ends with 75 saying the connection
    /// was lost (or 0 if it had finished), every run row is closed (on a
    /// new connection), and the next run completes everything with no call,
    /// snapshot or status change twice.
    func testAPostgresRestartMidRunEndsWith75ClosesTheRowsAndLosesNothing() throws {
        let (db, env) = try migratedPostgres("restart", calls: 3000, latency: 20)
        let files = try (0..<3).map { k in try scratch.write("ids\(k).txt", ids((k * 1000 + 1)...(k * 1000 + 1000)).joined(separator: "\n")) }
        let logs = (0..<3).map { scratch.path("run\($0).log") }
        let runs = try zip(files, logs).map { file, log in
            let p = Process()
            p.executableURL = Harness.binDirectory.appendingPathComponent("callhist")
            p.arguments = ["archive", "--db", db, "--ids", file, "--concurrency", "8"]
            p.environment = env
            FileManager.default.createFile(atPath: log, contents: nil)
            p.standardError = FileHandle(forWritingAtPath: log)
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            return p
        }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, ((try? scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL")) ?? 0) < 300 { usleep(20_000) }
        try PostgresCluster.server().restart()
        for run in runs { run.waitUntilExit() }
        XCTAssertEqual(runs.filter { $0.terminationStatus == 75 }.count + runs.filter { $0.terminationStatus == 0 }.count, 3)
        let texts = try logs.map { try String(contentsOfFile: $0, encoding: .utf8) }
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM archive_runs WHERE ended_at IS NULL"), 0, "every run row closed: \(texts)")
        let lost = try scalar(
            db,
            "SELECT count(*) FROM archive_runs WHERE exit_code = 75 AND message LIKE 'ended by an error: the connection to the database % was lost or refused%'"
        )
        let finished = try scalar(db, "SELECT count(*) FROM archive_runs WHERE exit_code = 0")
        XCTAssertEqual(lost + finished, 3, "\(texts)")
        XCTAssertEqual(lost, runs.filter { $0.terminationStatus == 75 }.count, "the row says what the exit code said")
        XCTAssertGreaterThan(lost, 0, "the restart cut at least one run: \(texts)")
        for text in texts where !text.contains("[run ") {
            XCTAssertTrue(text.contains("was lost or refused"), text)
            XCTAssertFalse(text.contains(try PostgresCluster.server().password), "no password in: \(text)")
        }
        // The next run completes the work; nothing is twice.
        let all = try scratch.write("all.txt", ids(1...3000).joined(separator: "\n"))
        let rest = try Harness.callhist(["archive", "--db", db, "--ids", all, "--concurrency", "16"], env: env)
        XCTAssertEqual(rest.status, 0, rest.stderr)
        try assertEachCallOnce(db, 3000)
    }
}

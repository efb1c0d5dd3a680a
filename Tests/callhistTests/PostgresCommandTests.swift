import Foundation
import Postgres
import XCTest

/// The PostgreSQL backend through the binary, against the test run's
/// throwaway cluster: one archive built by fuse-mock into SQLite, copied to
/// PostgreSQL, must give the same bytes for every report and export, and
/// copy back to identical exports (docs/postgresql.md).
final class PostgresCommandTests: XCTestCase {
    var dir: TemporaryDirectory!
    var mock: MockProcess?
    var server: PostgresCluster.Server!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory()
        server = try PostgresCluster.server()
    }

    override func tearDown() {
        mock = nil
        dir = nil
    }

    /// 2,000 calls over 30 days, 5% of them hostile bodies, 3 labelled:
    /// archived into SQLite by a real run against fuse-mock.
    private func sqliteArchive() throws -> (db: String, env: [String: String]) {
        let mock = try MockProcess(["--calls", "2000", "--days", "30", "--hostile-rate", "0.05", "--seed", "3"])
        self.mock = mock
        let env = Harness.environment(baseURL: mock.baseURL)
        let db = dir.path("a.sqlite")
        let ids = try dir.write("ids.txt", ids(1...2000).joined(separator: "\n") + "\n")
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--ids", ids, "--concurrency", "16"], env: env).status, 0)
        let labelled = try dir.write(
            "l.csv", "call_id,campaign,region\ncall-0000001,spring,north\ncall-0000002,spring,\"south, east\"\ncall-0000003,fall \"x\",north\n")
        let second = try Harness.callhist(["archive", "--db", db, "--ids", labelled, "--force"], env: env)
        XCTAssertEqual(second.status, 0, second.stderr)
        return (db, env)
    }

    func testEveryReportAndExportIsByteIdenticalAfterCopyingToPostgresAndBack() throws {
        let (sqlite, mockEnv) = try sqliteArchive()
        let pg = try server.createDatabase("parity")
        let copied = try Harness.callhist(["copy", "--from", sqlite, "--to", pg, "--chunk", "300"], env: mockEnv)
        XCTAssertEqual(copied.status, 0, copied.stderr)
        XCTAssertTrue(copied.stdout.contains("copied 2000 calls"), copied.stdout)
        XCTAssertTrue(copied.stdout.contains("call_labels: 6 rows (source 6)"), copied.stdout)
        XCTAssertFalse(copied.stdout.contains(server.password), "the password was printed")

        var env = mockEnv
        env["TZ"] = "America/New_York"
        let reports: [[String]] = [
            ["summary"], ["daily"], ["daily", "--by", "week"], ["daily", "--utc"], ["attempts"], ["durations"], ["pending"], ["runs"],
            ["labels", "campaign"], ["daily", "--label-column", "region"], ["anomalies", "--since", "@0"], ["summary", "--label", "campaign=spring"],
            ["call", "call-0000002"], ["summary", "--status", "completed"], ["durations", "--since", "@1"], ["pending", "--limit", "5"],
        ]
        var compared = 0
        for report in reports {
            for format in ["json", "csv", "table", "markdown"] {
                // Pending and anomalies count ages from the clock: a pair
                // that straddles a second is run again.
                var a = try Harness.callhist(["report"] + report + ["--format", format, "--db", sqlite], env: env)
                var b = try Harness.callhist(["report"] + report + ["--format", format, "--db", pg], env: env)
                for _ in 0..<3 where a.stdout != b.stdout {
                    a = try Harness.callhist(["report"] + report + ["--format", format, "--db", sqlite], env: env)
                    b = try Harness.callhist(["report"] + report + ["--format", format, "--db", pg], env: env)
                }
                XCTAssertEqual(a.status, 0, "\(report) \(format): \(a.stderr)")
                XCTAssertEqual(b.status, 0, "\(report) \(format): \(b.stderr)")
                XCTAssertEqual(a.stdout, b.stdout, "report \(report.joined(separator: " ")) --format \(format) differs")
                XCTAssertGreaterThan(a.stdout.count, 10)
                compared += 1
            }
        }
        XCTAssertEqual(compared, 64)
        // The numbers are the archive's, not two empty answers.
        let summary = try Harness.callhist(["report", "summary", "--format", "json", "--db", pg], env: env)
        XCTAssertTrue(summary.stdout.contains("\"calls\":2000") || summary.stdout.contains("\"calls\": 2000"), summary.stdout)

        let back = dir.path("back.sqlite")
        XCTAssertEqual(try Harness.callhist(["copy", "--from", pg, "--to", back], env: env).status, 0)
        for table in ["calls", "events", "snapshots"] {
            for format in ["csv", "ndjson"] {
                let a = try Harness.callhist(["export", table, "--format", format, "--db", sqlite], env: env)
                let b = try Harness.callhist(["export", table, "--format", format, "--db", pg], env: env)
                let c = try Harness.callhist(["export", table, "--format", format, "--db", back], env: env)
                XCTAssertEqual(a.status, 0, a.stderr)
                XCTAssertEqual(a.stdout, b.stdout, "export \(table) --format \(format): PostgreSQL differs from SQLite")
                XCTAssertEqual(a.stdout, c.stdout, "export \(table) --format \(format): the round trip differs")
            }
        }
        // The labelled call's NDJSON line carries its labels, quotes and all.
        let line = try Harness.callhist(["export", "calls", "--format", "ndjson", "--db", pg, "--label", "region=south, east"], env: env)
        XCTAssertTrue(line.stdout.contains(#""labels":{"campaign":"spring","region":"south, east"}"#), line.stdout)
        let doctor = try Harness.callhist(["doctor", "--db", back], env: env)
        XCTAssertTrue(doctor.stdout.contains("report aggregates match a recount of calls"), doctor.stdout)
    }

    func testAnInterruptedCopyCarriesOnAndEndsWithTheSameCounts() throws {
        let (sqlite, env) = try sqliteArchive()
        let pg = try server.createDatabase("resume")
        // One call per transaction, killed once the first are in (not after a
        // fixed time: a fast machine copied all 2,000 within a second): some
        // calls are there, not all.
        let copy = try Harness.startCallhist(["copy", "--from", sqlite, "--to", pg, "--chunk", "1"], env: env)
        func copied() throws -> Int {
            Int(try PostgresCluster.psql(pg, "SELECT count(*) FROM calls").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        let deadline = Date().addingTimeInterval(30)
        // Before the copy has made the schema, there is no table to count.
        while Date() < deadline, copy.isRunning, ((try? copied()) ?? 0) <= 0 { usleep(5_000) }
        kill(copy.processIdentifier, SIGKILL)
        copy.waitUntilExit()
        let partial = try copied()
        XCTAssertGreaterThan(partial, 0)
        XCTAssertLessThan(partial, 2000, "the copy finished before it was killed: nothing was resumed")
        // Every call there is whole: its snapshot and events came in its transaction.
        XCTAssertEqual(
            try PostgresCluster.psql(pg, "SELECT count(*) FROM calls WHERE snapshot_id IS NULL").trimmingCharacters(in: .whitespacesAndNewlines), "0")
        let resumed = try Harness.callhist(["copy", "--from", sqlite, "--to", pg], env: env)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("copied \(2000 - partial) calls"), resumed.stdout)
        for table in ["calls", "snapshots", "events"] {
            XCTAssertEqual(
                try Harness.callhist(["export", table, "--db", sqlite], env: env).stdout,
                try Harness.callhist(["export", table, "--db", pg], env: env).stdout, table)
        }
        // Into an archive that holds other calls: the counts differ, exit 65, and it says so.
        let other = dir.path("other.sqlite")
        let mock = try XCTUnwrap(self.mock)
        let otherIDs = try dir.write("o.txt", "call-0000005\n")
        XCTAssertEqual(
            try Harness.callhist(["archive", "--db", other, "--ids", otherIDs], env: Harness.environment(baseURL: mock.baseURL)).status, 0)
        let mixed = try Harness.callhist(["copy", "--from", other, "--to", pg], env: env)
        XCTAssertEqual(mixed.status, 65, mixed.stdout + mixed.stderr)
        XCTAssertTrue(mixed.stderr.contains("was not empty"), mixed.stderr)
    }

    /// A database the first releases created (its baseline recorded as
    /// version 1) reads as version 6, the same number SQLite gives that
    /// schema, and is upgraded to 7: one value per label name, the others
    /// kept in call_labels_merged, and `migrate` says how many.
    func testALegacyDatabaseReadsAsVersion6AndMigratesItsLabelsTo7() throws {
        let pg = try server.createDatabase("legacy")
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let baseline = try String(contentsOf: repo.appendingPathComponent("Migrations/postgresql/0006_initial.sql"), encoding: .utf8)
        _ = try PostgresCluster.psql(pg, baseline)
        _ = try PostgresCluster.psql(
            pg,
            """
            CREATE TABLE callhist_schema (version integer NOT NULL, applied_at bigint NOT NULL);
            INSERT INTO callhist_schema VALUES (1, 0);
            INSERT INTO call_labels VALUES ('c1', 'clinic', 'A'), ('c1', 'clinic', 'B'), ('c2', 'clinic', 'A');
            """)
        let migrated = try Harness.callhist(["migrate", "--db", pg], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(migrated.status, 0, migrated.stderr)
        XCTAssertEqual(
            migrated.stdout,
            "\(pg.replacingOccurrences(of: server.password, with: "***")): schema version 9\n"
                + "the schema upgrade merged 1 label value: a call now holds one value per label name (the greatest was kept; the others are in the table call_labels_merged)\n"
        )
        XCTAssertEqual(
            try PostgresCluster.psql(pg, "SELECT string_agg(call_id || ' ' || name || '=' || value, ',' ORDER BY call_id) FROM call_labels"),
            "c1 clinic=B,c2 clinic=A\n")
        XCTAssertEqual(try PostgresCluster.psql(pg, "SELECT value || '->' || kept FROM call_labels_merged"), "A->B\n")
        XCTAssertEqual(try PostgresCluster.psql(pg, "SELECT string_agg(version::text, ',' ORDER BY version) FROM callhist_schema"), "1,7,8,9\n")
    }

    func testMigrateDoctorAndWhatPostgresDoesNotOfferSayWhatToDoWithoutThePassword() throws {
        let pg = try server.createDatabase("cli")
        let env = Harness.environment(baseURL: nil)
        let migrated = try Harness.callhist(["migrate", "--db", pg], env: env)
        XCTAssertEqual(migrated.status, 0, migrated.stderr)
        XCTAssertEqual(migrated.stdout, "\(pg.replacingOccurrences(of: server.password, with: "***")): schema version 9\n")
        // A second host migrating at the same time finds it done.
        XCTAssertEqual(try Harness.callhist(["migrate", "--db", pg], env: env).status, 0)
        XCTAssertEqual(try PostgresCluster.psql(pg, "SELECT count(*) FROM callhist_schema").trimmingCharacters(in: .whitespacesAndNewlines), "4")

        // CALLHIST_DB names it as well as --db does.
        var viaEnv = env
        viaEnv["CALLHIST_DB"] = pg
        let doctor = try Harness.callhist(["doctor"], env: viaEnv)
        XCTAssertTrue(doctor.stdout.contains("connects; schema version 9 (PostgreSQL 15"), doctor.stdout)
        XCTAssertTrue(doctor.stdout.contains("0 calls"), doctor.stdout)

        let backup = try Harness.callhist(["backup", "--db", pg, dir.path("x.sqlite")], env: env)
        XCTAssertEqual(backup.status, 69)
        XCTAssertTrue(backup.stderr.contains("pg_dump"), backup.stderr)
        let datasette = try Harness.callhist(["export", "datasette-metadata", "--db", pg], env: env)
        XCTAssertEqual(datasette.status, 69)
        for r in [backup, datasette, doctor, migrated] {
            XCTAssertFalse((r.stdout + r.stderr).contains(server.password), "the password was shown: \(r.stdout) \(r.stderr)")
        }

        // A wrong password and a database that does not exist: exit 73, no password shown.
        let wrong = try Harness.callhist(["report", "summary", "--db", server.url(database: "postgres", password: "wr0ng-pw")], env: env)
        XCTAssertEqual(wrong.status, 73, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("password authentication failed"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("wr0ng-pw"), wrong.stderr)
        let missing = try Harness.callhist(["report", "summary", "--db", server.url(database: "nope")], env: env)
        XCTAssertEqual(missing.status, 73, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("\"nope\" does not exist"), missing.stderr)
        // An empty database that callhist never migrated: says how to start.
        let empty = try server.createDatabase("empty")
        let unmigrated = try Harness.callhist(["report", "summary", "--db", empty], env: env)
        XCTAssertEqual(unmigrated.status, 66, unmigrated.stderr)
        XCTAssertTrue(unmigrated.stderr.contains("callhist migrate"), unmigrated.stderr)
    }

    func testThePostgresSchemaHasTheSQLiteSchemasNames() throws {
        let pg = try server.createDatabase("names")
        let env = Harness.environment(baseURL: nil)
        XCTAssertEqual(try Harness.callhist(["migrate", "--db", pg], env: env).status, 0)
        let sqlite = dir.path("n.sqlite")
        XCTAssertEqual(try Harness.callhist(["migrate", "--db", sqlite], env: env).status, 0)
        // Every table and view of SQLite's that PostgreSQL keeps, with the same columns in the same order.
        let shared = [
            "archive_runs", "calls", "call_snapshots", "call_events", "status_changes", "call_labels",
            "calls_view", "call_events_view", "status_changes_view", "archive_runs_view", "calls_with_labels",
        ]
        for name in shared {
            let lite = try Harness.run("/usr/bin/sqlite3", [sqlite, "SELECT name FROM pragma_table_info('\(name)')"]).stdout
                .split(separator: "\n").map(String.init)
            let post = try PostgresCluster.psql(
                pg,
                """
                SELECT column_name FROM information_schema.columns WHERE table_name = '\(name)' ORDER BY ordinal_position
                """
            ).split(separator: "\n").map(String.init)
            XCTAssertFalse(lite.isEmpty, name)
            // PostgreSQL adds body_json to call_snapshots (jsonb beside the verbatim body).
            XCTAssertEqual(post.filter { $0 != "body_json" }, lite, name)
        }
        // The same query runs on both (a view, a label join, a time).
        let query = "SELECT count(*), min(queued_at) FROM calls_view v JOIN call_labels l ON l.call_id = v.call_id WHERE l.name = 'x'"
        XCTAssertEqual(try Harness.run("/usr/bin/sqlite3", [sqlite, query]).stdout, "0|\n")
        XCTAssertEqual(try PostgresCluster.psql(pg, query), "0|\n")
    }
}

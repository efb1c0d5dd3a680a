import Foundation
import SQLite
import XCTest

/// Issue "Runs an operator can steer": one schedule for ids files, the
/// dry-run list, forget, graceful stop, misconfiguration, honest summaries,
/// doctor --max-age — end to end through the built binary and fuse-mock.
final class OperatorRunTests: XCTestCase {
    var scratch: TemporaryDirectory!
    var mock: MockProcess?
    override func setUp() async throws { scratch = try TemporaryDirectory() }
    override func tearDown() async throws { mock = nil }

    func env(_ mock: MockProcess, extra: [String: String] = [:]) -> [String: String] {
        Harness.environment(baseURL: mock.baseURL, extra: extra)
    }

    func ints(_ db: String, _ sql: String) throws -> [String] {
        try Connection(path: db, mode: .readOnly).prepare(sql).map { $0.string(0) }
    }

    func scalar(_ db: String, _ sql: String) throws -> Int {
        Int(try Connection(path: db, mode: .readOnly).scalarInt(sql) ?? -1)
    }

    /// Status requests the mock answered 200 since `before` (its stats call excluded).
    func fetchedSince(_ before: Int, _ mock: MockProcess) throws -> Int { try mock.answered() - before - 1 }

    // MARK: 1. One schedule for every archived id

    func testAGrowingIdsFileFetchesOnlyWhatIsDue() throws {
        let mock = try MockProcess(["--calls", "90"])
        self.mock = mock
        let db = scratch.path("a.sqlite")
        let file = scratch.path("ids.txt")
        func write(_ range: ClosedRange<Int>) throws { try ids(range).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8) }
        func open(_ range: ClosedRange<Int>) throws -> Int {
            try scalar(db, "SELECT count(*) FROM calls WHERE is_final = 0 AND call_id IN (\(ids(range).map { "'\($0)'" }.joined(separator: ",")))")
        }

        try write(1...30)
        var before = try mock.answered()
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--ids", file], env: env(mock)).status, 0)
        XCTAssertEqual(try fetchedSince(before, mock), 30)
        let openA = try open(1...30)
        XCTAssertGreaterThan(openA, 0, "some calls of the first batch are still in progress")
        XCTAssertLessThan(openA, 30, "and some are final")

        // Run 2: the first 30 changed at their last check (they were new), so
        // the open ones are due; the 30 new ids are fetched.
        try write(1...60)
        before = try mock.answered()
        let second = try Harness.callhist(["archive", "--db", db, "--ids", file], env: env(mock))
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try fetchedSince(before, mock), openA + 30)
        XCTAssertTrue(second.stderr.contains("not fetched: \(30 - openA) final"), second.stderr)

        // Run 3: the first 30 were unchanged (the mock's clock stands still):
        // they wait an hour. Only the open calls of batch 2 and the new ids go out.
        try write(1...90)
        let openB = try open(31...60)
        // The dry-run list first, against a table computed by hand from the archive.
        let list = try Harness.callhist(["archive", "--db", db, "--ids", file, "--dry-run", "--list", "--format", "json"], env: env(mock))
        XCTAssertEqual(list.status, 0, list.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        var expected: [String: (String, Bool)] = [:]
        for id in ids(1...90) { expected[id] = ("new", true) }
        try Connection(path: db, mode: .readOnly).prepare("SELECT call_id, is_final, unchanged_checks FROM calls").forEachRow { r in
            let reason = r.int(1) == 1 ? "final" : (r.int(2) > 0 ? "waiting" : "changed")
            expected[r.string(0)] = (reason, reason == "changed")
        }
        XCTAssertEqual(rows.count, 90, "every id once: the archive holds no other open call")
        for row in rows {
            let id = try XCTUnwrap(row["call_id"] as? String)
            XCTAssertEqual(row["reason"] as? String, expected[id]?.0, id)
            XCTAssertEqual(row["fetch"] as? Bool, expected[id]?.1, id)
            XCTAssertEqual(row["source"] as? String, "given")
            XCTAssertEqual(row["at"] is String, row["reason"] as? String == "waiting", "waiting rows say until when: \(row)")
        }
        XCTAssertEqual(rows.filter { $0["reason"] as? String == "waiting" }.count, openA)
        XCTAssertTrue(list.stderr.contains("dry run: would fetch \(openB + 30) ids"), list.stderr)
        let csv = try Harness.callhist(["archive", "--db", db, "--ids", file, "--dry-run", "--list", "--format", "csv"], env: env(mock))
        XCTAssertEqual(csv.stdout.components(separatedBy: "\r\n").first, "call_id,source,fetch,reason,at")
        XCTAssertEqual(csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 91)
        let table = try Harness.callhist(["archive", "--db", db, "--ids", file, "--dry-run", "--list"], env: env(mock))
        XCTAssertTrue(table.stdout.contains("waiting until 20"), table.stdout)
        XCTAssertTrue(table.stdout.contains("due: changed"), table.stdout)
        // The counts add up: every requested id in exactly one bucket.
        let plain = try Harness.callhist(["archive", "--db", db, "--ids", file, "--dry-run"], env: env(mock))
        let total = try XCTUnwrap(plain.stdout.split(separator: "\n").first { $0.contains("total") })
        XCTAssertEqual(total.split(separator: " ").suffix(2).map(String.init), ["90", "0"], plain.stdout)

        before = try mock.answered()
        let third = try Harness.callhist(["archive", "--db", db, "--ids", file], env: env(mock))
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertEqual(try fetchedSince(before, mock), openB + 30, "only what is due: batch 2's open calls and the new ids")
        XCTAssertTrue(third.stderr.contains("\(openA) waiting (not due yet)"), third.stderr)
        XCTAssertEqual(try scalar(db, "SELECT requested FROM archive_runs ORDER BY run_id DESC LIMIT 1"), openB + 30)
    }

    func testStaleIdsInTheFileAreNotFetchedButTypedAndForcedOnesAre() throws {
        // Calls queued 10–17 days ago: with --stale-after 1d every open one is stale.
        let mock = try MockProcess(["--calls", "80", "--now", String(MockProcess.epoch - 10 * 86_400)])
        self.mock = mock
        let db = scratch.path("a.sqlite")
        let file = try scratch.write("ids.txt", ids(1...80).joined(separator: "\n"))
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--ids", file], env: env(mock)).status, 0)
        let open = try ints(db, "SELECT call_id FROM calls WHERE is_final = 0 ORDER BY call_id")
        XCTAssertGreaterThan(open.count, 1)

        var before = try mock.answered()
        let stale = try Harness.callhist(["archive", "--db", db, "--ids", file, "--stale-after", "1d"], env: env(mock))
        XCTAssertEqual(stale.status, 0, stale.stderr)
        XCTAssertEqual(try fetchedSince(before, mock), 0, "stale ids in the file are not fetched")
        XCTAssertTrue(stale.stderr.contains("80 ids considered in "), stale.stderr)
        XCTAssertTrue(stale.stderr.contains("\(open.count) stale"), stale.stderr)
        XCTAssertTrue(stale.stderr.contains("\(80 - open.count) final"), stale.stderr)

        // Typed: a person asked, so it is fetched although stale.
        before = try mock.answered()
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--stale-after", "1d", open[0]], env: env(mock)).status, 0)
        XCTAssertEqual(try fetchedSince(before, mock), 1)

        // --force: every given id, final ones included.
        before = try mock.answered()
        let forced = try Harness.callhist(["archive", "--db", db, "--ids", file, "--stale-after", "1d", "--force"], env: env(mock))
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try fetchedSince(before, mock), 80)

        // Nothing given and nothing due: the summary says so.
        let idle = try Harness.callhist(["archive", "--db", db, "--stale-after", "1d", "--no-refresh"], env: env(mock))
        XCTAssertTrue(idle.stderr.contains("nothing to fetch"), idle.stderr)
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--force"], env: env(mock)).status, 64, "--force needs ids")
    }

    // MARK: 2. forget

    func testForgetRemovesJunkAndRefusesCallsWithDataUnlessForced() throws {
        let mock = try MockProcess(["--calls", "10"])
        self.mock = mock
        let db = scratch.path("a.sqlite")
        let junk = ["bogus-1", "bogus-2", "bogus-3"]
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db] + junk + ids(1...3), env: env(mock)).status, 0)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome = 'not_found'"), 3)

        let refused = try Harness.callhist(["forget", "--db", db, "bogus-1", "call-0000001"], env: env(mock))
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("call-0000001") && refused.stderr.contains("--force"), refused.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls"), 6, "all or nothing: bogus-1 is still there")

        let file = try scratch.write("junk.txt", "bogus-2\nbogus-3\nnever-seen\n")
        let forgot = try Harness.callhist(["forget", "--db", db, "bogus-1", "--ids", file], env: env(mock))
        XCTAssertEqual(forgot.status, 0, forgot.stderr)
        XCTAssertEqual(forgot.stdout, "forgot 3 ids; 1 were not in the archive\n")
        XCTAssertEqual(try ints(db, "SELECT call_id FROM calls ORDER BY call_id"), ids(1...3))

        let events = try scalar(db, "SELECT count(*) FROM call_events WHERE call_id = 'call-0000001'")
        XCTAssertGreaterThan(events, 0)
        let forced = try Harness.callhist(["forget", "--db", db, "--force", "call-0000001"], env: env(mock))
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(forced.stdout, "forgot 1 ids (1 with their archived data)\n")
        for table in ["calls", "call_events", "call_snapshots", "status_changes"] {
            XCTAssertEqual(try scalar(db, "SELECT count(*) FROM \(table) WHERE call_id = 'call-0000001'"), 0, table)
        }
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls"), 2)
        let conn = try Connection(path: db, mode: .readOnly)
        XCTAssertEqual(try conn.scalarString("PRAGMA integrity_check"), "ok")
        XCTAssertEqual(try conn.scalarInt("SELECT count(*) FROM pragma_foreign_key_check"), 0)
    }

    // MARK: 3. Graceful stop

    func testSIGTERMMidRunRecordsTheRunKeepsTheCallsAndExits75() throws {
        let mock = try MockProcess(["--calls", "300", "--latency", "150"])
        self.mock = mock
        let db = scratch.path("a.sqlite")
        let metrics = scratch.path("callhist.prom")
        let file = try scratch.write("ids.txt", ids(1...300).joined(separator: "\n"))
        let run = try Harness.startCallhist(
            ["archive", "--db", db, "--ids", file, "--concurrency", "4", "--metrics-file", metrics],
            env: env(mock))
        // Wait until some answers are committed, then stop it as systemd would.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, ((try? scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL")) ?? 0) < 20 { usleep(50_000) }
        // While it runs, doctor names it from the lock.
        let running = try Harness.callhist(["doctor", "--db", db], env: env(mock))
        XCTAssertTrue(running.stdout.contains("is still running: run 1 (pid \(run.processIdentifier) on "), running.stdout)
        kill(run.processIdentifier, SIGTERM)
        run.waitUntilExit()
        XCTAssertEqual(run.terminationReason, .exit)
        XCTAssertEqual(run.terminationStatus, 75)

        let conn = try Connection(path: db, mode: .readOnly)
        let row = try XCTUnwrap(
            try conn.prepare("SELECT ended_at IS NOT NULL, exit_code, message, fetched, left_over FROM archive_runs").first([]) {
                (ended: $0.int(0), exit: $0.int(1), message: $0.string(2), fetched: $0.int(3), left: $0.int(4))
            })
        XCTAssertEqual(row.ended, 1)
        XCTAssertEqual(row.exit, 75)
        XCTAssertTrue(row.message.hasPrefix("interrupted by SIGTERM"), row.message)
        let kept = try scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL")
        XCTAssertEqual(kept, row.fetched, "every call received is kept, and counted")
        XCTAssertGreaterThanOrEqual(kept, 20)
        XCTAssertLessThan(kept, 300)
        XCTAssertEqual(row.fetched + row.left, 300)
        let prom = try String(contentsOfFile: metrics, encoding: .utf8)
        XCTAssertTrue(prom.contains("callhist_archive_exit_code 75\n"), prom)
        XCTAssertTrue(prom.contains("callhist_archive_fetched_ids \(row.fetched)\n"), prom)

        // doctor: the run ended (exit 75), it was not killed.
        let doctor = try Harness.callhist(["doctor", "--db", db], env: env(mock))
        XCTAssertTrue(doctor.stdout.contains("exited 75: interrupted by SIGTERM"), doctor.stdout)
        // The next run finishes the job.
        let next = try Harness.callhist(["archive", "--db", db, "--ids", file], env: env(mock))
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL"), 300)
    }

    func testASecondSignalEndsTheProcessAtOnceAndTheFileStaysValid() throws {
        // Answers take 3 s: the first SIGINT waits for them, the second does not.
        let mock = try MockProcess(["--calls", "50", "--latency", "3000"])
        self.mock = mock
        let db = scratch.path("a.sqlite")
        let run = try Harness.startCallhist(["archive", "--db", db, "--concurrency", "8"] + ids(1...50), env: env(mock))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, (try? mock.stats()["in_flight"] as? Int) ?? 0 < 8 { usleep(20_000) }
        let started = Date()
        kill(run.processIdentifier, SIGINT)
        usleep(200_000)
        XCTAssertTrue(run.isRunning, "the first signal lets the requests in flight finish")
        kill(run.processIdentifier, SIGINT)
        run.waitUntilExit()
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5, "the second signal did not wait for the answers")
        XCTAssertEqual(run.terminationReason, .uncaughtSignal)
        let conn = try Connection(path: db, mode: .readOnly)
        XCTAssertEqual(try conn.scalarString("PRAGMA quick_check"), "ok")
        // The second signal left its line in the lock file: doctor says how
        // the run ended, and the next writer closes its row with it.
        XCTAssertNil(try conn.scalarInt("SELECT ended_at FROM archive_runs WHERE run_id = 1"))
        let doctor = try Harness.callhist(["doctor", "--db", db], env: env(mock))
        XCTAssertTrue(
            doctor.stdout.contains("exited 130: ended at once by a second SIGINT (the first had asked it to stop); what it had committed is kept"),
            doctor.stdout)
        XCTAssertFalse(doctor.stdout.contains("was killed"), doctor.stdout)
        let next = try Harness.callhist(["archive", "--db", db, "--no-refresh", "call-0000001"], env: env(mock))
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(try conn.scalarInt("SELECT exit_code FROM archive_runs WHERE run_id = 1"), 130)
        let ended = try XCTUnwrap(try conn.scalarInt("SELECT ended_at FROM archive_runs WHERE run_id = 1"))
        XCTAssertLessThanOrEqual(abs(ended - Int64(started.timeIntervalSince1970)), 3, "when the second signal came")
        XCTAssertEqual(
            try conn.scalarString("SELECT message FROM archive_runs WHERE run_id = 1"),
            "ended at once by a second SIGINT (the first had asked it to stop); what it had committed is kept (recorded by the next writer, from the lock file)"
        )
    }

    // MARK: 4. Misconfiguration is not an answer

    func testAWrongBaseURLStopsWith78AndRecordsNothingAsNotFound() throws {
        let mock = try MockProcess(["--calls", "100"])
        self.mock = mock
        let db = scratch.path("a.sqlite")
        let wrong = "http://127.0.0.1:\(mock.port)"  // no /api: the web server's 404 page
        let r = try Harness.callhist(["archive", "--db", db, "--base-url", wrong, "--concurrency", "4"] + ids(1...100), env: env(mock))
        XCTAssertEqual(r.status, 78, r.stderr)
        XCTAssertTrue(r.stderr.contains("the server at \(wrong) is not the Fuse API"), r.stderr)
        XCTAssertTrue(r.stderr.contains("HTTP 404 with an HTML page (text/html): \"404 Not Found\""), r.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome IS NOT NULL"), 0, "nothing recorded as not found")
        XCTAssertEqual(try scalar(db, "SELECT exit_code FROM archive_runs"), 78)
        XCTAssertLessThanOrEqual(mock.requests, 6, "stopped at once: the requests in flight, and the stats one")

        let ping = try Harness.callhist(["doctor", "--db", db, "--ping", "--base-url", wrong], env: env(mock))
        XCTAssertEqual(ping.status, 1)
        XCTAssertTrue(ping.stdout.contains("FAIL  \(wrong) is not the Fuse API"), ping.stdout)

        // The API's own 404 for an unknown id is an answer, as before.
        let unknown = try Harness.callhist(["archive", "--db", db, "no-such-call"], env: env(mock))
        XCTAssertEqual(unknown.status, 0, unknown.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome = 'not_found'"), 1)
    }

    func testANetrcFileWithoutTheHostIsAConfigurationErrorBeforeAnyRequest() throws {
        let mock = try MockProcess(["--calls", "5"])
        self.mock = mock
        let db = scratch.path("a.sqlite")
        let netrc = try scratch.write("netrc", "machine fuse.plumvoice.com login \(Harness.email) password \(Harness.key)\n")
        chmod(netrc, 0o600)
        let noCreds = Harness.environment(baseURL: mock.baseURL, key: nil).filter { $0.key != "FUSE_EMAIL" }
        let r = try Harness.callhist(["archive", "--db", db, "--netrc-file", netrc, "call-0000001"], env: noCreds)
        XCTAssertEqual(r.status, 78, r.stderr)
        XCTAssertTrue(r.stderr.contains("has no entry for 127.0.0.1"), r.stderr)
        XCTAssertEqual(mock.requests, 1, "only the stats request: nothing was sent")
        // With the host (and a macdef and a comment around it) it works.
        try "# ours\nmacdef init\nmachine 127.0.0.1\n\nmachine 127.0.0.1 login \(Harness.email) password \(Harness.key)\n".write(
            toFile: netrc, atomically: false, encoding: .utf8)
        let ok = try Harness.callhist(["archive", "--db", db, "--netrc-file", netrc, "call-0000001"], env: noCreds)
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    // MARK: 5. Honest summaries

    func testSummariesNameWhyIdsWereLeft() throws {
        let mock = try MockProcess(["--calls", "40"])
        self.mock = mock
        let db = scratch.path("a.sqlite")
        let budget = try Harness.callhist(["archive", "--db", db, "--max-requests", "10", "--concurrency", "2"] + ids(1...40), env: env(mock))
        XCTAssertEqual(budget.status, 0, budget.stderr)
        XCTAssertTrue(
            budget.stderr.contains(
                "40 ids considered in ")
                && budget.stderr.contains(
                    ": 10 fetched (10 new, 0 changed, 0 unchanged), 0 not found, 0 forbidden, 0 failed, 30 left for the next run (budget reached) [run 1, 10 requests]"
                ),
            budget.stderr)
        XCTAssertTrue(budget.stderr.contains("30 left for the next run (budget reached)"), budget.stderr)
        // The progress line counts what the budget allows, not every id due.
        let progress = try Harness.callhist(
            [
                "archive", "--db", scratch.path("b.sqlite"), "--max-requests", "10", "--concurrency", "1",
                "--progress", "always",
            ] + ids(1...40), env: env(mock))
        XCTAssertTrue(progress.stderr.contains("archiving 10/10 (budget; 40 due)"), progress.stderr)
        XCTAssertFalse(progress.stderr.contains("/40"), progress.stderr)
        let refused = try Harness.callhist(
            ["archive", "--db", db, "--concurrency", "1"] + ids(1...40),
            env: Harness.environment(baseURL: mock.baseURL, key: "wrong"))
        XCTAssertEqual(refused.status, 77)
        XCTAssertTrue(refused.stderr.contains("left for the next run (stopped by the 401)"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("budget"), refused.stderr)
    }

    // MARK: 6. doctor --max-age

    func testDoctorMaxAgeAlarmsWhenTheLastSuccessIsOld() throws {
        let mock = try MockProcess(["--calls", "5"])
        self.mock = mock
        let db = scratch.path("a.sqlite")
        let none = try Harness.callhist(["migrate", "--db", db], env: env(mock))
        XCTAssertEqual(none.status, 0, none.stderr)
        let never = try Harness.callhist(["doctor", "--db", db, "--max-age", "36h"], env: env(mock))
        XCTAssertEqual(never.status, 1)
        XCTAssertTrue(never.stdout.contains("FAIL  no archive run has succeeded yet"), never.stdout)
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db] + ids(1...5), env: env(mock)).status, 0)
        let fresh = try Harness.callhist(["doctor", "--db", db, "--max-age", "36h"], env: env(mock))
        XCTAssertEqual(fresh.status, 0, fresh.stdout)
        XCTAssertTrue(
            fresh.stdout.contains("OK    last successful archive run ended 0s ago (--max-age 36h)")
                || fresh.stdout.contains("OK    last successful archive run ended 1s ago"), fresh.stdout)
        try Connection(path: db).execute("UPDATE archive_runs SET started_at = started_at - 2 * 86400, ended_at = ended_at - 2 * 86400")
        let old = try Harness.callhist(["doctor", "--db", db, "--max-age", "1d12h"], env: env(mock))
        XCTAssertEqual(old.status, 1)
        XCTAssertTrue(old.stdout.contains("FAIL  last successful archive run ended 2d"), old.stdout)
        XCTAssertEqual(try Harness.callhist(["doctor", "--db", db, "--max-age", "soon"], env: env(mock)).status, 64)
    }

    // MARK: 6b. Proxies and company CAs

    func testAnExplicitProxyCarriesEveryRequest() throws {
        let mock = try MockProcess(["--calls", "10"])
        self.mock = mock
        let db = scratch.path("a.sqlite")
        // Nothing listens on port 1: only the proxy (the mock, which accepts
        // absolute-form requests) can answer.
        let direct = try Harness.callhist(
            ["archive", "--db", db, "--base-url", "http://127.0.0.1:1/api", "--retries", "0", "call-0000001"], env: env(mock))
        XCTAssertEqual(direct.status, 69, direct.stderr)
        XCTAssertTrue(direct.stderr.contains("--proxy"), direct.stderr)
        let proxied = try Harness.callhist(
            ["archive", "--db", db, "--base-url", "http://127.0.0.1:1/api", "--proxy", "http://127.0.0.1:\(mock.port)"] + ids(1...10),
            env: env(mock))
        XCTAssertEqual(proxied.status, 0, proxied.stderr)
        XCTAssertEqual(try mock.stats()["via_proxy"] as? Int, 10)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL"), 10)
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--proxy", "not a url", "call-0000001"], env: env(mock)).status, 78)
    }

    func testACompanyCAIsTrustedOnlyWhenGiven() throws {
        let tls = try TLSServer(in: scratch)
        let db = scratch.path("a.sqlite")
        let base = "https://127.0.0.1:\(tls.port)/api"
        let e = Harness.environment(baseURL: base)
        let untrusted = try Harness.callhist(["doctor", "--db", db, "--ping"], env: e)
        XCTAssertTrue(untrusted.stdout.contains("certificate not trusted") && untrusted.stdout.contains("pass --cacert FILE"), untrusted.stdout)
        let archive = try Harness.callhist(["archive", "--db", db, "--retries", "0", "tls-call"], env: e)
        XCTAssertEqual(archive.status, 69, archive.stderr)
        XCTAssertTrue(archive.stderr.contains("certificate is not trusted") && archive.stderr.contains("--cacert"), archive.stderr)

        let trusted = try Harness.callhist(["doctor", "--db", db, "--ping", "--cacert", tls.certificate], env: e)
        XCTAssertTrue(trusted.stdout.contains("OK    API \(base) answered and accepted the credentials"), trusted.stdout)
        var withVariable = e
        withVariable["CALLHIST_CA_BUNDLE"] = tls.certificate
        let fetched = try Harness.callhist(["archive", "--db", db, "tls-call"], env: withVariable)
        XCTAssertEqual(fetched.status, 0, fetched.stderr)
        XCTAssertEqual(try ints(db, "SELECT status FROM calls WHERE call_id = 'tls-call'"), ["completed"])
        let missing = try Harness.callhist(["archive", "--db", db, "--cacert", scratch.path("nope.pem"), "tls-call"], env: e)
        XCTAssertEqual(missing.status, 78)
        XCTAssertTrue(missing.stderr.contains("nope.pem"), missing.stderr)
    }
}

/// An HTTPS server with a self-signed certificate for 127.0.0.1 (Python's
/// http.server and ssl), answering every status request with the
/// documented completed call: a stand-in for a TLS-inspecting network.
final class TLSServer {
    let process = Process()
    let port: Int
    let certificate: String

    init(in scratch: TemporaryDirectory) throws {
        certificate = scratch.path("ca.pem")
        let key = scratch.path("key.pem")
        let made = try Harness.bash(
            [
                "-c",
                "openssl req -x509 -newkey rsa:2048 -nodes -keyout \(key) -out \(certificate) -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1",
            ],
            env: ProcessInfo.processInfo.environment)
        guard made.status == 0 else { throw NSError(domain: "TLSServer", code: 1, userInfo: [NSLocalizedDescriptionKey: made.output]) }
        let script = """
            import http.server, ssl, sys
            body = b'{"call_details": {"status": "completed", "attempts": "1", "max_attempts": "1", "duration": 42, "queued_timestamp": "1795000000", "events": []}}'
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *a): pass
            s = http.server.HTTPServer(("127.0.0.1", 0), H)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[1], sys.argv[2])
            s.socket = ctx.wrap_socket(s.socket, server_side=True)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, certificate, key]
        guard let port = try Harness.startPrintingPort(process) else {
            process.terminate()
            throw NSError(domain: "TLSServer", code: 2, userInfo: [NSLocalizedDescriptionKey: "the TLS server did not start"])
        }
        self.port = port
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}

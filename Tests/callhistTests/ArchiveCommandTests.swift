import Foundation
import SQLite
import XCTest

final class ArchiveCommandTests: XCTestCase {
    var scratch: TemporaryDirectory!
    override func setUp() async throws { scratch = try TemporaryDirectory() }

    func scalar(_ db: String, _ sql: String) throws -> Int64? {
        try Connection(path: db, mode: .readOnly).scalarInt(sql)
    }

    func testArchivesIdsAndExitsZero() throws {
        let mock = try MockProcess(["--calls", "300"])
        let db = scratch.path("a.sqlite")
        let file = try scratch.write("ids.txt", "\u{FEFF}# campaign 7\r\n" + ids(1...200).joined(separator: "\r\n") + "\n\n  call-0000001  \n")
        let r = try Harness.callhist(
            ["archive", "--db", db, "--ids", file, "call-0000250", "call-0000201"], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("202 ids considered in "), r.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls"), 202)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status IS NULL"), 0)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM call_snapshots"), 202)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM status_changes WHERE old_status IS NULL"), 202, "the first status counts as a change")
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM archive_runs WHERE exit_code = 0 AND fetched = 202 AND requested = 202"), 1)
        XCTAssertEqual(mock.requests, 203, "duplicates fetched once (+1 for the stats request)")
        XCTAssertGreaterThan(try scalar(db, "SELECT count(*) FROM call_events") ?? 0, 400)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE phone_number LIKE '''%'"), 0, "quotes removed")
    }

    func testCSVWithCallIdColumnAndStdin() throws {
        let mock = try MockProcess(["--calls", "50"])
        let db = scratch.path("a.sqlite")
        let csv = try scratch.write("ids.csv", "campaign,call_id,note\nx,call-0000001,\"hello, world\"\ny,\"call-0000002\",\n")
        let r = try Harness.callhist(
            ["archive", "--db", db, "--ids", csv, "--ids", "-"], env: Harness.environment(baseURL: mock.baseURL),
            stdin: "call-0000003\ncall-0000001\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls"), 3)
    }

    func testRefusedIdStopsBeforeAnyRequestNamingFileAndLine() throws {
        let mock = try MockProcess()
        let db = scratch.path("a.sqlite")
        let file = try scratch.write("ids.txt", "call-0000001\n\ncall 0000002\n")
        let r = try Harness.callhist(["archive", "--db", db, "--ids", file], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.contains("ids.txt:3"), r.stderr)
        XCTAssertTrue(r.stderr.contains("white space"), r.stderr)
        XCTAssertEqual(mock.requests, 1, "only the stats request itself: nothing was fetched")
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls"), 0, "nothing was remembered")
        XCTAssertEqual(try scalar(db, "SELECT exit_code FROM archive_runs"), 65, "the refused run is recorded")
        let arg = try Harness.callhist(["archive", "--db", db, "ok-id", "bad/id"], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(arg.status, 65)
        XCTAssertTrue(arg.stderr.contains("argument 2"), arg.stderr)
    }

    func testUsageErrorsExit64() throws {
        let r = try Harness.callhist(["archive", "--concurrency", "0"], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssertEqual(try Harness.callhist(["archive", "--bogus-flag"], env: Harness.environment(baseURL: nil)).status, 64)
    }

    func testConfigurationErrorsExit78() throws {
        let db = scratch.path("a.sqlite")
        let noKey = try Harness.callhist(["archive", "--db", db, "x"], env: Harness.environment(baseURL: "http://127.0.0.1:9/api", key: nil))
        XCTAssertEqual(noKey.status, 78)
        XCTAssertTrue(noKey.stderr.contains("FUSE_DEVELOPER_KEY"), noKey.stderr)
        let plain = try Harness.callhist(["archive", "--db", db, "x"], env: Harness.environment(baseURL: "http://fuse.plumvoice.com/api"))
        XCTAssertEqual(plain.status, 78)
        XCTAssertTrue(plain.stderr.contains("https"), plain.stderr)
        let netrc = try Harness.callhist(
            ["archive", "--db", db, "--netrc-file", scratch.path("missing"), "x"], env: Harness.environment(baseURL: "http://127.0.0.1:9/api"))
        XCTAssertEqual(netrc.status, 78)
    }

    func testUnreachableAPIExits69() throws {
        let db = scratch.path("a.sqlite")
        let port: Int
        do { port = try MockProcess().port }  // the mock is gone once this scope ends
        let r = try Harness.callhist(
            ["archive", "--db", db, "--retries", "1", "call-0000001", "call-0000002"],
            env: Harness.environment(baseURL: "http://127.0.0.1:\(port)/api"))
        XCTAssertEqual(r.status, 69, r.stderr)
        XCTAssertTrue(r.stderr.contains("could not be reached"), r.stderr)
        XCTAssertEqual(
            try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome = 'failed' AND next_check_at <= strftime('%s','now')"), 2,
            "remembered and due again")
    }

    func testFailuresAfterRetriesExit75() throws {
        let mock = try MockProcess(["--error-rate", "1"])
        let db = scratch.path("a.sqlite")
        let r = try Harness.callhist(["archive", "--db", db, "--retries", "1", "call-0000001"], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(r.status, 75, r.stderr)
        XCTAssertEqual(mock.requests, 3, "1 try + 1 retry (+ stats)")
        XCTAssertEqual(try scalar(db, "SELECT last_http_code FROM calls"), 500)
    }

    func testWrongKeyExits77AtOnce() throws {
        let mock = try MockProcess(["--calls", "500", "--latency", "5"])
        let db = scratch.path("a.sqlite")
        let r = try Harness.callhist(
            ["archive", "--db", db, "--concurrency", "4", "--ids", try scratch.write("ids", ids(1...500).joined(separator: "\n"))],
            env: Harness.environment(baseURL: mock.baseURL, key: "wrong-key"))
        XCTAssertEqual(r.status, 77, r.stderr)
        XCTAssertTrue(r.stderr.contains("credentials"), r.stderr)
        let requests = mock.requests
        XCTAssertGreaterThanOrEqual(requests, 2, "the stats request answered: at least one status request and the stats one")
        XCTAssertLessThanOrEqual(requests, 5, "the run stopped at the first 401")
        XCTAssertEqual(try scalar(db, "SELECT exit_code FROM archive_runs"), 77)
        XCTAssertFalse(r.stderr.contains("wrong-key"))
    }

    func testSecondRunOnTheSameFileExits75WhileTheFirstHoldsIt() throws {
        let mock = try MockProcess(["--calls", "400", "--latency", "200"])
        let db = scratch.path("a.sqlite")
        let first = try Harness.startCallhist(
            ["archive", "--db", db, "--concurrency", "2", "--ids", try scratch.write("ids", ids(1...40).joined(separator: "\n"))],
            env: Harness.environment(baseURL: mock.baseURL))
        Thread.sleep(forTimeInterval: 0.8)
        let second = try Harness.callhist(["archive", "--db", db, "call-0000100"], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(second.status, 75, second.stderr)
        // The error names the holder: its run, pid, host and start.
        XCTAssertTrue(second.stderr.contains("run 1 (pid \(first.processIdentifier) on "), second.stderr)
        XCTAssertTrue(second.stderr.contains(", started 20"), second.stderr)
        // With --wait it says once which run it waits for, then runs.
        let waiter = try Harness.callhist(["archive", "--db", db, "--wait", "call-0000100"], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(waiter.status, 0, waiter.stderr)
        XCTAssertEqual(waiter.stderr.components(separatedBy: "waiting for run 1 (pid \(first.processIdentifier) on ").count, 2, waiter.stderr)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0)
    }

    func testSecondRunChangesNoCallData() throws {
        let mock = try MockProcess(["--calls", "300"])
        let db = scratch.path("a.sqlite")
        let file = try scratch.write("ids", ids(1...300).joined(separator: "\n"))
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "--ids", file], env: Harness.environment(baseURL: mock.baseURL)).status, 0)
        let before = try callDataDump(db)
        let changesBefore = try scalar(db, "SELECT count(*) FROM status_changes")
        let r = try Harness.callhist(["archive", "--db", db, "--ids", file], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(try callDataDump(db), before)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM status_changes"), changesBefore)
        XCTAssertEqual(try scalar(db, "SELECT changed FROM archive_runs WHERE run_id = 2"), 0)
    }

    func testRePollingAcrossSimulatedTime() throws {
        let mock = try MockProcess(["--calls", "2000"])
        let db = scratch.path("a.sqlite")
        let env = Harness.environment(baseURL: mock.baseURL)
        XCTAssertEqual(
            try Harness.callhist(["archive", "--db", db, "--ids", try scratch.write("ids", ids(1...2000).joined(separator: "\n"))], env: env).status,
            0)
        let pending = try scalar(db, "SELECT count(*) FROM calls WHERE is_final = 0") ?? 0
        XCTAssertGreaterThan(pending, 20, "some calls are still in progress")
        try mock.advance(seconds: 3 * 86_400)
        let before = mock.requests
        let second = try Harness.callhist(["archive", "--db", db], env: env)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(mock.requests - before - 1, Int(pending), "exactly the pending calls were re-checked")
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE is_final = 0"), 0, "they became final")
        XCTAssertGreaterThanOrEqual(try scalar(db, "SELECT count(*) FROM status_changes WHERE old_status IS NOT NULL") ?? 0, pending)
        let third = mock.requests
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db], env: env).status, 0)
        XCTAssertEqual(mock.requests - third - 1, 0, "final calls are not requested again")
    }

    func testLater404AndMalformedBodiesKeepArchivedData() throws {
        let db = scratch.path("a.sqlite")
        let all = ids(1...2000)
        do {
            let mock = try MockProcess(["--calls", "2000"])
            XCTAssertEqual(
                try Harness.callhist(
                    ["archive", "--db", db, "--ids", try scratch.write("ids", all.joined(separator: "\n"))],
                    env: Harness.environment(baseURL: mock.baseURL)
                ).status, 0)
        }
        let before = try callDataDump(db)
        let pending = try Connection(path: db, mode: .readOnly).prepare("SELECT call_id FROM calls WHERE is_final = 0").map { $0.string(0) }
        XCTAssertFalse(pending.isEmpty)
        do {
            // Another account's mock: every id is unknown there.
            let other = try MockProcess(["--calls", "1", "--seed", "9"])
            let r = try Harness.callhist(["archive", "--db", db, "--refresh-all"], env: Harness.environment(baseURL: other.baseURL))
            XCTAssertEqual(r.status, 0, "a 404 is an answer: \(r.stderr)")
        }
        XCTAssertEqual(try callDataDump(db), before, "404s did not touch archived data")
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome = 'not_found' AND status IS NOT NULL"), Int64(pending.count))
        do {
            let broken = try MockProcess(["--calls", "2000", "--malformed-rate", "1"])
            let r = try Harness.callhist(
                ["archive", "--db", db, "--refresh-all", "--retries", "0"], env: Harness.environment(baseURL: broken.baseURL))
            XCTAssertEqual(r.status, 75)
        }
        XCTAssertEqual(try callDataDump(db), before, "malformed bodies did not touch archived data")
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome = 'malformed'"), Int64(pending.count))
    }

    func testBudgetEndsCleanlyAndTheNextRunCarriesOn() throws {
        let mock = try MockProcess(["--calls", "300"])
        let db = scratch.path("a.sqlite")
        let env = Harness.environment(baseURL: mock.baseURL)
        let r = try Harness.callhist(
            [
                "archive", "--db", db, "--concurrency", "4", "--max-requests", "100", "--ids",
                try scratch.write("ids", ids(1...300).joined(separator: "\n")),
            ], env: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("200 left for the next run"), r.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL"), 100)
        XCTAssertEqual(try scalar(db, "SELECT left_over FROM archive_runs"), 200)
        let next = try Harness.callhist(["archive", "--db", db], env: env)
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status IS NULL"), 0, "the next run fetched the rest")
    }

    func testDryRunFetchesAndWritesNothing() throws {
        let mock = try MockProcess()
        let db = scratch.path("a.sqlite")
        let r = try Harness.callhist(
            ["archive", "--db", db, "--dry-run", "call-0000001", "call-0000002", "call-0000001"],
            env: Harness.environment(baseURL: mock.baseURL, key: nil))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("would fetch 2 ids"), r.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
        XCTAssertEqual(mock.requests, 1)
    }

    func testKillMidRunThenResumeEqualsAnUninterruptedRun() throws {
        let mock = try MockProcess(["--calls", "6000", "--latency", "2"])
        let env = Harness.environment(baseURL: mock.baseURL)
        let file = try scratch.write("ids", ids(1...6000).joined(separator: "\n"))
        let killed = scratch.path("killed.sqlite")
        let clean = scratch.path("clean.sqlite")
        for delay in [0.4, 0.9] {
            let p = try Harness.startCallhist(["archive", "--db", killed, "--concurrency", "4", "--ids", file], env: env)
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationReason, .uncaughtSignal)
            let check = try Connection(path: killed, mode: .readOnly)
            XCTAssertEqual(try check.scalarString("PRAGMA integrity_check"), "ok")
        }
        XCTAssertLessThan(try scalar(killed, "SELECT count(*) FROM calls WHERE status IS NOT NULL") ?? 0, 6000, "the kills interrupted the work")
        XCTAssertEqual(try Harness.callhist(["archive", "--db", killed, "--ids", file], env: env).status, 0)
        XCTAssertEqual(try Harness.callhist(["archive", "--db", clean, "--ids", file], env: env).status, 0)
        XCTAssertEqual(try callDataDump(killed), try callDataDump(clean))
        XCTAssertEqual(try scalar(killed, "SELECT count(*) FROM pragma_foreign_key_check"), 0)
        XCTAssertEqual(try scalar(killed, "SELECT count(*) FROM archive_runs WHERE ended_at IS NULL"), 2, "the killed runs show as unfinished")
    }

    func testReaderDuringARunNeverSeesLocked() throws {
        let mock = try MockProcess(["--calls", "5000"])
        let db = scratch.path("a.sqlite")
        let env = Harness.environment(baseURL: mock.baseURL)
        XCTAssertEqual(try Harness.callhist(["migrate", "--db", db], env: env).status, 0)
        let p = try Harness.startCallhist(
            ["archive", "--db", db, "--ids", try scratch.write("ids", ids(1...5000).joined(separator: "\n"))], env: env)
        let reader = try Connection(path: db, mode: .readOnly, busyTimeout: .zero)
        var reads = 0
        var errors: [String] = []
        while p.isRunning {
            do {
                _ = try reader.scalarInt("SELECT count(*) FROM calls_view")
                _ = try reader.scalarInt("SELECT count(*) FROM call_events_view")
                reads += 1
            } catch {
                errors.append("\(error)")
            }
        }
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(errors, [])
        XCTAssertGreaterThan(reads, 10)
    }

    func testDeveloperKeyAppearsNowhere() throws {
        let mock = try MockProcess(["--calls", "100", "--error-rate", "0.2"])
        let db = scratch.path("a.sqlite")
        let env = Harness.environment(baseURL: mock.baseURL)
        var output = ""
        for args in [
            ["archive", "--db", db, "--progress", "always", "--ids", try scratch.write("ids", ids(1...120).joined(separator: "\n"))],
            ["archive", "--db", db, "--dry-run"],
        ] {
            let r = try Harness.callhist(args, env: env)
            output += r.stdout + r.stderr
        }
        let wrong = try Harness.callhist(["archive", "--db", db, "x1"], env: Harness.environment(baseURL: mock.baseURL, key: "another-SECRET-key"))
        output += wrong.stdout + wrong.stderr
        XCTAssertFalse(output.contains(Harness.key))
        XCTAssertFalse(output.contains("another-SECRET-key"))
        for suffix in ["", "-wal", "-shm"] {
            guard let bytes = FileManager.default.contents(atPath: db + suffix) else { continue }
            XCTAssertNil(bytes.range(of: Data(Harness.key.utf8)), "key found in \(db + suffix)")
            XCTAssertNil(bytes.range(of: Data(Data(Harness.key.utf8).base64EncodedString().utf8)))
        }
    }
}

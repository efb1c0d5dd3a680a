import Foundation
import FuseMock
import SQLite
import TestSupport
import XCTest

/// The security and fault audit's findings (issue 31), each through the
/// built binary against a hostile server or a hostile neighbour
/// (docs/reliability.md).
final class TrustCommandTests: XCTestCase {
    var scratch: TemporaryDirectory!
    override func setUp() async throws { scratch = try TemporaryDirectory() }

    func scalar(_ db: String, _ sql: String) throws -> Int64? {
        try Connection(path: db, mode: .readOnly).scalarInt(sql)
    }

    /// A server that accepts and never answers, under --max-runtime: the ids
    /// whose retries the budget cut off are failures, the run exits 75 and
    /// records 75, and no run counts as the last success.
    func testAHungAPIUnderATimeBudgetIsNeverASuccess() throws {
        let hung = try SilentListener()
        let db = scratch.path("a.sqlite")
        let metrics = scratch.path("callhist.prom")
        let r = try Harness.callhist(
            [
                "archive", "--db", db, "--max-runtime", "3s", "--timeout", "1s", "--concurrency", "8",
                "--metrics-file", metrics,
            ] + ids(1...6), env: Harness.environment(baseURL: hung.baseURL))
        XCTAssertEqual(r.status, 75, r.stderr)
        XCTAssertTrue(r.stderr.contains("6 calls could not be fetched after retries"), r.stderr)
        XCTAssertTrue(r.stderr.contains("not retried: the run's budget (--max-runtime or --max-requests) ended first"), r.stderr)
        XCTAssertEqual(try scalar(db, "SELECT exit_code FROM archive_runs"), 75)
        XCTAssertEqual(try scalar(db, "SELECT failed FROM archive_runs"), 6)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome = 'failed' AND last_error LIKE '%timed out%not retried%'"), 6)
        XCTAssertTrue(try String(contentsOfFile: metrics, encoding: .utf8).contains("callhist_archive_exit_code 75\n"))
        let doctor = try Harness.callhist(["doctor", "--db", db, "--max-age", "36h"], env: [:])
        XCTAssertTrue(doctor.stdout.contains("FAIL  no archive run has succeeded yet (--max-age 36h)"), doctor.stdout)
    }

    /// Item 6: what a hung, trickling or stalling server may cost a run is
    /// bounded — the budget cancels what is in flight, the breaker ends a
    /// run whose every id hangs, and a `Retry-After` of 31 years holds nothing.
    func testAHungServerCostsBoundedTimeAndAHugeRetryAfterHoldsNothing() throws {
        let hung = try SilentListener()
        // --max-runtime 2s with a 30 s timeout: cancelled at the deadline, not 30 s later.
        var started = ContinuousClock.now
        let budget = try Harness.callhist(
            ["archive", "--db", scratch.path("b.sqlite"), "--max-runtime", "2s", "--timeout", "30s"] + ids(1...4),
            env: Harness.environment(baseURL: hung.baseURL))
        XCTAssertEqual(budget.status, 0, "nothing failed: the first attempts were cut, the ids are left over. \(budget.stderr)")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(6), "the in-flight requests are cancelled at the budget")
        XCTAssertTrue(budget.stderr.contains("4 left for the next run (budget reached)"), budget.stderr)

        // Two ids and no budget: (retries + 1) × timeout each before; the
        // breaker now ends it after one timeout and one failed probe.
        started = ContinuousClock.now
        let twoHung = try Harness.callhist(
            ["archive", "--db", scratch.path("h.sqlite"), "--timeout", "2s", "--give-up-after", "2s"] + ids(1...2),
            env: Harness.environment(baseURL: hung.baseURL))
        XCTAssertEqual(twoHung.status, 75, twoHung.stderr)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(9), "not 5 × 2 s plus backoff per id")
        XCTAssertTrue(twoHung.stderr.contains("(timeout ×"), twoHung.stderr)

        // Retry-After: 999999999 — the ids are the next run's, said so, and nothing is held.
        let server = try MockHTTPServer { _ in
            MockResponse(
                status: 429, headers: [("Retry-After", "999999999"), ("Content-Type", "application/json")],
                body: Array(#"{"error": "slow down"}"#.utf8))
        }
        defer { server.shutdown() }
        started = ContinuousClock.now
        let db = scratch.path("r.sqlite")
        let throttled = try Harness.callhist(["archive", "--db", db] + ids(1...3), env: Harness.environment(baseURL: server.baseURL + "/api"))
        XCTAssertEqual(throttled.status, 75, throttled.stderr)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
        XCTAssertTrue(
            throttled.stderr.contains(
                "3 ids were left for the next run: the API asked them to wait (Retry-After up to 999999999 s) longer than a run waits (300 s per id, 1800 s per run)."
            ), throttled.stderr)
        XCTAssertTrue(throttled.stderr.contains("3 left for the next run (the API asked them to wait)"), throttled.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome = 'failed'"), 0, "not failures: nothing recorded")
    }

    /// A lock file planted as a link to another file is refused, never
    /// followed: the file it points to keeps every byte, and so does the
    /// file a hard link shares its data with.
    func testAPlantedLockLinkIsRefusedAndItsTargetUntouched() throws {
        let mock = try MockProcess()
        let env = Harness.environment(baseURL: mock.baseURL)
        let shared = scratch.path("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        chmod(shared, 0o1777)
        let victim = try scratch.write("victim.txt", "the owner's precious lines\n")
        let db = shared + "/calls.sqlite"
        XCTAssertEqual(symlink(victim, db + ".lock"), 0)
        let r = try Harness.callhist(["archive", "--db", db, "call-0000001"], env: env)
        XCTAssertEqual(r.status, 73, r.stderr)
        XCTAssertTrue(r.stderr.contains("its lock file \(db).lock is a symbolic link; callhist never follows one there"), r.stderr)
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "the owner's precious lines\n")
        XCTAssertEqual(try mock.answered(), 0, "nothing was fetched")

        XCTAssertEqual(unlink(db + ".lock"), 0)
        XCTAssertEqual(link(victim, db + ".lock"), 0)
        let hard = try Harness.callhist(["archive", "--db", db, "call-0000001"], env: env)
        XCTAssertEqual(hard.status, 73, hard.stderr)
        XCTAssertTrue(hard.stderr.contains("has 2 names (a hard link to another file)"), hard.stderr)
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "the owner's precious lines\n")

        XCTAssertEqual(unlink(db + ".lock"), 0)
        let clean = try Harness.callhist(["archive", "--db", db, "call-0000001"], env: env)
        XCTAssertEqual(clean.status, 0, clean.stderr)
        var st = stat()
        XCTAssertEqual(stat(db + ".lock", &st), 0)
        XCTAssertEqual(st.st_mode & 0o7777, 0o600, "the lock it creates itself is private")
    }

    /// Two paths to one archive (a symbolic link beside the file) are one
    /// archive: a run through the link waits for, or is refused by, a run
    /// through the file.
    func testTwoPathsToOneArchiveShareOneLock() throws {
        let mock = try MockProcess()
        let db = scratch.path("calls.sqlite")
        let link = scratch.path("other-name.sqlite")
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "call-0000001"], env: Harness.environment(baseURL: mock.baseURL)).status, 0)
        XCTAssertEqual(symlink(db, link), 0)
        // A run through the file that holds its lock while the API hangs.
        let hung = try SilentListener()
        let holder = try Harness.startCallhist(
            ["archive", "--db", db, "--timeout", "20s", "--no-refresh", "call-0000002"],
            env: Harness.environment(baseURL: hung.baseURL))
        defer {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(10)
        // The lock file stays from the first run: wait until the holder has written itself into it.
        while (try? String(contentsOfFile: db + ".lock", encoding: .utf8))?.contains("pid=\(holder.processIdentifier) ") != true, Date() < deadline {
            usleep(50_000)
        }
        let second = try Harness.callhist(["archive", "--db", link, "call-0000003"], env: Harness.environment(baseURL: mock.baseURL))
        XCTAssertEqual(second.status, 75, second.stderr)
        XCTAssertTrue(second.stderr.contains("is writing \(link)"), second.stderr)
        XCTAssertEqual(try mock.answered(), 1, "the second run fetched nothing")
        XCTAssertFalse(FileManager.default.fileExists(atPath: link + ".lock"), "one lock, beside the file itself")
    }

    /// A proxy's password is never printed: not by a usage error, not by doctor's ping.
    func testAProxyPasswordIsNeverPrinted() throws {
        let mock = try MockProcess()
        let env = Harness.environment(baseURL: mock.baseURL)
        let bad = try Harness.callhist(["archive", "--db", scratch.path("a.sqlite"), "--proxy", "http://u:SECRETPASS@bad host", "c1"], env: env)
        XCTAssertEqual(bad.status, 78, bad.stderr)
        XCTAssertTrue(bad.stderr.contains(#"--proxy "http://u:***@bad host" is not a proxy URL"#), bad.stderr)
        // fuse-mock serves as the proxy (it answers absolute-form requests), so the ping succeeds through it.
        let ping = try Harness.callhist(
            ["doctor", "--db", scratch.path("a.sqlite"), "--ping", "--proxy", "http://u:SECRETPASS@127.0.0.1:\(mock.port)"], env: env)
        XCTAssertTrue(ping.stdout.contains("through the proxy http://u:***@127.0.0.1:\(mock.port)"), ping.stdout + ping.stderr)
        XCTAssertFalse((bad.stdout + bad.stderr + ping.stdout + ping.stderr).contains("SECRETPASS"))
    }

    /// A redirect is a configuration problem, not a failed call: the run
    /// stops at once with exit 78 naming where it pointed, follows nothing,
    /// and records nothing for the ids.
    func testARedirectIsAConfigurationErrorNamingItsLocation() throws {
        let server = try MockHTTPServer { _ in MockResponse(status: 302, headers: [("Location", "https://sso.example.com/login")]) }
        defer { server.shutdown() }
        let db = scratch.path("a.sqlite")
        let r = try Harness.callhist(["archive", "--db", db, "c1", "c2"], env: Harness.environment(baseURL: server.baseURL + "/api"))
        XCTAssertEqual(r.status, 78, r.stderr)
        XCTAssertTrue(r.stderr.contains("it answered HTTP 302, a redirect to https://sso.example.com/login, which callhist never follows"), r.stderr)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE last_outcome IS NOT NULL"), 0, "nothing recorded as failed")
        XCTAssertEqual(try scalar(db, "SELECT exit_code FROM archive_runs"), 78)
    }

    /// A 5 MB status from a hostile server: archived (body whole), but no
    /// report prints megabytes, and a long `--status` is not echoed back.
    func testAHugeStatusIsCutAndNeverFloodsAReport() throws {
        let huge = String(repeating: "S", count: 5_000_000)
        let server = try MockHTTPServer { _ in
            MockResponse(
                status: 200, contentType: "application/json", text: #"{"call_details": {"status": "\#(huge)", "queued_timestamp": "1795000000"}}"#)
        }
        defer { server.shutdown() }
        let db = scratch.path("a.sqlite")
        let r = try Harness.callhist(["archive", "--db", db, "c1"], env: Harness.environment(baseURL: server.baseURL + "/api"))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try scalar(db, "SELECT length(status) FROM calls"), Int64(256 + "…[cut: 5000000 bytes]".count))
        XCTAssertGreaterThan(try scalar(db, "SELECT length(body) FROM call_snapshots") ?? 0, 5_000_000, "the body is whole")
        for format in ["table", "csv", "json", "markdown"] {
            let summary = try Harness.callhist(["report", "summary", "--db", db, "--format", format], env: [:])
            XCTAssertEqual(summary.status, 0, summary.stderr)
            XCTAssertLessThan(summary.stdout.utf8.count, 10_000, format)
        }
        // (One argument may hold 128 KiB on Linux: 100,000 bytes stand for the audit's 5 MB.)
        let flag = try Harness.callhist(["report", "summary", "--db", db, "--status", String(repeating: "S", count: 100_000)], env: [:])
        XCTAssertEqual(flag.status, 64)
        XCTAssertEqual(flag.stderr, "callhist: --status is 100000 bytes long: no status is longer than 256 characters.\n")
    }

    /// Whatever the format, a terminal never gets the data's control bytes
    /// (ESC [2J clears it, OSC 52 writes the clipboard, U+202E reorders what
    /// is shown); a pipe gets the CSV exact; Markdown shows `<script>` as text.
    func testTerminalsNeverGetTheDatasControlBytes() throws {
        let event = "\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{07}\u{202e}<script>"
        let body =
            #"{"call_details": {"status": "queued", "queued_timestamp": "1795000000", "events": [{"event": "EVENT", "timestamp": 1795000000}]}}"#
        let server = try MockHTTPServer { _ in
            MockResponse(
                status: 200, contentType: "application/json",
                text: body.replacingOccurrences(of: "EVENT", with: #"\u001b[2J\u001b]52;c;ZXZpbA==\u0007\u202e<script>"#))
        }
        defer { server.shutdown() }
        let db = scratch.path("a.sqlite")
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db, "c1"], env: Harness.environment(baseURL: server.baseURL + "/api")).status, 0)
        let callhist = Harness.binDirectory.appendingPathComponent("callhist").path
        for args in [
            ["report", "call", "c1", "--format", "csv"], ["report", "call", "c1", "--format", "json"], ["export", "events", "--format", "csv"],
            ["export", "events", "--format", "ndjson"],
        ] {
            // `script` gives the command a terminal for its standard output.
            let command = ([callhist] + args + ["--db", db]).map { "'\($0)'" }.joined(separator: " ")
            let tty = try Harness.run("/usr/bin/script", ["-q", "-e", "-c", command, "/dev/null"], env: [:])
            XCTAssertEqual(tty.status, 0, "\(args): \(tty.stderr)")
            XCTAssertFalse(tty.stdout.contains("\u{1b}"), "\(args) wrote ESC to a terminal")
            XCTAssertFalse(tty.stdout.contains("\u{202e}"), "\(args) wrote U+202E to a terminal")
            XCTAssertFalse(tty.stdout.contains("\u{07}"), "\(args) wrote BEL to a terminal")
            XCTAssertTrue(tty.stdout.contains("\\u001b[2J"), "\(args): \(tty.stdout)")
        }
        let piped = try Harness.callhist(["export", "events", "--format", "csv", "--db", db], env: [:])
        XCTAssertTrue(piped.stdout.contains(event), "a pipe gets the CSV exact")
        let markdown = try Harness.callhist(["report", "call", "c1", "--format", "markdown", "--db", db], env: [:])
        XCTAssertTrue(markdown.stdout.contains("&lt;script&gt;"), markdown.stdout)
        XCTAssertFalse(markdown.stdout.contains("<script>"), markdown.stdout)
    }

    /// Item 11: a backup onto a full disk blames the copy's disk, leaves no
    /// partial file, and the archive is untouched.
    func testABackupOntoAFullDiskBlamesTheCopysDisk() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            throw XCTSkip("needs root to mount a small tmpfs in a private namespace")
        }
        let mock = try MockProcess(["--calls", "300"])
        let db = scratch.path("a.sqlite")
        XCTAssertEqual(try Harness.callhist(["archive", "--db", db] + ids(1...300), env: Harness.environment(baseURL: mock.baseURL)).status, 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let tiny = scratch.path("tiny")
        try FileManager.default.createDirectory(atPath: tiny, withIntermediateDirectories: true)
        let bin = Harness.binDirectory.appendingPathComponent("callhist").path
        let r = try Harness.run(
            "/usr/bin/unshare",
            [
                "--mount", "--propagation", "private", "bash", "-c",
                "mount -t tmpfs -o size=64k tmpfs '\(tiny)' && '\(bin)' backup --db '\(db)' '\(tiny)/copy.sqlite'; s=$?; ls -A '\(tiny)'; exit $s",
            ])
        XCTAssertEqual(r.status, 74, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot write \(tiny)/copy.sqlite: the disk holding it is full ("), r.stderr)
        XCTAssertTrue(r.stderr.contains("the archive is untouched"), r.stderr)
        XCTAssertFalse(r.stderr.contains("the disk holding \(db)"), "never the archive's disk: \(r.stderr)")
        XCTAssertEqual(r.stdout, "", "no partial file left on the full disk")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before)
    }

    /// Item 14: a run ended by a full disk closes its row with the reason
    /// (exit 74), so doctor never calls it killed; the next run, with space
    /// again, carries on.
    func testARunEndedByAFullDiskClosesItsRowWithTheReason() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            throw XCTSkip("needs root to mount a small tmpfs in a private namespace")
        }
        let mock = try MockProcess(["--calls", "3000"])
        let list = try scratch.write("ids.txt", ids(1...3000).joined(separator: "\n"))
        let disk = scratch.path("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let bin = Harness.binDirectory.appendingPathComponent("callhist").path
        let db = disk + "/a.sqlite"
        // An import of the same calls, as saved answers, fills the disk the same way.
        let source = scratch.path("source.sqlite")
        XCTAssertEqual(try Harness.callhist(["archive", "--db", source, "--ids", list], env: Harness.environment(baseURL: mock.baseURL)).status, 0)
        let saved = scratch.path("saved.ndjson")
        XCTAssertEqual(try Harness.callhist(["export", "calls", "--db", source, "--format", "ndjson", "--output", saved], env: [:]).status, 0)
        let script = """
            mount -t tmpfs -o size=400k tmpfs '\(disk)' || exit 99
            '\(bin)' import --db '\(disk)/i.sqlite' '\(saved)'; echo "import $?"
            '\(bin)' report runs --db '\(disk)/i.sqlite' --format csv | grep '^1,import,'
            rm -f '\(disk)'/i.sqlite*
            '\(bin)' archive --db '\(db)' --ids '\(list)'; echo "exit $?"
            '\(bin)' doctor --db '\(db)' | grep 'last run'
            mount -o remount,size=64m '\(disk)'
            '\(bin)' archive --db '\(db)' --ids '\(list)' --progress never; echo "exit $?"
            '\(bin)' report runs --db '\(db)' --format csv
            """
        let r = try Harness.run(
            "/usr/bin/unshare", ["--mount", "--propagation", "private", "bash", "-c", script], env: Harness.environment(baseURL: mock.baseURL))
        // CSV lines end in CRLF: split on every newline.
        var lines = r.stdout.components(separatedBy: .newlines).filter { !$0.isEmpty }
        XCTAssertEqual(lines.first, "import 74", r.stdout + r.stderr)
        XCTAssertTrue(lines.count > 1 && lines[1].contains(",74,ended by an error: the disk holding \(disk)/i.sqlite is full"), r.stdout)
        lines.removeFirst(min(2, lines.count))
        XCTAssertEqual(lines.first, "exit 74", r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("the disk holding \(db) is full"), r.stderr)
        XCTAssertTrue(
            lines.contains {
                $0.hasPrefix("WARN  last run 1 (archive, ") && $0.contains("exited 74: ended by an error: the disk holding \(db) is full")
            },
            r.stdout)
        XCTAssertFalse(r.stdout.contains("was killed"), r.stdout)
        XCTAssertTrue(lines.contains("exit 0"), r.stdout + r.stderr)
        let runs = lines.filter { $0.hasPrefix("1,") || $0.hasPrefix("2,") }
        XCTAssertEqual(runs.count, 2, r.stdout)
        XCTAssertTrue(runs.contains { $0.hasPrefix("1,archive,") && $0.contains(",74,") }, r.stdout)
    }

    /// The network dropping mid-response: a proxy that cuts one answer in
    /// ten part-way (headers or body). Every cut is retried, nothing cut is
    /// stored: the archive equals one fetched over a clean network.
    func testANetworkThatCutsAnswersMidwayStoresOnlyWholeBodies() throws {
        let mock = try MockProcess(["--calls", "1500"])
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        proxy.arguments = [repo.appendingPathComponent("scripts/lib/cutting-proxy.py").path, String(mock.port), "0.1", "7"]
        guard let port = try Harness.startPrintingPort(proxy) else { return XCTFail("the proxy did not start") }
        defer {
            proxy.terminate()
            proxy.waitUntilExit()
        }
        let list = try scratch.write("ids.txt", ids(1...1500).joined(separator: "\n"))
        let cut = scratch.path("cut.sqlite")
        let r = try Harness.callhist(["archive", "--db", cut, "--ids", list], env: Harness.environment(baseURL: "http://127.0.0.1:\(port)/api"))
        XCTAssertEqual(r.status, 0, r.stderr)
        let clean = scratch.path("clean.sqlite")
        XCTAssertEqual(try Harness.callhist(["archive", "--db", clean, "--ids", list], env: Harness.environment(baseURL: mock.baseURL)).status, 0)
        let bodies =
            "SELECT group_concat(c.call_id || ':' || s.body_sha256, ',') FROM (SELECT * FROM calls ORDER BY call_id) c JOIN call_snapshots s USING (snapshot_id)"
        let a = try Connection(path: cut, mode: .readOnly)
        let b = try Connection(path: clean, mode: .readOnly)
        XCTAssertEqual(try a.scalarString(bodies), try b.scalarString(bodies), "byte for byte the bodies of a clean network")
        XCTAssertEqual(try a.scalarInt("SELECT count(*) FROM calls WHERE status IS NOT NULL"), 1500)
        XCTAssertEqual(try a.scalarInt("SELECT count(*) FROM call_snapshots"), 1500, "no cut body kept beside a whole one")
        XCTAssertGreaterThan(try XCTUnwrap(try a.scalarInt("SELECT http_requests FROM archive_runs")), 1550, "the cuts were retried")
    }

    /// A FIFO no one opens for writing, and a stdin pipe that never sends,
    /// still honour SIGTERM; a FIFO whose writer comes later is read whole.
    func testSIGTERMStopsWaitingForAFIFOOrAPipeThatNeverWrites() throws {
        let mock = try MockProcess()
        let fifo = scratch.path("ids.fifo")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for (name, args, stdin) in [("fifo", ["--ids", fifo], nil), ("stdin", ["--ids", "-"], Pipe())] {
            let db = scratch.path("\(name).sqlite")
            let p = Process()
            p.executableURL = Harness.binDirectory.appendingPathComponent("callhist")
            p.arguments = ["archive", "--db", db] + args
            p.environment = Harness.environment(baseURL: mock.baseURL)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            p.standardInput = stdin ?? FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: 1)
            let took = terminate(p)
            XCTAssertEqual(p.terminationReason, .exit, "\(name): it ended by itself, not by the SIGKILL")
            XCTAssertEqual(p.terminationStatus, 75, name)
            XCTAssertLessThan(took, .seconds(2), name)
            XCTAssertEqual(try scalar(db, "SELECT exit_code FROM archive_runs"), 75, name)
        }
        // A writer that comes a second later: every line is read.
        let db = scratch.path("late.sqlite")
        let p = try Harness.startCallhist(["archive", "--db", db, "--ids", fifo], env: Harness.environment(baseURL: mock.baseURL))
        Thread.sleep(forTimeInterval: 1)
        let writer = try XCTUnwrap(FileHandle(forWritingAtPath: fifo))
        writer.write(Data("call-0000001\ncall-0000002\n".utf8))
        try writer.close()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        XCTAssertEqual(try scalar(db, "SELECT count(*) FROM calls WHERE status IS NOT NULL"), 2)
    }

    /// SIGTERM, then up to 10 s for the process to end by itself (SIGKILL
    /// after that, so a test never hangs); how long it took.
    func terminate(_ p: Process) -> Duration {
        let sent = ContinuousClock.now
        kill(p.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while p.isRunning, Date() < deadline { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        return ContinuousClock.now - sent
    }

    /// An endless ids input with no newline (`/dev/zero`) still honours
    /// SIGTERM: the run stops reading, records itself and exits 75.
    func testSIGTERMStopsReadingAnEndlessIdsInput() throws {
        let mock = try MockProcess()
        let db = scratch.path("a.sqlite")
        let p = try Harness.startCallhist(["archive", "--db", db, "--ids", "/dev/zero"], env: Harness.environment(baseURL: mock.baseURL))
        Thread.sleep(forTimeInterval: 1)
        _ = terminate(p)
        XCTAssertEqual(p.terminationReason, .exit, "it ended by itself, not by the SIGKILL")
        XCTAssertEqual(p.terminationStatus, 75)
        XCTAssertEqual(try scalar(db, "SELECT exit_code FROM archive_runs"), 75)
        XCTAssertEqual(try mock.answered(), 0)
    }
}

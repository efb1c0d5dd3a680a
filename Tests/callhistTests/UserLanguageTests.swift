import Foundation
import SQLite
import XCTest

/// Issue "Speak the user's language": right hours, empty answers that
/// explain themselves, errors in plain words, one naming across formats,
/// bars only on a terminal — through the built binary.
final class UserLanguageTests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: String!

    func record(_ id: String, queued: Int64, status: String = "completed") -> String {
        #"{"call_id":"\#(id)","call_details":{"status":"\#(status)","attempts":"1","max_attempts":"2","queued_timestamp":"\#(queued)","duration":30,"events":[]}}"#
    }

    /// Calls straddling both clock changes of America/New_York and Europe/London in 2026.
    static let straddling: [(String, Int64)] = [
        ("a", 1_772_951_400),  // 2026-03-08T06:30Z: New York 01:30 EST, London 06:30 GMT
        ("b", 1_772_953_800),  // 2026-03-08T07:10Z: New York 03:10 EDT (02:00–03:00 skipped)
        ("c", 1_774_744_200),  // 2026-03-29T00:30Z: London 00:30 GMT
        ("d", 1_774_746_600),  // 2026-03-29T01:10Z: London 02:10 BST (01:00–02:00 skipped)
        ("e", 1_792_888_200),  // 2026-10-25T00:30Z: London 01:30 BST
        ("f", 1_792_891_800),  // 2026-10-25T01:30Z: London 01:30 GMT (the hour again)
        ("g", 1_793_510_400),  // 2026-11-01T05:20Z: New York 01:20 EDT
        ("h", 1_793_514_000),  // 2026-11-01T06:20Z: New York 01:20 EST (the hour again)
        ("i", 1_793_515_200),  // 2026-11-01T06:40Z: New York 01:40 EST
    ]

    override func setUp() async throws {
        dir = try TemporaryDirectory()
        db = dir.path("r.sqlite")
        let file = try dir.write("calls.ndjson", Self.straddling.map { record($0.0, queued: $0.1) }.joined(separator: "\n") + "\n")
        let r = try Harness.callhist(["import", "--db", db, file], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func run(_ args: [String], tz: String = "UTC") throws -> Harness.Result {
        try Harness.callhist(args + ["--db", db], env: Harness.environment(baseURL: nil, extra: ["TZ": tz]))
    }

    func rows(_ args: [String], tz: String) throws -> [[String: Any]] {
        let r = try run(["report"] + args + ["--format", "json"], tz: tz)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
    }

    func summarize(_ rows: [[String: Any]], _ key: String) -> [String] {
        rows.map { "\($0[key] as? String ?? "?") \($0["calls"] as? Int ?? -1) \($0["start"] as? String ?? "?") \($0["end"] as? String ?? "?")" }
    }

    // MARK: 3. Right hours

    func testHoursAndDaysAcrossBothClockChangesOfTwoZones() throws {
        XCTAssertEqual(
            summarize(try rows(["daily", "--by", "hour"], tz: "America/New_York"), "hour"),
            [
                "2026-03-08T01:00-05:00 1 2026-03-08T01:00:00-05:00 2026-03-08T03:00:00-04:00",
                "2026-03-08T03:00-04:00 1 2026-03-08T03:00:00-04:00 2026-03-08T04:00:00-04:00",
                "2026-03-28T20:00-04:00 1 2026-03-28T20:00:00-04:00 2026-03-28T21:00:00-04:00",
                "2026-03-28T21:00-04:00 1 2026-03-28T21:00:00-04:00 2026-03-28T22:00:00-04:00",
                "2026-10-24T20:00-04:00 1 2026-10-24T20:00:00-04:00 2026-10-24T21:00:00-04:00",
                "2026-10-24T21:00-04:00 1 2026-10-24T21:00:00-04:00 2026-10-24T22:00:00-04:00",
                "2026-11-01T01:00-04:00 1 2026-11-01T01:00:00-04:00 2026-11-01T01:00:00-05:00",
                "2026-11-01T01:00-05:00 2 2026-11-01T01:00:00-05:00 2026-11-01T02:00:00-05:00",
            ])
        XCTAssertEqual(
            summarize(try rows(["daily"], tz: "America/New_York"), "day"),
            [
                "2026-03-08 2 2026-03-08T00:00:00-05:00 2026-03-09T00:00:00-04:00",
                "2026-03-28 2 2026-03-28T00:00:00-04:00 2026-03-29T00:00:00-04:00",
                "2026-10-24 2 2026-10-24T00:00:00-04:00 2026-10-25T00:00:00-04:00",
                "2026-11-01 3 2026-11-01T00:00:00-04:00 2026-11-02T00:00:00-05:00",
            ])
        XCTAssertEqual(
            summarize(try rows(["daily", "--by", "hour"], tz: "Europe/London"), "hour"),
            [
                "2026-03-08T06:00+00:00 1 2026-03-08T06:00:00+00:00 2026-03-08T07:00:00+00:00",
                "2026-03-08T07:00+00:00 1 2026-03-08T07:00:00+00:00 2026-03-08T08:00:00+00:00",
                "2026-03-29T00:00+00:00 1 2026-03-29T00:00:00+00:00 2026-03-29T02:00:00+01:00",
                "2026-03-29T02:00+01:00 1 2026-03-29T02:00:00+01:00 2026-03-29T03:00:00+01:00",
                "2026-10-25T01:00+01:00 1 2026-10-25T01:00:00+01:00 2026-10-25T01:00:00+00:00",
                "2026-10-25T01:00+00:00 1 2026-10-25T01:00:00+00:00 2026-10-25T02:00:00+00:00",
                "2026-11-01T05:00+00:00 1 2026-11-01T05:00:00+00:00 2026-11-01T06:00:00+00:00",
                "2026-11-01T06:00+00:00 2 2026-11-01T06:00:00+00:00 2026-11-01T07:00:00+00:00",
            ])
        XCTAssertEqual(
            summarize(try rows(["daily"], tz: "Europe/London"), "day"),
            [
                "2026-03-08 2 2026-03-08T00:00:00+00:00 2026-03-09T00:00:00+00:00",
                "2026-03-29 2 2026-03-29T00:00:00+00:00 2026-03-30T00:00:00+01:00",
                "2026-10-25 2 2026-10-25T00:00:00+01:00 2026-10-26T00:00:00+00:00",
                "2026-11-01 3 2026-11-01T00:00:00+00:00 2026-11-02T00:00:00+00:00",
            ])
        // --utc: plain UTC hours, times in Z.
        let utc = try rows(["daily", "--by", "hour", "--utc"], tz: "America/New_York")
        XCTAssertEqual(utc.first?["hour"] as? String, "2026-03-08T06:00")
        XCTAssertEqual(utc.first?["start"] as? String, "2026-03-08T06:00:00Z")
        // Weeks start on Monday, months on the 1st, in the local zone.
        XCTAssertEqual(
            summarize(try rows(["daily", "--by", "week"], tz: "America/New_York"), "week").first,
            "2026-03-02 2 2026-03-02T00:00:00-05:00 2026-03-09T00:00:00-04:00")
        XCTAssertEqual(
            summarize(try rows(["daily", "--by", "month"], tz: "Europe/London"), "month"),
            [
                "2026-03 4 2026-03-01T00:00:00+00:00 2026-04-01T00:00:00+01:00", "2026-10 2 2026-10-01T00:00:00+01:00 2026-11-01T00:00:00+00:00",
                "2026-11 3 2026-11-01T00:00:00+00:00 2026-12-01T00:00:00+00:00",
            ])
    }

    // MARK: 4. Empty answers explain themselves

    func testUnknownStatusesEmptyPeriodsAndReversedDates() throws {
        let unknown = try run(["report", "summary", "--status", "complete"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(
            unknown.stderr.contains(
                "--status complete: no call has that status. Known statuses: queued, dialing, connected, completed, canceled, failed, rejected."),
            unknown.stderr)
        let upper = try run(["report", "summary", "--status", "COMPLETED", "--format", "json"])
        XCTAssertEqual(upper.status, 0, upper.stderr)
        XCTAssertTrue(upper.stdout.hasPrefix(#"{"calls":9,"#), upper.stdout)
        let empty = try run(["report", "daily", "--since", "2027-01-01"])
        XCTAssertEqual(empty.status, 0)
        XCTAssertTrue(
            empty.stderr.contains("no call matches queued since 2027-01-01; the archive holds 9 calls queued from 2026-03-08 to 2026-11-01."),
            empty.stderr)
        let reversed = try run(["report", "daily", "--since", "today", "--until", "2026-11-02"])
        XCTAssertEqual(reversed.status, 64)
        XCTAssertTrue(reversed.stderr.contains("--since today is not before --until 2026-11-02"), reversed.stderr)
        XCTAssertEqual(try run(["report", "runs", "--since", "today", "--until", "2020-01-01"]).status, 64)
    }

    // MARK: 5. Errors in plain words

    func testErrorsNameTheFileAndWhatToDoWithoutInternals() throws {
        let notADatabase = try dir.write("notes.txt", String(repeating: "not a database\n", count: 200))
        let folder = dir.path("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cases: [([String], Int32, String)] = [
            (["report", "summary", "--db", notADatabase], 65, "\(notADatabase) is not a callhist archive"),
            (["report", "summary", "--db", folder], 66, "\(folder) is a folder, not an archive file"),
            (["archive", "--db", folder, "x"], 66, "is a folder, not an archive file"),
            (["report", "summary", "--db", dir.path("nope.sqlite")], 66, "does not exist"),
            (["archive", "--db", dir.path("nodir/x.sqlite"), "x"], 73, "the folder \(dir.path("nodir")) does not exist"),
            (["archive", "--db", db, "--ids", folder], 65, "it is a folder, not a file"),
            (["backup", dir.path("nodir/b.sqlite"), "--db", db], 74, "the folder \(dir.path("nodir")) does not exist"),
            (["backup", db, "--db", db, "--force"], 65, "is the archive itself"),
            (["export", "calls", "--db", db, "--output", dir.path("nodir/x.csv")], 74, "the folder \(dir.path("nodir")) does not exist"),
            (["export", "calls", "--db", db, "--output", folder], 74, "it is a folder; name a file in it"),
        ]
        for (args, status, words) in cases {
            let r = try Harness.callhist(args, env: Harness.environment(baseURL: "http://127.0.0.1:1/api"))
            XCTAssertEqual(r.status, status, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(words), "\(args): \(r.stderr)")
            for leak in ["SQLite error", "PRAGMA", "NSCocoaErrorDomain", ".partial-", ".lock", "Usage: callhist <subcommand>", "in: "] {
                XCTAssertFalse(r.stderr.contains(leak), "\(args): \(leak) in \(r.stderr)")
            }
        }
    }

    // MARK: 7. One naming

    /// The keys of the first JSON object in `text`, in the order written.
    func keyOrder(_ text: String) throws -> [String] {
        let object = try XCTUnwrap(text.range(of: #"\{[^{}\[]*\}"#, options: .regularExpression).map { String(text[$0]) })
        let keys = try NSRegularExpression(pattern: #""([a-z_]+)":"#)
        return keys.matches(in: object, range: NSRange(object.startIndex..., in: object)).map { String(object[Range($0.range(at: 1), in: object)!]) }
    }

    func testCSVHeadersAreTheJSONKeysInTheSameOrder() throws {
        // One call still open, for `pending`: attempts and max_attempts typed apart.
        let pendingFile = try dir.write(
            "p.ndjson",
            #"{"call_id":"p1","call_details":{"status":"dialing","attempts":"2","max_attempts":"3","queued_timestamp":"1795000000"}}"# + "\n")
        XCTAssertEqual(try run(["import", pendingFile]).status, 0)
        for args in [["daily"], ["daily", "--by", "hour"], ["runs"], ["pending"]] {
            let csv = try run(["report"] + args + ["--format", "csv"]).stdout
            let json = try run(["report"] + args + ["--format", "json"]).stdout
            let header = csv.components(separatedBy: "\r\n")[0].components(separatedBy: ",")
            XCTAssertEqual(header, try keyOrder(json), "\(args)")
        }
        let runs = try run(["report", "runs", "--format", "csv"]).stdout
        XCTAssertTrue(runs.hasPrefix("run_id,kind,started_at,ended_at,seconds,"), runs)
        XCTAssertTrue(runs.contains(",exit_code,message,version\r\n"), runs)
        let table = try run(["report", "runs"]).stdout
        XCTAssertTrue(table.contains("Message"), "a person reads titles: \(table)")
        XCTAssertFalse(table.contains("exit_code"), table)
        let version = try XCTUnwrap(try Connection(path: db, mode: .readOnly).scalarString("SELECT version FROM archive_runs"))
        XCTAssertTrue(version.hasPrefix("0."), version)

        let pending = try run(["report", "pending", "--format", "csv"]).stdout.components(separatedBy: "\r\n")
        XCTAssertEqual(
            pending[0],
            "call_id,status,queued_timestamp,open_seconds,attempts,max_attempts,last_fetched_at,next_check_at,stale,last_outcome,last_error")
        let p1 = pending[1].components(separatedBy: ",")
        XCTAssertEqual([p1[0], p1[1], p1[2], p1[4], p1[5], p1[8]], ["p1", "dialing", "2026-11-18T11:06:40Z", "2", "3", "false"])

        // report call: full times with their offset.
        let call = try run(["report", "call", "h"], tz: "America/New_York").stdout
        XCTAssertTrue(call.contains("queued_timestamp        2026-11-01T01:20:00-05:00"), call)
        let events = try run(["report", "call", "h", "--format", "csv"]).stdout
        XCTAssertTrue(events.hasPrefix("seq,event,timestamp,since_previous\r\n"), events)
    }

    func testBarsOnlyOnATerminalTable() throws {
        let bar = "█"
        for format in ["table", "markdown", "csv", "json"] {
            let piped = try run(["report", "durations", "--format", format]).stdout
            XCTAssertFalse(piped.contains(bar), "\(format), piped: \(piped)")
        }
        // Under a pseudo-terminal (script(1)), the table gets its bars; --no-chart removes them.
        let callhist = Harness.binDirectory.appendingPathComponent("callhist").path
        let tty = try Harness.bash(
            ["-c", "script -qec '\(callhist) report durations --db \(db!)' /dev/null"], env: Harness.environment(baseURL: nil))
        XCTAssertTrue(tty.output.contains(bar), tty.output)
        let off = try Harness.bash(
            ["-c", "script -qec '\(callhist) report durations --no-chart --db \(db!)' /dev/null"], env: Harness.environment(baseURL: nil))
        XCTAssertFalse(off.output.contains(bar), off.output)
        let markdown = try Harness.bash(
            ["-c", "script -qec '\(callhist) report daily --format markdown --db \(db!)' /dev/null"], env: Harness.environment(baseURL: nil))
        XCTAssertFalse(markdown.output.contains(bar), markdown.output)
    }
}

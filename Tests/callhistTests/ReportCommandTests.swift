import Foundation
import SQLite
import XCTest

final class ReportCommandTests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: String!

    func record(_ id: String, _ status: String, queued: Int64, duration: Int? = nil, attempts: Int = 1, max: Int = 2) -> String {
        #"{"call_id":"\#(id)","call_details":{"status":"\#(status)","attempts":"\#(attempts)","max_attempts":"\#(max)","queued_timestamp":"\#(queued)","duration":\#(duration.map(String.init) ?? "null"),"phone_number":"'6175550000'","events":[{"event":"queued","timestamp":\#(queued)}]}}"#
    }

    override func setUp() async throws {
        dir = try TemporaryDirectory()
        db = dir.path("r.sqlite")
        // Around the start of daylight saving time in New York, 2026-03-08 02:00 local:
        // 04:30Z = Mar 7 23:30 EST · 05:30Z = Mar 8 00:30 EST · 2026-03-09 03:30Z = Mar 8 23:30 EDT.
        let lines = [
            record("dst-1", "completed", queued: 1_772_944_200, duration: 10),
            record("dst-2", "failed", queued: 1_772_947_800),
            record("dst-3", "completed", queued: 1_773_027_000, duration: 20, attempts: 2),
            record("dst-4", "dialing", queued: 1_773_027_100),
        ]
        let file = try dir.write("dst.ndjson", lines.joined(separator: "\n") + "\n")
        let r = try Harness.callhist(["import", "--db", db, file], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func report(_ args: [String], tz: String = "America/New_York") throws -> String {
        let r = try Harness.callhist(["report"] + args + ["--db", db], env: Harness.environment(baseURL: nil, extra: ["TZ": tz]))
        XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
        return r.stdout
    }

    func json(_ args: [String], tz: String = "America/New_York") throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try report(args + ["--format", "json"], tz: tz).utf8))
    }

    func csv(_ text: String) -> [[String]] {
        text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.components(separatedBy: ",") }
    }

    func testDayBucketsFollowTheLocalZoneAcrossDaylightSaving() throws {
        let local = try XCTUnwrap(try json(["daily"]) as? [[String: Any]])
        XCTAssertEqual(local.map { $0["day"] as? String }, ["2026-03-07", "2026-03-08"])
        XCTAssertEqual(local.map { $0["calls"] as? Int }, [1, 3])
        let utc = try XCTUnwrap(try json(["daily", "--utc"]) as? [[String: Any]])
        XCTAssertEqual(utc.map { $0["day"] as? String }, ["2026-03-08", "2026-03-09"])
        XCTAssertEqual(utc.map { $0["calls"] as? Int }, [2, 2])
        // --since a day means local midnight: 2026-03-08 00:00 EST = 05:00Z.
        let since = try XCTUnwrap(try json(["summary", "--since", "2026-03-08"]) as? [String: Any])
        XCTAssertEqual(since["calls"] as? Int, 3)
        let until = try XCTUnwrap(try json(["summary", "--until", "2026-03-08", "--utc"]) as? [String: Any])
        XCTAssertEqual(until["calls"] as? Int, 0, "until is exclusive and UTC midnight precedes every call")
        let hours = try XCTUnwrap(try json(["daily", "--by", "hour"]) as? [[String: Any]])
        XCTAssertEqual(hours.map { $0["hour"] as? String }, ["2026-03-07T23:00-05:00", "2026-03-08T00:00-05:00", "2026-03-08T23:00-04:00"])
    }

    /// --tz names the zone for everything a report reads and prints, over
    /// TZ: the hours, and --since's local midnight. setUp's calls in New
    /// York: dst-1 Saturday 23:30 EST, dst-2 Sunday 00:30 EST, dst-3 and
    /// dst-4 Sunday 23:30 EDT (the clock went forward that morning).
    func testHoursFollowTheZoneThatTzNames() throws {
        let local = try XCTUnwrap(try json(["hours", "--tz", "America/New_York"], tz: "Asia/Tokyo") as? [[String: Any]])
        XCTAssertEqual(local.count, 24)
        XCTAssertEqual(local.map { $0["hour"] as? String }.prefix(2), ["00:00", "01:00"])
        XCTAssertEqual(local.filter { ($0["calls"] as? Int ?? 0) > 0 }.map { $0["hour"] as? String }, ["00:00", "23:00"])
        XCTAssertEqual(local[23]["calls"] as? Int, 3)
        XCTAssertEqual(local[23]["final"] as? Int, 2)
        XCTAssertEqual(local[23]["completed"] as? Int, 2)
        XCTAssertEqual(local[23]["median_duration"] as? Int, 10, "nearest rank of 10 and 20")
        XCTAssertEqual(local[23]["completion_rate"] as? Double, 1)
        XCTAssertEqual(local[23]["completion_rate_low"] as? Double ?? 0, 0.342, accuracy: 0.001, "Wilson 95% for 2 of 2")
        XCTAssertTrue(local[0]["median_duration"] is NSNull)
        let week = try XCTUnwrap(try json(["hours", "--by", "weekday", "--tz", "America/New_York"]) as? [[String: Any]])
        XCTAssertEqual(week.count, 168)
        let busy = week.filter { ($0["calls"] as? Int ?? 0) > 0 }.map {
            "\($0["weekday"] as? String ?? "?") \($0["hour"] as? String ?? "?") \($0["calls"] as? Int ?? 0)"
        }
        XCTAssertEqual(busy, ["Saturday 23:00 1", "Sunday 00:00 1", "Sunday 23:00 2"])
        let utc = try XCTUnwrap(try json(["hours", "--utc"], tz: "America/New_York") as? [[String: Any]])
        XCTAssertEqual(utc.filter { ($0["calls"] as? Int ?? 0) > 0 }.map { $0["hour"] as? String }, ["03:00", "04:00", "05:00"])
        // --since 2026-03-08 is New York's midnight (05:00Z), whatever TZ says.
        let since = try XCTUnwrap(try json(["summary", "--since", "2026-03-08", "--tz", "America/New_York"], tz: "Asia/Tokyo") as? [String: Any])
        XCTAssertEqual(since["calls"] as? Int, 3)
        let csvRows = csv(try report(["hours", "--format", "csv", "--tz", "America/New_York"]))
        XCTAssertEqual(
            csvRows[0],
            [
                "hour", "calls", "final", "answered", "answer_rate", "answer_rate_low", "answer_rate_high", "completed", "completion_rate",
                "completion_rate_low", "completion_rate_high", "median_duration",
            ])
        XCTAssertEqual(csvRows.count, 25)
        let table = try report(["hours", "--tz", "America/New_York"])
        XCTAssertTrue(table.contains("Calls by hour of queued time (America/New_York)"), table)
        XCTAssertTrue(table.contains("Completion rate by weekday and hour"), table)
        XCTAssertTrue(table.contains("Sunday"), table)
        for (args, words) in [
            (["--tz", "Mars/Olympus"], "no such time zone"), (["--tz", "UTC", "--utc"], "give one"), (["--by", "month"], "month"),
        ] {
            let r = try Harness.callhist(["report", "hours", "--db", db] + args, env: Harness.environment(baseURL: nil))
            XCTAssertEqual(r.status, 64, "\(args)")
            XCTAssertTrue(r.stderr.contains(words), "\(args): \(r.stderr)")
        }
    }

    /// setUp's calls before New York's 2026-03-08 (dst-1, completed) against
    /// those from it on (dst-2 failed, dst-3 completed, dst-4 dialing).
    func testCompareTwoPeriodsInNumbersAndWords() throws {
        let periods = ["compare", "--until", "2026-03-08", "--vs-since", "2026-03-08"]
        let j = try XCTUnwrap(try json(periods) as? [String: Any])
        let first = try XCTUnwrap(j["first"] as? [String: Any])
        let second = try XCTUnwrap(j["second"] as? [String: Any])
        XCTAssertEqual(first["name"] as? String, "before 2026-03-08")
        XCTAssertEqual(second["name"] as? String, "since 2026-03-08")
        XCTAssertEqual([first["calls"], first["final"], first["completed"]].map { $0 as? Int }, [1, 1, 1])
        XCTAssertEqual([second["calls"], second["final"], second["completed"]].map { $0 as? Int }, [3, 2, 1])
        let completion = try XCTUnwrap(j["completion_rate"] as? [String: Any])
        XCTAssertEqual(completion["difference"] as? Double, 0.5)
        XCTAssertEqual(completion["verdict"] as? String, "could well be chance")
        XCTAssertTrue((completion["words"] as? String ?? "").hasPrefix("completion +50.0 points, 95% CI "), "\(completion)")
        let rows = csv(try report(periods + ["--format", "csv"]))
        XCTAssertEqual(rows[0].prefix(4), ["measure", "first", "second", "first_low"])
        XCTAssertEqual(
            rows.dropFirst().map { $0[0] },
            [
                "calls", "final", "completed", "completion_rate", "answered", "answer_rate", "mean_attempts", "median_duration", "p90_duration",
            ])
        let table = try report(periods)
        XCTAssertTrue(table.contains("before 2026-03-08 vs since 2026-03-08"), table)
        XCTAssertTrue(table.contains("+50.0 pts"), table)
        XCTAssertTrue(table.contains("Completion +50.0 points, 95% CI"), table)
        XCTAssertTrue(table.contains("* fewer than 30"), "groups this small are marked: \(table)")
        let alone = try Harness.callhist(["report", "compare", "--db", db], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(alone.status, 64)
        XCTAssertTrue(alone.stderr.contains("needs a second group"), alone.stderr)
    }

    /// On a terminal the weekday × hour grid is shaded (`script` gives the
    /// report one); piped or with --no-chart it shows the percents.
    func testTheHoursGridIsAHeatmapOnATerminalOnly() throws {
        let bin = Harness.binDirectory.appendingPathComponent("callhist").path
        let shades = CharacterSet(charactersIn: "░▒▓█")
        let tty = try Harness.run(
            "/usr/bin/script", ["-qec", "COLUMNS=100 \(bin) report hours --db \(db!) --tz America/New_York", "/dev/null"])
        XCTAssertEqual(tty.status, 0, tty.stderr + tty.stdout)
        let grid = tty.stdout.replacingOccurrences(of: "\r", with: "").components(separatedBy: "\n")
        let sunday = try XCTUnwrap(grid.first { $0.hasPrefix("Sunday ") })
        XCTAssertTrue(sunday.unicodeScalars.contains { shades.contains($0) }, sunday)
        XCTAssertTrue(sunday.contains("*"), "a cell of one or two calls is marked: \(sunday)")
        XCTAssertTrue(tty.stdout.contains("Shades from the lowest rate to the highest"), tty.stdout)
        let plain = try Harness.run(
            "/usr/bin/script", ["-qec", "COLUMNS=100 \(bin) report hours --db \(db!) --tz America/New_York --no-chart", "/dev/null"])
        XCTAssertFalse(plain.stdout.unicodeScalars.contains { shades.contains($0) }, "--no-chart")
        let piped = try report(["hours", "--tz", "America/New_York"])
        XCTAssertFalse(piped.unicodeScalars.contains { shades.contains($0) }, "piped")
        let sundayPiped = try XCTUnwrap(piped.components(separatedBy: "\n").first { $0.hasPrefix("Sunday ") })
        XCTAssertTrue(sundayPiped.contains("100*"), "the percent, marked: \(sundayPiped)")
    }

    func testSummaryJSONAndCSVCarryTheSameNumbers() throws {
        let j = try XCTUnwrap(try json(["summary"]) as? [String: Any])
        XCTAssertEqual(j["calls"] as? Int, 4)
        XCTAssertEqual(j["final"] as? Int, 3)
        XCTAssertEqual(j["pending"] as? Int, 1)
        XCTAssertEqual(j["completion_rate"] as? Double ?? 0, 2.0 / 3.0, accuracy: 1e-12)
        let d = try XCTUnwrap(j["duration"] as? [String: Any])
        XCTAssertEqual(d["p50"] as? Int, 10)
        XCTAssertEqual(d["mean"] as? Double, 15)
        let rows = Dictionary(uniqueKeysWithValues: csv(try report(["summary", "--format", "csv"])).dropFirst().map { ($0[0], $0[1]) })
        XCTAssertEqual(rows["calls"], "4")
        XCTAssertEqual(Double(rows["completion_rate"] ?? "") ?? 0, j["completion_rate"] as? Double ?? -1, accuracy: 1e-12)
        // CSV metrics are named by their JSON paths.
        XCTAssertEqual(rows["duration.p50"], "10")
        XCTAssertEqual(rows["duration.mean"], "15")
        XCTAssertEqual(rows["by_status.completed"], "2")
        XCTAssertEqual(rows["attempts.distribution.2"], "1")
        // A documented status no call has: an empty answer, nulls where undefined.
        let empty =
            try JSONSerialization.jsonObject(with: Data(try report(["summary", "--format", "json", "--status", "Rejected"]).utf8)) as? [String: Any]
        XCTAssertTrue(empty?["completion_rate"] is NSNull, "null where undefined")
    }

    func testEveryReportInEveryFormat() throws {
        let reports: [[String]] = [
            ["summary"], ["daily"], ["hours"], ["hours", "--by", "weekday"], ["compare", "--until", "2026-03-08", "--vs-since", "2026-03-08"],
            ["attempts"], ["durations"], ["pending"], ["runs"], ["call", "dst-3"],
        ]
        for args in reports {
            for format in ["table", "csv", "json", "markdown"] {
                let out = try report(args + ["--format", format])
                XCTAssertFalse(out.isEmpty, "\(args) \(format)")
                if format == "json" { XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(out.utf8)), "\(args)") }
                if format == "csv" {
                    let rows = csv(out)
                    XCTAssertTrue(rows.allSatisfy { $0.count == rows[0].count }, "\(args): rectangular CSV")
                }
                if format == "markdown" { XCTAssertTrue(out.contains("| ---"), "\(args)") }
            }
        }
        let daily = csv(try report(["daily", "--format", "csv"]))
        let dailyJSON = try XCTUnwrap(try json(["daily"]) as? [[String: Any]])
        XCTAssertEqual(daily.dropFirst().map { Int($0[3]) }, dailyJSON.map { $0["calls"] as? Int })
        let durations = Dictionary(uniqueKeysWithValues: csv(try report(["durations", "--format", "csv"])).dropFirst().map { ($0[0], $0[1]) })
        XCTAssertEqual(durations["buckets.10_30"], "2")
        XCTAssertEqual(durations["max"], "20")
        let missing = try Harness.callhist(["report", "call", "nope", "--db", db], env: Harness.environment(baseURL: nil))
        XCTAssertEqual(missing.status, 65)
    }

    /// The four calls of setUp, counted by hand: dst-1 completed (1 attempt,
    /// 10 s), dst-2 failed (1 attempt of 2), dst-3 completed (2 attempts, 20 s),
    /// dst-4 dialing.
    func testEachReportsNumbersByHand() throws {
        let attempts = try XCTUnwrap(try json(["attempts"]) as? [String: Any])
        let byAttempts = try XCTUnwrap(attempts["by_attempts"] as? [[String: Any]])
        XCTAssertEqual(byAttempts.map { $0["attempts"] as? Int }, [1, 2])
        XCTAssertEqual(byAttempts.map { $0["final"] as? Int }, [2, 1])
        XCTAssertEqual(byAttempts.map { $0["completed"] as? Int }, [1, 1])
        XCTAssertEqual(byAttempts.map { $0["exhausted"] as? Int }, [0, 0], "dst-2 failed after 1 of 2 attempts: not exhausted")
        let pending = try XCTUnwrap(try json(["pending"]) as? [String: Any])
        XCTAssertEqual(pending["pending"] as? Int, 1)
        XCTAssertEqual(pending["unfetched"] as? Int, 0)
        XCTAssertEqual((pending["calls"] as? [[String: Any]])?.map { $0["call_id"] as? String }, ["dst-4"])
        let runs = try XCTUnwrap(try json(["runs"]) as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs[0]["kind"] as? String, "import")
        XCTAssertEqual(runs[0]["fetched"] as? Int, 4)
        XCTAssertEqual(runs[0]["exit_code"] as? Int, 0)
        let call = try XCTUnwrap(try json(["call", "dst-3"]) as? [String: Any])
        XCTAssertEqual((call["call"] as? [String: Any])?["duration"] as? Int, 20)
        XCTAssertEqual((call["call"] as? [String: Any])?["attempts"] as? Int, 2)
        XCTAssertEqual((call["events"] as? [[String: Any]])?.map { $0["event"] as? String }, ["queued"])
        let durations = try XCTUnwrap(try json(["durations"]) as? [String: Any])
        XCTAssertEqual(durations["count"] as? Int, 2)
        XCTAssertEqual(durations["p90"] as? Int, 20, "nearest rank: ceil(0.9 × 2) = 2nd of [10, 20]")
        let table = try report(["summary"])
        // 2 of 3 final calls: the 95% Wilson interval 20.8%…93.9%, ±36.5 points, marked as resting on few calls.
        XCTAssertNotNil(table.range(of: #"\nCompletion rate +66\.7% ±36\.5\*\n"#, options: .regularExpression), table)
        XCTAssertTrue(table.contains("\n* fewer than 30 calls behind the rate"), table)
        let summary = try XCTUnwrap(try json(["summary"]) as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(summary["completion_rate_low"] as? Double), 0.2077, accuracy: 0.0001)
        XCTAssertEqual(try XCTUnwrap(summary["completion_rate_high"] as? Double), 0.9385, accuracy: 0.0001)
        XCTAssertNotNil(table.range(of: #"\nMean duration +15s\n"#, options: .regularExpression), table)
        let markdown = try report(["summary", "--format", "markdown"])
        XCTAssertTrue(markdown.contains("| Calls | 4 |"), markdown)
        XCTAssertTrue(markdown.contains("| Completed | 2 |"), markdown)
        XCTAssertFalse(markdown.contains("duration.p50") || table.contains("duration.p50"), "words, not JSON paths")
        let csv = try report(["summary", "--format", "csv"])
        XCTAssertTrue(csv.contains("\r\nduration.p50,"), "CSV keeps the keys: \(csv)")
    }
}

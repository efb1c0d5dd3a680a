import Foundation
import XCTest

@testable import ArchiveCore
@testable import ArchiveSQLite
@testable import CallHistory

/// The pure helpers, on hand-computed values.
final class HelpersTests: XCTestCase {
    let newYork = TimeZone(identifier: "America/New_York")!
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    func testTimeBoundForms() {
        XCTAssertEqual(TimeBound.parse("2026-03-08", utc: false, now: now, timeZone: newYork), 1_772_946_000, "local midnight, EST")
        XCTAssertEqual(TimeBound.parse("2026-11-01", utc: true, now: now, timeZone: newYork), 1_793_491_200)
        XCTAssertEqual(TimeBound.parse("2026-11-01T01:30:00-04:00", utc: false, now: now, timeZone: newYork), 1_793_511_000)
        XCTAssertEqual(
            TimeBound.parse("2026-11-15 12:00", utc: false, now: now, timeZone: newYork), 1_794_762_000, "a space instead of T, no seconds")
        XCTAssertEqual(TimeBound.parse("2026/11/15", utc: true, now: now), 1_794_700_800)
        XCTAssertEqual(TimeBound.parse("2026-11-15T12:00:30.5+01", utc: false, now: now, timeZone: newYork), 1_794_740_430)
        XCTAssertEqual(TimeBound.parse("2026-11-15T12:00:30,5+0100", utc: false, now: now, timeZone: newYork), 1_794_740_430)
        XCTAssertEqual(TimeBound.parse("2026-11-15 12:00Z", utc: false, now: now, timeZone: newYork), 1_794_700_800 + 43_200)
        XCTAssertEqual(TimeBound.parse("today", utc: false, now: now, timeZone: newYork), 1_794_978_000)
        XCTAssertEqual(TimeBound.parse("Yesterday", utc: false, now: now, timeZone: newYork), 1_794_891_600)
        XCTAssertEqual(TimeBound.parse("today", utc: true, now: now, timeZone: newYork), 1_795_000_000 - 1_795_000_000 % 86_400)
        XCTAssertEqual(TimeBound.parse("now", utc: true, now: now), 1_795_000_000)
        XCTAssertEqual(TimeBound.parse("@1795000000", utc: false, now: now), 1_795_000_000)
        XCTAssertEqual(TimeBound.parse("90m", utc: false, now: now), 1_795_000_000 - 5_400)
        XCTAssertEqual(TimeBound.parse("1h30m", utc: false, now: now), 1_795_000_000 - 5_400)
        for refused in [
            "@-1", "@99999999999999", "@x", "2026-11-15 25:00", "2026-11-15T12", "2026-11-15T12:00+24:00", "2026-11-1", "2026-11/15", "30m1h",
        ] {
            XCTAssertNil(TimeBound.parse(refused, utc: false, now: now, timeZone: newYork), refused)
        }
        XCTAssertEqual(TimeBound.parse("2026-11-15T12:00:00", utc: false, now: now, timeZone: newYork), 1_794_762_000, "no offset: local")
        XCTAssertEqual(TimeBound.parse("7d", utc: false, now: now), 1_795_000_000 - 604_800)
        XCTAssertEqual(TimeBound.parse("12h", utc: false, now: now), 1_795_000_000 - 43_200)
        XCTAssertEqual(TimeBound.parse("2w", utc: false, now: now), 1_795_000_000 - 1_209_600)
        XCTAssertNil(TimeBound.parse("99999999999999w", utc: false, now: now), "overflows: refused, not trapped")
        XCTAssertNil(TimeBound.parse("2026-02-30", utc: false, now: now, timeZone: newYork))
        XCTAssertNil(TimeBound.parse("99999-01-01", utc: false, now: now, timeZone: newYork))
        XCTAssertNil(TimeBound.parse("yesterday-ish", utc: false, now: now))
    }

    /// Local times at the clock changes of New York and London in 2026.
    func testTimeBoundAtDaylightSavingEdges() {
        let london = TimeZone(identifier: "Europe/London")!
        // Skipped (clocks go forward): read as the same time after the change.
        XCTAssertEqual(TimeBound.parse("2026-03-08 02:30", utc: false, now: now, timeZone: newYork), 1_772_955_000, "03:30 EDT")
        XCTAssertEqual(TimeBound.parse("2026-03-29 01:30", utc: false, now: now, timeZone: london), 1_774_747_800, "02:30 BST")
        // Repeated (clocks go back): the first occurrence.
        XCTAssertEqual(TimeBound.parse("2026-11-01 01:30", utc: false, now: now, timeZone: newYork), 1_793_511_000, "01:30 EDT, not EST")
        XCTAssertEqual(TimeBound.parse("2026-10-25 01:30", utc: false, now: now, timeZone: london), 1_792_888_200, "01:30 BST, not GMT")
        // The second occurrence is reached with its offset.
        XCTAssertEqual(TimeBound.parse("2026-11-01 01:30-05:00", utc: false, now: now, timeZone: newYork), 1_793_514_600)
        // A day's midnight is the day's start however long the day is.
        XCTAssertEqual(TimeBound.parse("2026-11-01", utc: false, now: now, timeZone: newYork), 1_793_505_600, "00:00 EDT")
    }

    func testTimeSpans() {
        XCTAssertEqual(TimeSpan.parse("90"), 90)
        XCTAssertEqual(TimeSpan.parse("1h30m"), 5400)
        XCTAssertEqual(TimeSpan.parse("1d12h"), 129_600)
        XCTAssertEqual(TimeSpan.parse("1.5h"), 5400)
        XCTAssertEqual(TimeSpan.parse(" 2W "), 1_209_600)
        XCTAssertEqual(TimeSpan.parse("36500d"), 3_153_600_000)
        for refused in ["30m1h", "1h1h", "1e20s", "-1", "-1s", "inf", "", "s", "1h 30m", "99999999999999999999", "36700d"] {
            XCTAssertNil(TimeSpan.parse(refused), refused)
        }
        XCTAssertEqual(TimeSpan.describe(0), "0s")
        XCTAssertEqual(TimeSpan.describe(45), "45s")
        XCTAssertEqual(TimeSpan.describe(5400), "1h 30m")
        XCTAssertEqual(TimeSpan.describe(183_900), "2d 3h")
        XCTAssertEqual(TimeSpan.describe(86_460), "1d 1m")
    }

    func testHumanizeDurationsNumbersAndTimes() {
        XCTAssertEqual(Humanize.duration(45), "45s")
        XCTAssertEqual(Humanize.duration(2.5), "2.5s")
        XCTAssertEqual(Humanize.duration(83), "1m 23s")
        XCTAssertEqual(Humanize.duration(7500), "2h 05m")
        XCTAssertEqual(Humanize.duration(273_600), "3d 4h")
        XCTAssertEqual(Humanize.duration(-5), "-5s")
        XCTAssertEqual(Humanize.duration(9.2e18), "9.2e+18s", "no real call: shown, not trapped on")
        XCTAssertEqual(Humanize.duration(.nan), "nans")
        XCTAssertEqual(Humanize.number(1.5), "1.5")
        XCTAssertEqual(Humanize.number(2), "2")
        XCTAssertEqual(Humanize.number(1.0 / 3, digits: 2), "0.33")
        XCTAssertEqual(Humanize.percent(0.6667), "66.7%")
        XCTAssertEqual(Humanize.isoTime(1_795_000_000), "2026-11-18T11:06:40Z")
        XCTAssertEqual(Humanize.time(1_795_000_000, utc: true), "2026-11-18 11:06")
        XCTAssertEqual(Humanize.isoTime(.max), "@9223372036854775807")
        XCTAssertEqual(Humanize.bar(0.5, width: 4), "██")
        XCTAssertEqual(Humanize.bar(1.0 / 16, width: 2), "▏")
        XCTAssertEqual(Humanize.bar(7, width: 2), "██", "clamped to 1")
    }

    func testTextTableInEveryFormat() {
        var t = TextTable(title: "T", columns: ["name", "n"])
        t.rows = [[.text("a,b"), .int(5)], [.text("=x\u{1b}"), .int(12)], [.text(nil), .int(nil as Int?)]]
        XCTAssertEqual(t.render(.csv), "name,n\r\n\"a,b\",5\r\n'=x\u{1b},12\r\n,\r\n")
        // People read titles (ColumnTitle); CSV keeps the keys.
        XCTAssertEqual(t.render(.markdown), "### T\n\n| Name | N |\n| --- | ---: |\n| a,b | 5 |\n| =x\\u001b | 12 |\n| — | — |")
        XCTAssertEqual(t.render(.table), "T\nName       N\n────────  ──\na,b        5\n=x\\u001b  12\n—          —")
        t.titles = ["Who", "How many"]
        XCTAssertEqual(t.render(.table), "T\nWho       How many\n────────  ────────\na,b              5\n=x\\u001b        12\n—                —")
        XCTAssertTrue(t.render(.csv).hasPrefix("name,n\r\n"))
    }

    func testJSONStringEscapingIsExact() {
        XCTAssertEqual(Exporter.jsonString("a\"b\\c\n\r\t\u{1}\u{1b}é/"), "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001bé/\"")
        let round =
            try? JSONSerialization.jsonObject(with: Data(Exporter.jsonString("x\u{1b}]52;\u{7}y").utf8), options: .fragmentsAllowed) as? String
        XCTAssertEqual(round, "x\u{1b}]52;\u{7}y", "JSON keeps the value exact")
        XCTAssertEqual(JSONOutput.string(["b": 1, "a": [NSNull(), "é"]] as [String: Any]), #"{"a":[null,"é"],"b":1}"#)
    }

    func testNetrcEntriesAreFoundAsLibcurlReadsThem() {
        XCTAssertTrue(Netrc.hasEntry(for: "fuse.plumvoice.com", in: "machine fuse.plumvoice.com login a password b\n"))
        XCTAssertTrue(
            Netrc.hasEntry(for: "FUSE.plumvoice.com", in: "machine other login a\n\nmachine fuse.plumvoice.com\n  login a\n  password \"b c\"\n"))
        XCTAssertTrue(Netrc.hasEntry(for: "anything", in: "default login a password b"))
        XCTAssertFalse(Netrc.hasEntry(for: "fuse.plumvoice.com", in: "machine other login a password fuse.plumvoice.com"))
        XCTAssertFalse(Netrc.hasEntry(for: "h", in: "# machine h\n"), "a comment")
        XCTAssertFalse(Netrc.hasEntry(for: "h", in: "macdef init\nmachine h\n\nmachine x login a"), "a macro's body is not an entry")
        XCTAssertTrue(Netrc.hasEntry(for: "h", in: "macdef init\nmachine x\n\nmachine h login a"))
        XCTAssertTrue(Netrc.hasEntry(for: "h", in: "machine \"h\" login a"))
    }
}

/// The SQL dialects' placeholders: what PostgreSQL is sent for the core's `?`.
final class SQLDialectTests: XCTestCase {
    func testPlaceholdersAreNumberedOutsideQuotes() {
        let d = SQLDialect.postgresql
        XCTAssertEqual(d.render("SELECT ? , ?, '?' FROM t WHERE a = ?"), "SELECT $1 , $2, '?' FROM t WHERE a = $3")
        XCTAssertEqual(d.render("UPDATE t SET a = ?2, b = ?10 WHERE id = ?1"), "UPDATE t SET a = $2, b = $10 WHERE id = $1")
        XCTAssertEqual(d.render("x IN (?,?)"), "x IN ($1,$2)")
        XCTAssertEqual(d.render(#"SELECT "a?b", ?"#), #"SELECT "a?b", $1"#)
        XCTAssertEqual(d.render("LIMIT ?"), "LIMIT $1")
        XCTAssertEqual(SQLDialect.sqlite.render("a = ? AND b = ?2"), "a = ? AND b = ?2", "SQLite reads both spellings itself")
    }
}

/// URLs in messages never show a password.
final class RedactedURLTests: XCTestCase {
    func testThePasswordIsHiddenAndNothingElse() {
        XCTAssertEqual(RedactedURL.string("http://u:PASS@proxy:3128"), "http://u:***@proxy:3128")
        XCTAssertEqual(RedactedURL.string("socks5h://me:p@ss:w@rd@10.0.0.1:1080/x?y=z"), "socks5h://me:***@10.0.0.1:1080/x?y=z")
        XCTAssertEqual(RedactedURL.string("http://user@proxy:3128"), "http://user@proxy:3128", "no password, nothing hidden")
        XCTAssertEqual(RedactedURL.string("http://proxy:3128/a@b"), "http://proxy:3128/a@b", "an @ in the path is not a user")
        XCTAssertEqual(RedactedURL.string("not a url"), "not a url")
    }
}

/// The 95% Wilson interval against Newcombe (1998), "Two-sided confidence
/// intervals for the single proportion", Statistics in Medicine 17,
/// 857–872, table I, method 3 (the score interval), to four places.
final class WilsonIntervalTests: XCTestCase {
    func testNewcombesWorkedExamples() throws {
        for (k, n, low, high) in [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)] {
            let w = try XCTUnwrap(WilsonInterval(successes: k, trials: n))
            XCTAssertEqual(w.low, low, accuracy: 0.00005, "\(k)/\(n)")
            XCTAssertEqual(w.high, high, accuracy: 0.00005, "\(k)/\(n)")
        }
        XCTAssertNil(WilsonInterval(successes: 0, trials: 0), "no trials, no interval")
        let clamped = try XCTUnwrap(WilsonInterval(successes: 50, trials: 20))
        XCTAssertEqual(clamped.high, 1, "more successes than trials (a stranger's file) is clamped, never a trap")
        XCTAssertEqual(try XCTUnwrap(WilsonInterval(successes: 618, trials: 1000)).halfWidthPoints, 3.0, accuracy: 0.05)
    }

    func testATableShowsThePlusMinusAndMarksSmallGroups() {
        XCTAssertEqual(TextTable.Cell.rate(0.618, successes: 618, trials: 1000).display, "61.8% ±3.0")
        XCTAssertEqual(TextTable.Cell.rate(0.618, successes: 618, trials: 1000).raw, "0.618", "CSV keeps the fraction")
        XCTAssertEqual(TextTable.Cell.rate(2.0 / 3, successes: 2, trials: 3).display, "66.7% ±36.5*")
        var t = TextTable(title: nil, columns: ["rate"])
        t.rows = [[.rate(2.0 / 3, successes: 2, trials: 3)]]
        t.noteSmallGroups()
        XCTAssertEqual(t.render(.table), "        Rate\n────────────\n66.7% ±36.5*\n" + TextTable.smallGroupNote)
        XCTAssertFalse(t.render(.csv).contains("fewer"), "CSV carries no note")
    }
}

import FuseAPI
import SQLite
import TestSupport
import XCTest

@testable import ArchiveCore
@testable import ArchiveSQLite
@testable import CallHistory

/// `report anomalies`: the day statistics by hand, SQLite's migration of
/// the anomaly bookkeeping and its query plans. What each kind finds in an
/// archive is `AnomalyBehaviour`, on both backends (docs/reports.md, "Anomalies").
final class AnomaliesTests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: Connection!
    /// The "now" of every report here: 2027-01-15 08:00 UTC.
    let now: Int64 = 1_800_000_000
    let day: Int64 = 86_400

    override func setUp() async throws {
        dir = try TemporaryDirectory()
        db = try ArchiveFile.openForWriting(dir.path("a.sqlite"))
    }

    override func tearDown() async throws { db = nil }

    func anomalies(since: Int64? = nil, until: Int64? = nil, _ configure: (inout AnomaliesReport.Thresholds) -> Void = { _ in }) throws -> [Anomaly] {
        var t = AnomaliesReport.Thresholds()
        configure(&t)
        return try CallArchive(connection: db).anomalies(since: since ?? now - 7 * day, until: until ?? now, now: now, thresholds: t, utc: true)
            .findings
    }

    func testMigrationCountsTheFailuresOfIdsThatNeverBroughtABody() throws {
        let path = dir.path("old.sqlite")
        let old = try Connection(path: path)
        try Migrator.migrate(old, to: 3)
        try old.execute(
            """
            INSERT INTO calls (call_id, first_seen_at, last_outcome, unchanged_checks) VALUES ('never', 0, 'not_found', 5), ('ok', 0, 'ok', 2);
            INSERT INTO calls (call_id, first_seen_at, last_outcome, unchanged_checks, last_success_at) VALUES ('lapsed', 0, 'failed', 3, 10);
            """)
        // Events archived before event_disorder existed: the migration derives it.
        try old.execute(
            """
            INSERT INTO call_events VALUES ('ok', 0, 'queued', 100), ('ok', 1, 'dialing', 150), ('ok', 2, 'connected', NULL), ('ok', 3, 'disconnected', 140),
                                           ('lapsed', 0, 'queued', 100), ('lapsed', 1, 'dialing', 100), ('lapsed', 2, 'disconnected', 200);
            """)
        try Migrator.migrate(old)
        XCTAssertEqual(
            try old.prepare("SELECT call_id, failed_checks, ifnull(event_disorder, '-') FROM calls ORDER BY call_id")
                .map { "\($0.string(0))=\($0.int(1)) \($0.string(2))" },
            ["lapsed=1 -", "never=5 -", "ok=0 3"])
        // The store derives the same for a new body.
        XCTAssertEqual(
            CallStore.eventDisorder([
                .init(event: "queued", timestamp: 100), .init(event: "dialing", timestamp: 150),
                .init(event: "connected", timestamp: nil), .init(event: "disconnected", timestamp: 140),
            ]), 3)
        XCTAssertNil(CallStore.eventDisorder([.init(event: "queued", timestamp: 100), .init(event: "dialing", timestamp: 100)]))
    }

    func testSuspectCallsAreReadThroughTheirPartialIndex() throws {
        var statements: [String] = []
        db.trace { statements.append($0) }
        _ = try anomalies()
        let suspect = try XCTUnwrap(statements.first { $0.contains("c.event_disorder") })
        let plan = try db.prepare("EXPLAIN QUERY PLAN " + suspect).map { $0.string(3) }.joined(separator: "; ")
        XCTAssertTrue(plan.contains("USING INDEX calls_suspect"), plan)
        let failing = try XCTUnwrap(statements.first { $0.contains("failed_checks >=") })
        XCTAssertTrue(try db.prepare("EXPLAIN QUERY PLAN " + failing).map { $0.string(3) }.joined().contains("calls_failing"))
        let stuck = try XCTUnwrap(statements.first { $0.contains("c.is_final = 0 AND c.is_stale = 0") })
        XCTAssertTrue(try db.prepare("EXPLAIN QUERY PLAN " + stuck).map { $0.string(3) }.joined().contains("SEARCH c USING INDEX calls_due"))
        let changes = try XCTUnwrap(statements.first { $0.contains("FROM status_changes") })
        XCTAssertTrue(try db.prepare("EXPLAIN QUERY PLAN " + changes).map { $0.string(3) }.joined().contains("status_changes_from_final"))
    }

    // MARK: volume_drop and completion_drop (the statistics, by hand)

    /// Days labelled d0, d1…, with calls, final and completed.
    func days(_ values: [(Int, Int, Int)]) -> [DayAnomalies.Day] {
        values.enumerated().map { i, v in
            DayAnomalies.Day(start: Int64(i) * day, end: Int64(i + 1) * day, label: "d\(i)", calls: v.0, final: v.1, completed: v.2)
        }
    }

    let t = AnomaliesReport.Thresholds()

    func testVolumeDropIsUnderHalfTheMedianOfABusyBaseline() {
        // Median of 14 days of 100 calls is 100: 49 is a drop, 50 is not.
        let base = Array(repeating: (100, 100, 75), count: 14)
        XCTAssertEqual(DayAnomalies.judge(days(base + [(50, 50, 38)]), judging: 14, t), [])
        let drop = DayAnomalies.judge(days(base + [(49, 49, 37)]), judging: 14, t)
        XCTAssertEqual(drop.map(\.kind), [.volumeDrop])
        XCTAssertEqual(drop.first?.subject, "d14")
        XCTAssertEqual(drop.first?.detail, "49 calls queued, fewer than 50% of the median of 100 a day over the 14 days before (d0 to d13).")
        // The median counts the quiet days: 7 days of 100 and 7 of 0 have a median of 50.
        let half = Array(repeating: (100, 100, 75), count: 7) + Array(repeating: (0, 0, 0), count: 7)
        XCTAssertEqual(DayAnomalies.judge(days(half + [(25, 25, 19)]), judging: 14, t), [])
        XCTAssertEqual(DayAnomalies.judge(days(half + [(24, 24, 18)]), judging: 14, t).map(\.subject), ["d14"])
    }

    func testVolumeDropNeedsSevenActiveDaysAveragingTwentyCalls() {
        // Six days with calls: too little history to judge.
        let six = Array(repeating: (0, 0, 0), count: 8) + Array(repeating: (100, 100, 75), count: 6)
        XCTAssertEqual(DayAnomalies.judge(days(six + [(0, 0, 0)]), judging: 14, t), [])
        // Seven days averaging 19.86 calls: too quiet to judge; 20 is enough.
        let quiet = Array(repeating: (0, 0, 0), count: 7) + Array(repeating: (20, 20, 15), count: 6) + [(19, 19, 14)]
        XCTAssertEqual(DayAnomalies.judge(days(quiet + [(0, 0, 0)]), judging: 14, t), [])
        let busy = Array(repeating: (0, 0, 0), count: 7) + Array(repeating: (20, 20, 15), count: 7)
        XCTAssertEqual(DayAnomalies.judge(days(busy + [(0, 0, 0)]), judging: 14, t).map(\.subject), ["d14"])
    }

    func testARunOfDaysWithoutCallsIsOneFinding() {
        let base = Array(repeating: (200, 200, 150), count: 14)
        let findings = DayAnomalies.judge(days(base + [(0, 0, 0), (0, 0, 0), (0, 0, 0), (180, 180, 140)]), judging: 14, t)
        XCTAssertEqual(findings.count, 1)
        XCTAssertEqual(findings.first?.severity, .error)
        XCTAssertEqual(findings.first?.subject, "d14 to d16")
        XCTAssertEqual(findings.first?.detail, "No calls queued from d14 to d16, after a median of 200 a day over the 14 days before (d0 to d13).")
        // Only days of the period are judged: the same days before it say nothing.
        XCTAssertEqual(DayAnomalies.judge(days(base + [(0, 0, 0), (0, 0, 0), (0, 0, 0), (180, 180, 140)]), judging: 17, t), [])
    }

    func testCompletionDropIsThreeStandardErrorsBelowTheBaseline() {
        // Baseline: 14 × 75 of 100 = 75%. A day of n = 100 final calls has a
        // standard error of sqrt(0.75 × 0.25 / 100) = 4.33 points, so the line
        // is 75 - 3 × 4.33 = 62.0%: 62 completed is 3.0022 below, 63 is 2.77.
        let base = Array(repeating: (100, 100, 75), count: 14)
        XCTAssertEqual(DayAnomalies.judge(days(base + [(100, 100, 63)]), judging: 14, t), [])
        let drop = DayAnomalies.judge(days(base + [(100, 100, 62)]), judging: 14, t)
        XCTAssertEqual(drop.map(\.kind), [.completionDrop])
        XCTAssertEqual(
            drop.first?.detail,
            "Completion 62.0% (62 of 100 final calls) against 75.0% (1050 of 1400) over the 14 days before (d0 to d13): 3.0 standard errors below (one is 4.3 points)."
        )
        // Small samples say nothing: 29 final calls, none completed.
        XCTAssertEqual(DayAnomalies.judge(days(base + [(100, 29, 0)]), judging: 14, t).filter { $0.kind == .completionDrop }, [])
        // 30 do (and the day's few final calls are no volume drop: 100 calls were queued).
        XCTAssertEqual(DayAnomalies.judge(days(base + [(100, 30, 0)]), judging: 14, t).map(\.kind), [.completionDrop])
        // A baseline with every call completed gives no standard error to measure by.
        XCTAssertEqual(DayAnomalies.judge(days(Array(repeating: (100, 100, 100), count: 14) + [(100, 100, 10)]), judging: 14, t), [])
    }

    /// 222 stuck calls are one block in a table: the count, the oldest in
    /// full, five examples and how to list them all; five or fewer of a
    /// kind, and --all, list each; CSV keeps one row per finding.
    func testManyFindingsOfOneKindAreGroupedInATable() {
        let stuck = (1...222).map { n in
            Anomaly(
                .warning, .stuckCall, subject: String(format: "call-%07d", n), detail: "Status queued, quiet since \(n).",
                action: "Look call-\(n) up.", since: now - Int64(n == 117 ? 9 : 1) * day - Int64(n))
        }
        let failing = (1...5).map { n in
            Anomaly(.warning, .repeatedFailure, subject: "bad-\(n)", detail: "Failed \(n).", action: "Check bad-\(n).")
        }
        let report = AnomaliesReport(since: now - 7 * day, until: now, findings: Anomaly.listed(stuck + failing))
        let table = report.rendered(RenderOptions(format: .table, utc: true, now: now))
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "227 findings (227 warnings) in calls queued 2027-01-08 08:00 to 2027-01-15 08:00, and in the archive now.")
        XCTAssertEqual(
            Array(lines[1...6]),
            [
                "", "warning stuck_call            222 stuck calls; the oldest:", "    call-0000117: Status queued, quiet since 117.",
                "    → Look call-117 up.",
                "    Also: call-0000001, call-0000002, call-0000003, call-0000004, call-0000005 and 216 more; every one with --all, or --format csv|json.",
                "",
            ])
        XCTAssertEqual(lines.count { $0.hasPrefix("warning repeated_failure") }, 5, "five of a kind are listed one by one")
        let all = report.rendered(RenderOptions(format: .table, utc: true, now: now), all: true)
        XCTAssertEqual(all.split(separator: "\n").count { $0.hasPrefix("warning stuck_call") }, 222)
        let csv = report.rendered(RenderOptions(format: .csv, utc: true, now: now))
        XCTAssertEqual(csv.split(whereSeparator: \.isNewline).count, 228, "a header and every finding")
    }
}

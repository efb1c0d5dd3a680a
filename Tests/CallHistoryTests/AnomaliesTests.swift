@testable import ArchiveCore
@testable import ArchiveSQLite
@testable import CallHistory
import FuseAPI
import SQLite
import TestSupport
import XCTest

/// `report anomalies` over hand-built archives: each test triggers one kind,
/// with the finding computed by hand, and the cases just inside and just
/// outside each threshold (docs/reports.md, "Anomalies").
final class AnomaliesTests: XCTestCase {
    var dir: TemporaryDirectory!
    var db: Connection!
    var store: CallStore!
    /// The "now" of every report here: 2027-01-15 08:00 UTC.
    let now: Int64 = 1_800_000_000
    let hour: Int64 = 3600, day: Int64 = 86_400

    override func setUp() async throws {
        dir = try TemporaryDirectory()
        db = try ArchiveFile.openForWriting(dir.path("a.sqlite"))
        store = try CallStore(db: db, runID: nil)
    }

    override func tearDown() async throws {
        store = nil
        db = nil
    }

    /// Stores a body as a fetch would.
    func stored(_ id: String, _ status: String, attempts: Int = 1, max: Int = 3, queued: Int64, start: Int64? = nil, end: Int64? = nil,
                duration: String? = nil, events: [(String, Int64)], at time: Int64? = nil) throws {
        var fields = [#""status":"\#(status)""#, #""attempts":"\#(attempts)""#, #""max_attempts":"\#(max)""#, #""queued_timestamp":"\#(queued)""#]
        if let start { fields.append(#""start_timestamp":"\#(start)""#) }
        if let end { fields.append(#""end_timestamp":"\#(end)""#) }
        if let duration { fields.append(#""duration":\#(duration)"#) }
        let list = events.map { #"{"event":"\#($0.0)","timestamp":\#($0.1)}"# }.joined(separator: ",")
        let json = #"{"call_details":{\#(fields.joined(separator: ",")),"events":[\#(list)]}}"#
        _ = try store.store(id, try StatusDecoder.decode(Array(json.utf8), format: .json), at: time ?? now - hour)
    }

    func anomalies(since: Int64? = nil, until: Int64? = nil, _ configure: (inout AnomaliesReport.Thresholds) -> Void = { _ in }) throws -> [Anomaly] {
        var t = AnomaliesReport.Thresholds()
        configure(&t)
        return try CallArchive(connection: db).anomalies(since: since ?? now - 7 * day, until: until ?? now, now: now, thresholds: t, utc: true).findings
    }

    func only(_ kind: Anomaly.Kind, _ findings: [Anomaly]) -> [Anomaly] { findings.filter { $0.kind == kind } }

    // MARK: stuck_call

    func testStuckCallsAreOpenCallsQuietForLongerThanStuckAfter() throws {
        let cutoff = now - 24 * hour
        // Newest event 60 s past the threshold: stuck. 60 s inside it: not yet.
        try stored("stuck", "dialing", attempts: 2, queued: cutoff - 3 * hour, events: [("queued", cutoff - 3 * hour), ("dialing", cutoff - 60)])
        try stored("fresh", "dialing", queued: cutoff - 3 * hour, events: [("queued", cutoff - 3 * hour), ("dialing", cutoff + 60)])
        // No events at all: its queue time counts.
        try stored("silent", "queued", attempts: 0, queued: now - 2 * day, events: [])
        // Final, or stale (no longer re-checked): never stuck.
        try stored("done", "completed", queued: now - 9 * day, events: [("queued", now - 9 * day), ("connected", now - 9 * day + 5), ("disconnected", now - 9 * day + 65)])
        try stored("given-up", "dialing", queued: now - 40 * day, events: [("queued", now - 40 * day)])
        try db.execute("UPDATE calls SET is_stale = 1 WHERE call_id = 'given-up'")

        let stuck = only(.stuckCall, try anomalies())
        XCTAssertEqual(stuck.map(\.subject), ["silent", "stuck"])
        XCTAssertEqual(stuck.map(\.severity), [.warning, .warning])
        XCTAssertEqual(stuck[1].detail, "Status dialing and nothing new since 2027-01-14 07:59 (its newest event), 1d 1m ago; attempt 2 of 3; last checked 2027-01-15 07:00.")
        XCTAssertTrue(stuck[0].detail.contains("since 2027-01-13 08:00 (it was queued), 2d ago"), stuck[0].detail)
        XCTAssertTrue(stuck[1].action.contains("callhist report call stuck"))

        // A longer --stuck-after leaves only the call quiet for two days.
        XCTAssertEqual(only(.stuckCall, try anomalies { $0.stuckAfter = 36 * self.hour }).map(\.subject), ["silent"])
    }

    // MARK: impossible_data

    func testImpossibleDataNamesEachBrokenRule() throws {
        let q = now - 2 * day
        let ok: [(String, Int64)] = [("queued", q), ("dialing", q + 5), ("connected", q + 20), ("disconnected", q + 80)]
        try stored("fine", "completed", queued: q, start: q + 20, end: q + 80, duration: "60", events: ok)
        try stored("too-many", "failed", attempts: 4, max: 3, queued: q, events: [("queued", q)])
        try stored("backwards", "completed", queued: q, start: q + 80, end: q + 20, duration: "60", events: ok)
        try stored("disorder", "failed", queued: q, events: [("queued", q), ("dialing", q + 50), ("disconnected", q + 40), ("queued", q + 60)])
        // 5 s apart is within the tolerance; 6 s is not.
        try stored("off-by-5", "completed", queued: q, duration: "65", events: ok)
        try stored("off-by-6", "completed", queued: q, duration: "54", events: ok)
        try stored("no-connect", "completed", queued: q, duration: "60", events: [("queued", q), ("dialing", q + 5), ("disconnected", q + 65)])
        try stored("refused", "completed", queued: q, duration: #""9223372036854775807""#, events: ok)
        // Outside the period: not checked.
        try stored("old", "failed", attempts: 9, max: 3, queued: now - 8 * day, events: [("queued", now - 8 * day)])

        let found = only(.impossibleData, try anomalies())
        XCTAssertEqual(found.map(\.subject).sorted(), ["backwards", "disorder", "no-connect", "off-by-6", "refused", "too-many"])
        let detail = Dictionary(found.map { ($0.subject, $0.detail) }, uniquingKeysWith: { $0 + " | " + $1 })
        XCTAssertEqual(detail["too-many"], "Attempts 4 is more than max_attempts 3.")
        XCTAssertEqual(detail["backwards"], "End_timestamp \(q + 20) is 1m before start_timestamp \(q + 80).")
        XCTAssertEqual(detail["disorder"], "Event #2 (disconnected) at \(q + 40) is 10s earlier than an event before it (\(q + 50)).")
        XCTAssertEqual(detail["off-by-6"], "Duration 54 s, but its events say 60 s (connected to disconnected): more than 5 s apart.")
        XCTAssertEqual(detail["no-connect"], "Completed, but none of its 3 events is connected.")
        XCTAssertEqual(detail["refused"], #"Callhist refused out-of-range or non-integer fields (stored as NULL; the body is kept): duration "9223372036854775807"."#)
        // Out of order, or a duration the events disagree with: the API's numbers still stand.
        XCTAssertEqual(Dictionary(found.map { ($0.subject, $0.severity) }, uniquingKeysWith: { a, _ in a }),
                       ["too-many": .warning, "backwards": .warning, "disorder": .info, "off-by-6": .info, "no-connect": .warning, "refused": .warning])

        // A wider tolerance accepts the 6 s.
        XCTAssertFalse(only(.impossibleData, try anomalies { $0.durationTolerance = 6 }).contains { $0.subject == "off-by-6" })
    }

    // MARK: final_status_changed

    func testAChangeAwayFromAFinalStatusInThePeriod() throws {
        let q = now - 3 * day
        try stored("flip", "completed", queued: q, duration: "60", events: [("queued", q), ("connected", q + 10), ("disconnected", q + 70)], at: now - 2 * day)
        try stored("flip", "failed", queued: q, events: [("queued", q), ("dialing", q + 10), ("disconnected", q + 70), ("failed", q + 80)], at: now - day)
        // From an open status to a final one: the normal way.
        try stored("normal", "dialing", queued: q, events: [("queued", q), ("dialing", q + 10)], at: now - 2 * day)
        try stored("normal", "failed", queued: q, events: [("queued", q), ("dialing", q + 10), ("disconnected", q + 30)], at: now - day)

        let found = only(.finalStatusChanged, try anomalies())
        XCTAssertEqual(found.map(\.subject), ["flip"])
        XCTAssertEqual(found.first?.detail, "Final status completed became failed, seen 2027-01-14 08:00.")
        // Seen before the period: not reported.
        XCTAssertEqual(only(.finalStatusChanged, try anomalies(since: now - day + 1)), [])
    }

    // MARK: repeated_failure

    func testFailedChecksCountFailuresInARowAndABodyResetsThem() throws {
        for run in 1...2 { try store.recordProblem("flaky", outcome: "failed", httpStatus: 500, message: "HTTP 500", at: now - Int64(10 - run) * hour) }
        XCTAssertEqual(try db.scalarInt("SELECT failed_checks FROM calls WHERE call_id = 'flaky'"), 2)
        XCTAssertEqual(only(.repeatedFailure, try anomalies()), [], "two failures in a row are not three")
        try store.recordProblem("flaky", outcome: "failed", httpStatus: 500, message: "HTTP 500", at: now - 7 * hour)
        let found = only(.repeatedFailure, try anomalies())
        XCTAssertEqual(found.map(\.subject), ["flaky"])
        XCTAssertEqual(found.first?.detail, "No answer with a body in its last 3 fetches (one per run); the last at 2027-01-15 01:00: failed, HTTP 500 (HTTP 500). Nothing has been archived for it.")

        // A body ends the streak; the count starts again from zero.
        try stored("flaky", "dialing", queued: now - 5 * hour, events: [("queued", now - 5 * hour)], at: now - 6 * hour)
        XCTAssertEqual(try db.scalarInt("SELECT failed_checks FROM calls WHERE call_id = 'flaky'"), 0)
        XCTAssertEqual(only(.repeatedFailure, try anomalies()), [])

        // 404s count too, and the action says what a 404 means.
        for run in 1...4 { try store.recordProblem("typo", outcome: "not_found", httpStatus: 404, message: "not found", at: now - Int64(10 - run) * hour) }
        let typo = only(.repeatedFailure, try anomalies())
        XCTAssertEqual(typo.map(\.subject), ["typo"])
        XCTAssertTrue(typo[0].detail.hasPrefix("No answer with a body in its last 4 fetches"), typo[0].detail)
        XCTAssertTrue(typo[0].action.contains("callhist forget typo"))
        // Last tried before the period: not reported.
        XCTAssertEqual(only(.repeatedFailure, try anomalies(since: now - 5 * hour)), [])
    }

    func testMigrationCountsTheFailuresOfIdsThatNeverBroughtABody() throws {
        let path = dir.path("old.sqlite")
        let old = try Connection(path: path)
        try Migrator.migrate(old, to: 3)
        try old.execute("""
            INSERT INTO calls (call_id, first_seen_at, last_outcome, unchanged_checks) VALUES ('never', 0, 'not_found', 5), ('ok', 0, 'ok', 2);
            INSERT INTO calls (call_id, first_seen_at, last_outcome, unchanged_checks, last_success_at) VALUES ('lapsed', 0, 'failed', 3, 10);
            """)
        // Events archived before event_disorder existed: the migration derives it.
        try old.execute("""
            INSERT INTO call_events VALUES ('ok', 0, 'queued', 100), ('ok', 1, 'dialing', 150), ('ok', 2, 'connected', NULL), ('ok', 3, 'disconnected', 140),
                                           ('lapsed', 0, 'queued', 100), ('lapsed', 1, 'dialing', 100), ('lapsed', 2, 'disconnected', 200);
            """)
        try Migrator.migrate(old)
        XCTAssertEqual(try old.prepare("SELECT call_id, failed_checks, ifnull(event_disorder, '-') FROM calls ORDER BY call_id")
                        .map { "\($0.string(0))=\($0.int(1)) \($0.string(2))" },
                       ["lapsed=1 -", "never=5 -", "ok=0 3"])
        // The store derives the same for a new body.
        XCTAssertEqual(CallStore.eventDisorder([.init(event: "queued", timestamp: 100), .init(event: "dialing", timestamp: 150),
                                                .init(event: "connected", timestamp: nil), .init(event: "disconnected", timestamp: 140)]), 3)
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

    // MARK: archive_stale

    func run(_ kind: String, started: Int64, ended: Int64?, exit: Int?, message: String? = nil) throws {
        try db.prepare("INSERT INTO archive_runs (kind, started_at, ended_at, exit_code, message) VALUES (?, ?, ?, ?, ?)").run([kind, started, ended, exit, message])
    }

    func testArchiveStaleWhenNoArchiveRunSucceededFor36Hours() throws {
        try run("import", started: now - 90 * day, ended: now - 90 * day, exit: 0)
        XCTAssertEqual(only(.archiveStale, try anomalies()), [], "an archive filled by import only has no archive runs to judge")
        try run("archive", started: now - 36 * hour - 600, ended: now - 36 * hour + 60, exit: 0)
        XCTAssertEqual(only(.archiveStale, try anomalies()), [], "36 h less a minute")
        try db.execute("UPDATE archive_runs SET ended_at = \(now - 36 * hour - 60) WHERE kind = 'archive'")
        try run("archive", started: now - 12 * hour, ended: now - 12 * hour + 5, exit: 77, message: "the API refused the credentials")
        let found = only(.archiveStale, try anomalies())
        XCTAssertEqual(found.map(\.severity), [.error])
        XCTAssertEqual(found.first?.subject, "archive")
        XCTAssertEqual(found.first?.detail, "The last successful archive run ended 2027-01-13 19:59, 1d 12h ago (more than 1d 12h). 1 archive run since; the last, #3 started 2027-01-14 20:00, exited 77: the API refused the credentials.")
        try db.execute("DELETE FROM archive_runs WHERE exit_code = 0 AND kind = 'archive'")
        XCTAssertEqual(only(.archiveStale, try anomalies()).first?.detail,
                       "No archive run has succeeded (exit 0) yet. 1 archive run since; the last, #3 started 2027-01-14 20:00, exited 77: the API refused the credentials.")
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
        XCTAssertEqual(drop.first?.detail,
                       "Completion 62.0% (62 of 100 final calls) against 75.0% (1050 of 1400) over the 14 days before (d0 to d13): 3.0 standard errors below (one is 4.3 points).")
        // Small samples say nothing: 29 final calls, none completed.
        XCTAssertEqual(DayAnomalies.judge(days(base + [(100, 29, 0)]), judging: 14, t).filter { $0.kind == .completionDrop }, [])
        // 30 do (and the day's few final calls are no volume drop: 100 calls were queued).
        XCTAssertEqual(DayAnomalies.judge(days(base + [(100, 30, 0)]), judging: 14, t).map(\.kind), [.completionDrop])
        // A baseline with every call completed gives no standard error to measure by.
        XCTAssertEqual(DayAnomalies.judge(days(Array(repeating: (100, 100, 100), count: 14) + [(100, 100, 10)]), judging: 14, t), [])
    }

    // MARK: Through the archive

    /// Calls queued at noon UTC of each day, `completed` of them completed.
    func insertDay(_ dayIndex: Int64, calls: Int, completed: Int) throws {
        try db.transaction {
            let noon = dayIndex * day + 12 * hour
            for i in 0..<calls {
                let status = i < completed ? "completed" : "failed"
                try db.prepare("INSERT INTO calls (call_id, status, queued_timestamp, is_final, first_seen_at) VALUES (?, ?, ?, 1, 0)")
                    .run(["d\(dayIndex)-\(i)", status, noon + Int64(i)])
            }
        }
    }

    func testDaysAreJudgedFromTheArchiveByQueuedDay() throws {
        let today = now / day
        // 14 busy days, then a day of 30 calls (volume), then a day of 100
        // with 40 completed (completion), then yesterday as usual; today is
        // never judged however empty it is.
        for d in (today - 17)...(today - 4) { try insertDay(d, calls: 100, completed: 75) }
        try insertDay(today - 3, calls: 30, completed: 22)
        try insertDay(today - 2, calls: 100, completed: 40)
        try insertDay(today - 1, calls: 100, completed: 75)
        // (Completed calls without events are impossible data: not the point here.)
        let dayKinds: Set<Anomaly.Kind> = [.volumeDrop, .completionDrop]
        let found = try anomalies(since: (today - 3) * day).filter { dayKinds.contains($0.kind) }
        XCTAssertEqual(found.map(\.kind), [.volumeDrop, .completionDrop])
        XCTAssertEqual(found.map(\.subject), ["2027-01-12", "2027-01-13"])
        XCTAssertTrue(found[1].detail.hasPrefix("Completion 40.0% (40 of 100 final calls) against 75.0% (997 of 1330)"), found[1].detail)
        // Judged from a period that starts later, the volume drop is outside it.
        XCTAssertEqual(try anomalies(since: (today - 2) * day).filter { dayKinds.contains($0.kind) }.map(\.subject), ["2027-01-13"])
    }

    func testFindingsAreListedWorstFirst() throws {
        try run("archive", started: now - 3 * day, ended: now - 3 * day, exit: 0)
        try stored("too-many", "failed", attempts: 4, max: 3, queued: now - day, events: [("queued", now - day)])
        try stored("stuck", "dialing", queued: now - 3 * day, events: [("queued", now - 3 * day)])
        let found = try anomalies()
        XCTAssertEqual(found.map(\.kind), [.archiveStale, .stuckCall, .impossibleData])
        XCTAssertEqual(found.map(\.severity), [.error, .warning, .warning])
        XCTAssertTrue(Anomaly.Severity.warning.isAtLeast(.warning))
        XCTAssertTrue(Anomaly.Severity.error.isAtLeast(.warning))
        XCTAssertFalse(Anomaly.Severity.info.isAtLeast(.warning))
    }
}

import FuseAPI
import XCTest

@testable import ArchiveCore

/// `report anomalies` over hand-built archives: each behaviour triggers one
/// kind, with the finding computed by hand, and the cases just inside and
/// just outside each threshold (docs/reports.md, "Anomalies"). One body for
/// both backends.
struct AnomalyBehaviour {
    let f: CoreFixture

    /// The "now" of every report here: 2027-01-15 08:00 UTC.
    let now: Int64 = 1_800_000_000
    let hour: Int64 = 3600, day: Int64 = 86_400

    /// Stores a body as a fetch would.
    func stored(
        _ id: String, _ status: String, attempts: Int = 1, max: Int = 3, queued: Int64, start: Int64? = nil, end: Int64? = nil,
        duration: String? = nil, events: [(String, Int64)], at time: Int64? = nil
    ) throws {
        var fields = [#""status":"\#(status)""#, #""attempts":"\#(attempts)""#, #""max_attempts":"\#(max)""#, #""queued_timestamp":"\#(queued)""#]
        if let start { fields.append(#""start_timestamp":"\#(start)""#) }
        if let end { fields.append(#""end_timestamp":"\#(end)""#) }
        if let duration { fields.append(#""duration":\#(duration)"#) }
        let list = events.map { #"{"event":"\#($0.0)","timestamp":\#($0.1)}"# }.joined(separator: ",")
        try f.store(id, json: #"{"call_details":{\#(fields.joined(separator: ",")),"events":[\#(list)]}}"#, at: time ?? now - hour)
    }

    func anomalies(since: Int64? = nil, until: Int64? = nil, _ configure: (inout AnomaliesReport.Thresholds) -> Void = { _ in }) throws -> [Anomaly] {
        var t = AnomaliesReport.Thresholds()
        configure(&t)
        return try f.archive.anomalies(since: since ?? now - 7 * day, until: until ?? now, now: now, thresholds: t, utc: true).findings
    }

    func only(_ kind: Anomaly.Kind, _ findings: [Anomaly]) -> [Anomaly] { findings.filter { $0.kind == kind } }

    func run(_ kind: String, started: Int64, ended: Int64?, exit: Int?, message: String? = nil) throws {
        try f.sql.run(
            "INSERT INTO archive_runs (kind, started_at, ended_at, exit_code, message) VALUES (?, ?, ?, ?, ?)",
            [.text(kind), .integer(started), value(ended), value(exit), value(message)])
    }

    /// Calls queued at noon UTC of each day, `completed` of them completed.
    func insertDay(_ dayIndex: Int64, calls: Int, completed: Int) throws {
        let noon = dayIndex * day + 12 * hour
        try f.sql.insert(
            "calls", columns: ["call_id", "status", "queued_timestamp", "is_final", "first_seen_at"],
            rows: (0..<calls).map { i in
                [.text("d\(dayIndex)-\(i)"), .text(i < completed ? "completed" : "failed"), .integer(noon + Int64(i)), .integer(1), .integer(0)]
            }, conflictsIgnored: false)
        try f.sql.callsChanged()
    }

    func stuckCallsAreOpenCallsQuietForLongerThanStuckAfter() throws {
        let cutoff = now - 24 * hour
        // Newest event 60 s past the threshold: stuck. 60 s inside it: not yet.
        try stored("stuck", "dialing", attempts: 2, queued: cutoff - 3 * hour, events: [("queued", cutoff - 3 * hour), ("dialing", cutoff - 60)])
        try stored("fresh", "dialing", queued: cutoff - 3 * hour, events: [("queued", cutoff - 3 * hour), ("dialing", cutoff + 60)])
        // No events at all: its queue time counts.
        try stored("silent", "queued", attempts: 0, queued: now - 2 * day, events: [])
        // Final, or stale (no longer re-checked): never stuck.
        try stored(
            "done", "completed", queued: now - 9 * day,
            events: [("queued", now - 9 * day), ("connected", now - 9 * day + 5), ("disconnected", now - 9 * day + 65)])
        try stored("given-up", "dialing", queued: now - 40 * day, events: [("queued", now - 40 * day)])
        try f.sql.run("UPDATE calls SET is_stale = 1 WHERE call_id = 'given-up'", [])

        let stuck = only(.stuckCall, try anomalies())
        XCTAssertEqual(stuck.map(\.subject), ["silent", "stuck"])
        XCTAssertEqual(stuck.map(\.severity), [.warning, .warning])
        XCTAssertEqual(
            stuck[1].detail,
            "Status dialing and nothing new since 2027-01-14 07:59 (its newest event), 1d 1m ago; attempt 2 of 3; last checked 2027-01-15 07:00.")
        XCTAssertTrue(stuck[0].detail.contains("since 2027-01-13 08:00 (it was queued), 2d ago"), stuck[0].detail)
        XCTAssertTrue(stuck[1].action.contains("callhist report call stuck"))

        // A longer --stuck-after leaves only the call quiet for two days.
        XCTAssertEqual(only(.stuckCall, try anomalies { $0.stuckAfter = 36 * self.hour }).map(\.subject), ["silent"])
    }

    func impossibleDataNamesEachBrokenRule() throws {
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
        XCTAssertEqual(
            detail["refused"],
            #"Callhist refused out-of-range or non-integer fields (stored as NULL; the body is kept): duration "9223372036854775807"."#)
        // Out of order, or a duration the events disagree with: the API's numbers still stand.
        XCTAssertEqual(
            Dictionary(found.map { ($0.subject, $0.severity) }, uniquingKeysWith: { a, _ in a }),
            ["too-many": .warning, "backwards": .warning, "disorder": .info, "off-by-6": .info, "no-connect": .warning, "refused": .warning])

        // A wider tolerance accepts the 6 s.
        XCTAssertFalse(only(.impossibleData, try anomalies { $0.durationTolerance = 6 }).contains { $0.subject == "off-by-6" })
    }

    func aChangeAwayFromAFinalStatusInThePeriod() throws {
        let q = now - 3 * day
        try stored(
            "flip", "completed", queued: q, duration: "60", events: [("queued", q), ("connected", q + 10), ("disconnected", q + 70)],
            at: now - 2 * day)
        try stored(
            "flip", "failed", queued: q, events: [("queued", q), ("dialing", q + 10), ("disconnected", q + 70), ("failed", q + 80)], at: now - day)
        // From an open status to a final one: the normal way.
        try stored("normal", "dialing", queued: q, events: [("queued", q), ("dialing", q + 10)], at: now - 2 * day)
        try stored("normal", "failed", queued: q, events: [("queued", q), ("dialing", q + 10), ("disconnected", q + 30)], at: now - day)

        let found = only(.finalStatusChanged, try anomalies())
        XCTAssertEqual(found.map(\.subject), ["flip"])
        XCTAssertEqual(found.first?.detail, "Final status completed became failed, seen 2027-01-14 08:00.")
        // Seen before the period: not reported.
        XCTAssertEqual(only(.finalStatusChanged, try anomalies(since: now - day + 1)), [])
    }

    func failedChecksCountFailuresInARowAndABodyResetsThem() throws {
        for run in 1...2 { try f.problem("flaky", outcome: "failed", http: 500, message: "HTTP 500", at: now - Int64(10 - run) * hour) }
        XCTAssertEqual(try f.integer("SELECT failed_checks FROM calls WHERE call_id = 'flaky'"), 2)
        XCTAssertEqual(only(.repeatedFailure, try anomalies()), [], "two failures in a row are not three")
        try f.problem("flaky", outcome: "failed", http: 500, message: "HTTP 500", at: now - 7 * hour)
        let found = only(.repeatedFailure, try anomalies())
        XCTAssertEqual(found.map(\.subject), ["flaky"])
        XCTAssertEqual(
            found.first?.detail,
            "No answer with a body in its last 3 fetches (one per run); the last at 2027-01-15 01:00: failed, HTTP 500 (HTTP 500). Nothing has been archived for it."
        )

        // A body ends the streak; the count starts again from zero.
        try stored("flaky", "dialing", queued: now - 5 * hour, events: [("queued", now - 5 * hour)], at: now - 6 * hour)
        XCTAssertEqual(try f.integer("SELECT failed_checks FROM calls WHERE call_id = 'flaky'"), 0)
        XCTAssertEqual(only(.repeatedFailure, try anomalies()), [])

        // 404s count too, and the action says what a 404 means.
        for run in 1...4 { try f.problem("typo", outcome: "not_found", http: 404, message: "not found", at: now - Int64(10 - run) * hour) }
        let typo = only(.repeatedFailure, try anomalies())
        XCTAssertEqual(typo.map(\.subject), ["typo"])
        XCTAssertTrue(typo[0].detail.hasPrefix("No answer with a body in its last 4 fetches"), typo[0].detail)
        XCTAssertTrue(typo[0].action.contains("callhist forget typo"))
        // Last tried before the period: not reported.
        XCTAssertEqual(only(.repeatedFailure, try anomalies(since: now - 5 * hour)), [])
    }

    func archiveStaleWhenNoArchiveRunSucceededFor36Hours() throws {
        try run("import", started: now - 90 * day, ended: now - 90 * day, exit: 0)
        XCTAssertEqual(only(.archiveStale, try anomalies()), [], "an archive filled by import only has no archive runs to judge")
        try run("archive", started: now - 36 * hour - 600, ended: now - 36 * hour + 60, exit: 0)
        XCTAssertEqual(only(.archiveStale, try anomalies()), [], "36 h less a minute")
        try f.sql.run("UPDATE archive_runs SET ended_at = \(now - 36 * hour - 60) WHERE kind = 'archive'", [])
        try run("archive", started: now - 12 * hour, ended: now - 12 * hour + 5, exit: 77, message: "the API refused the credentials")
        let found = only(.archiveStale, try anomalies())
        XCTAssertEqual(found.map(\.severity), [.error])
        XCTAssertEqual(found.first?.subject, "archive")
        XCTAssertEqual(
            found.first?.detail,
            "The last successful archive run ended 2027-01-13 19:59, 1d 12h ago (more than 1d 12h). 1 archive run since; the last, #3 started 2027-01-14 20:00, exited 77: the API refused the credentials."
        )
        try f.sql.run("DELETE FROM archive_runs WHERE exit_code = 0 AND kind = 'archive'", [])
        XCTAssertEqual(
            only(.archiveStale, try anomalies()).first?.detail,
            "No archive run has succeeded (exit 0) yet. 1 archive run since; the last, #3 started 2027-01-14 20:00, exited 77: the API refused the credentials."
        )
    }

    func daysAreJudgedFromTheArchiveByQueuedDay() throws {
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

    func findingsAreListedWorstFirst() throws {
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

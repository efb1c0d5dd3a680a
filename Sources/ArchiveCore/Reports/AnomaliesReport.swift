import Foundation

/// `report anomalies` (docs/reports.md, "Anomalies"): what went wrong with
/// the calls or the archive, each finding worded with the numbers behind it
/// and what to do. Storage finds the candidates (`AnomalyFacts`); the rules
/// and their thresholds are here and in `DayAnomalies`, the same for every
/// backend.
public struct AnomaliesReport: Sendable {
    /// Every threshold, with the defaults docs/reports.md explains.
    public struct Thresholds: Sendable, Equatable {
        /// stuck_call: no newest event for this long while still re-checked.
        public var stuckAfter: Int64 = 86_400
        /// archive_stale: no successful archive run for this long.
        public var archiveMaxAge: Int64 = 36 * 3600
        /// impossible_data: `duration` and the events' duration may differ by this much.
        public var durationTolerance: Int64 = 5
        /// volume_drop and completion_drop compare a day with this many days before it…
        public var baselineDays = 14
        /// …of which at least this many must have calls…
        public var minBaselineDays = 7
        /// …averaging at least this many calls (volume_drop).
        public var minDailyCalls = 20.0
        /// volume_drop: a day with fewer calls than this share of the baseline's median.
        public var volumeRatio = 0.5
        /// completion_drop: a day this many standard errors below the baseline's rate…
        public var completionSigmas = 3.0
        /// …with at least this many final calls.
        public var minFinalCalls = 30
        /// repeated_failure: an id with this many failed fetches in a row.
        public var failuresInARow = 3

        public init() {}
    }

    /// The period judged: calls queued, days, changes seen and ids tried in `[since, until)`.
    public var since: Int64
    public var until: Int64
    /// Worst first (`Anomaly.listed`).
    public var findings: [Anomaly]

    /// How many findings of `kind` with `severity`.
    public func count(_ kind: Anomaly.Kind, _ severity: Anomaly.Severity) -> Int {
        findings.count { $0.kind == kind && $0.severity == severity }
    }

    package static func run(
        _ archive: CallArchive, since: Int64, until: Int64, labels: [Label], now: Int64, thresholds t: Thresholds,
        utc: Bool, timeZone: TimeZone
    ) throws -> AnomaliesReport {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc ? TimeZone(identifier: "UTC")! : timeZone
        // Each finding says a time or two: tens of thousands of them, placed
        // without a calendar call each (the same text as `Humanize.time`).
        var clock = ISOTime(zone: utc ? nil : TimeZone.current)
        let time = { (unix: Int64) in clock.minute(unix) ?? Humanize.time(unix, utc: utc) }
        var findings: [Anomaly] = []
        // The archive's runs are about every call: labels do not narrow them.
        let lastSuccess = try archive.lastSuccessfulArchive()
        let archiveRuns = try archive.runs(since: lastSuccess, until: nil, limit: 0).filter { $0.kind == "archive" }
        if let stale = archiveStale(lastSuccess: lastSuccess, runsSince: archiveRuns, now: now, maxAge: t.archiveMaxAge, time: time) {
            findings.append(stale)
        }
        findings += try DayAnomalies.judge(archive, since: since, until: until, labels: labels, now: now, thresholds: t, calendar: calendar, utc: utc)
        findings += try AnomalyFacts.stuckCalls(archive.backend.sql, activeBefore: SafeMath.plus(now, -t.stuckAfter), labels: labels).map {
            stuck($0, now: now, time: time)
        }
        findings += try AnomalyFacts.failingCalls(archive.backend.sql, atLeast: t.failuresInARow, since: since, until: until, labels: labels).map {
            failing($0, time: time)
        }
        findings += try AnomalyFacts.finalStatusChanges(archive.backend.sql, since: since, until: until, labels: labels).map {
            changed($0, time: time)
        }
        findings += try archive.backend.suspectCalls(CallFilter(since: since, until: until, labels: labels))
            .flatMap { impossible($0, tolerance: t.durationTolerance) }
        return AnomaliesReport(since: since, until: until, findings: Anomaly.listed(findings))
    }

    /// archive_stale: archive runs exist, and none succeeded within `maxAge`.
    /// An archive filled only by `import` has no archive runs: nothing to say.
    package static func archiveStale(
        lastSuccess: Int64?, runsSince: [RunsReport.Row], now: Int64, maxAge: Int64,
        time: (Int64) -> String
    ) -> Anomaly? {
        let action = "Read the nightly job's log and `callhist report runs`; `callhist doctor` checks the set-up. Reports miss every call since."
        let latest = runsSince.max { $0.runID < $1.runID }
        let since =
            latest.map { r in
                " \(runsSince.count) archive run\(runsSince.count == 1 ? "" : "s") since; the last, #\(r.runID) started \(time(r.startedAt)), "
                    + (r.exitCode.map { "exited \($0)" } ?? "has not ended (running, or killed)") + (r.message.map { ": \($0)" } ?? "")
                    + (r.message?.hasSuffix(".") == true ? "" : ".")
            } ?? " No archive run since."
        guard let lastSuccess else {
            guard latest != nil else { return nil }
            return Anomaly(.error, .archiveStale, subject: "archive", detail: "No archive run has succeeded (exit 0) yet." + since, action: action)
        }
        let age = SafeMath.minus(now, lastSuccess) ?? .max
        guard age > maxAge else { return nil }
        return Anomaly(
            .error, .archiveStale, subject: "archive",
            detail:
                "The last successful archive run ended \(time(lastSuccess)), \(TimeSpan.describe(age)) ago (more than \(TimeSpan.describe(maxAge)))."
                + since,
            action: action)
    }

    package static func stuck(_ c: AnomalyFacts.StuckCall, now: Int64, time: (Int64) -> String) -> Anomaly {
        let what = c.newestEvent != nil ? "its newest event" : c.queued != nil ? "it was queued" : "callhist first saw it"
        var detail = "Status \(c.status) and nothing new since \(time(c.lastActivity)) (\(what)), \(span(now, c.lastActivity)) ago"
        if let attempts = c.attempts { detail += "; attempt \(attempts)" + (c.maxAttempts.map { " of \($0)" } ?? "") }
        if let fetched = c.lastFetched { detail += "; last checked \(time(fetched))" }
        return Anomaly(
            .warning, .stuckCall, subject: c.id, detail: detail + ".",
            action:
                "Look the call up in Fuse (`callhist report call \(c.id)` shows what was archived); callhist re-checks it until it is final, or stale after --stale-after.",
            since: c.lastActivity)
    }

    package static func failing(_ c: AnomalyFacts.FailingCall, time: (Int64) -> String) -> Anomaly {
        var detail = "No answer with a body in its last \(c.failures) fetches (one per run)"
        let outcome = c.lastOutcome ?? "failed"
        detail += "; the last " + (c.lastFetched.map { "at \(time($0)): " } ?? ": ") + outcome + (c.lastHTTPCode.map { ", HTTP \($0)" } ?? "")
        if let error = c.lastError { detail += " (\(error))" }
        detail += c.hasData ? ". What was archived before is kept." : ". Nothing has been archived for it."
        let action =
            switch outcome {
            case "not_found":
                "Check the id with whoever supplied it (a typo, or another account's call); `callhist forget \(c.id)` drops an id that never existed."
            case "forbidden": "The call belongs to another Fuse account: check FUSE_EMAIL and the key, or `callhist forget \(c.id)`."
            case "malformed": "The API keeps sending this call a body callhist cannot read: send Plum the id; callhist keeps retrying with backoff."
            default: "The API keeps failing for this id: send Plum the id and the error; callhist keeps retrying with backoff."
            }
        return Anomaly(.warning, .repeatedFailure, subject: c.id, detail: detail, action: action, since: c.lastFetched)
    }

    package static func changed(_ c: AnomalyFacts.FinalChange, time: (Int64) -> String) -> Anomaly {
        Anomaly(
            .warning, .finalStatusChanged, subject: c.id,
            detail: "Final status \(c.old) became \(c.new), seen \(time(c.observedAt))" + (c.runID.map { " by run #\($0)" } ?? "") + ".",
            action:
                "A final status should never change: reports and exports made before then counted it as \(c.old). Ask Plum which is right; `callhist report call \(c.id)` lists every change.",
            since: c.observedAt)
    }

    /// `a - b` in words; an overflow (values another tool wrote) says so.
    package static func span(_ a: Int64, _ b: Int64) -> String {
        SafeMath.minus(a, b).map(TimeSpan.describe) ?? "an immeasurable time"
    }

    /// One finding per rule the call breaks. Events out of order and a
    /// duration the events disagree with are `info`: the API's own numbers
    /// still stand and the reports use them. The rest are warnings.
    package static func impossible(_ c: AnomalyFacts.SuspectCall, tolerance: Int64) -> [Anomaly] {
        var problems: [(Anomaly.Severity, String)] = []
        if let a = c.attempts, let m = c.maxAttempts, a > m { problems.append((.warning, "attempts \(a) is more than max_attempts \(m)")) }
        if let s = c.start, let e = c.end, e < s { problems.append((.warning, "end_timestamp \(e) is \(span(s, e)) before start_timestamp \(s)")) }
        if let d = c.disorder {
            problems.append(
                (
                    .info,
                    "event #\(d.seq) (\(d.event)) at \(d.timestamp) is \(span(d.latestBefore, d.timestamp)) earlier than an event before it (\(d.latestBefore))"
                ))
        }
        if let d = c.duration, let e = c.eventDuration, SafeMath.minus(d, e).map({ $0 > tolerance || $0 < -tolerance }) ?? true {
            problems.append((.info, "duration \(d) s, but its events say \(e) s (connected to disconnected): more than \(tolerance) s apart"))
        }
        if c.completedWithoutConnected { problems.append((.warning, "completed, but none of its \(c.events) events is connected")) }
        if let refusal = c.refusal { problems.append((.warning, "callhist " + refusal)) }
        return problems.map { severity, text in
            Anomaly(
                severity, .impossibleData, subject: c.id, detail: text.prefix(1).uppercased() + text.dropFirst() + ".",
                action:
                    "Send Plum the call id and its body (`callhist report call \(c.id)`; call_snapshots keeps it verbatim). Reports use what could be stored."
            )
        }
    }
}

import Foundation

/// volume_drop and completion_drop (docs/reports.md, "Anomalies"): each
/// finished local day of the period against the days just before it, from
/// the report aggregates (the daily report's numbers, by queued day).
package enum DayAnomalies {
    /// The most days judged in one report (ten years).
    package static let maxDays: Int64 = 3660

    package struct Day: Equatable {
        package var start: Int64
        package var end: Int64
        package var label: String
        package var calls = 0
        package var final = 0
        package var completed = 0
    }

    package static func judge(
        _ archive: CallArchive, since: Int64, until: Int64, labels: [Label], now: Int64, thresholds t: AnomaliesReport.Thresholds,
        calendar: Calendar, utc: Bool
    ) throws -> [Anomaly] {
        // No day before the archive's first call can be judged (its baseline
        // has no calls): start there, so `--since @0` walks no empty decades.
        // Finished days only: a day still under way has not had its calls yet.
        // And no more than the ten years before the end: one call with a
        // queued time of 1970 (another tool's) must not make it walk decades.
        guard let held = try archive.queuedRange() else { return [] }
        let from = max(since, held.first, SafeMath.plus(min(until, now), -maxDays * 86_400))
        var days = Self.days(from: from, to: min(until, now), calendar: calendar, utc: utc).filter { $0.end <= now }
        guard let first = days.first, let last = days.last else { return [] }
        let judged = days.count
        days = Self.days(from: back(first.start, days: t.baselineDays, calendar), to: first.start, calendar: calendar, utc: utc) + days
        let rows = DailyReport.build(
            try archive.backend.quarterHours(CallFilter(since: days[0].start, until: last.end, labels: labels)), by: .day,
            utc: utc, timeZone: calendar.timeZone)
        let byStart = Dictionary(rows.map { ($0.start, $0) }, uniquingKeysWith: { a, _ in a })
        for i in days.indices {
            guard let row = byStart[days[i].start] else { continue }
            days[i].calls = row.calls
            days[i].final = row.final
            days[i].completed = row.completed
        }
        return judge(days, judging: days.count - judged, t)
    }

    /// The findings for `days[from...]`, each against the `baselineDays` before it.
    package static func judge(_ days: [Day], judging from: Int, _ t: AnomaliesReport.Thresholds) -> [Anomaly] {
        var findings: [Anomaly] = []
        // A run of days without any call is one finding: (first, last, baseline median, baseline).
        var silent: (first: Day, last: Day, median: Double, baseline: ArraySlice<Day>)?
        func closeSilence() {
            guard let s = silent else { return }
            let span = s.first.start == s.last.start ? "on \(s.first.label)" : "from \(s.first.label) to \(s.last.label)"
            findings.append(
                Anomaly(
                    .error, .volumeDrop, subject: s.first.start == s.last.start ? s.first.label : "\(s.first.label) to \(s.last.label)",
                    detail: "No calls queued \(span), after a median of \(Humanize.number(s.median)) a day over the \(describe(s.baseline)).",
                    action:
                        "Check that the campaign is placing calls and that callhist is given their ids (the ids file and what feeds it); `callhist report daily` shows the days around it."
                ))
            silent = nil
        }
        for i in days.indices where i >= from && i >= t.baselineDays {
            let day = days[i]
            let baseline = days[(i - t.baselineDays)..<i]
            if let median = volumeBaseline(baseline, t), Double(day.calls) < t.volumeRatio * median {
                if day.calls == 0 {
                    if silent == nil { silent = (day, day, median, baseline) } else { silent!.last = day }
                    continue
                }
                findings.append(
                    Anomaly(
                        .warning, .volumeDrop, subject: day.label,
                        detail:
                            "\(day.calls) calls queued, fewer than \(Humanize.number(t.volumeRatio * 100))% of the median of \(Humanize.number(median)) a day over the \(describe(baseline)).",
                        action:
                            "Check whether fewer calls were placed than planned (a list not loaded, a paused campaign) or fewer ids were given to callhist; `callhist report daily` shows the days around it."
                    ))
            }
            closeSilence()
            if let drop = completionDrop(day, baseline, t) { findings.append(drop) }
        }
        closeSilence()
        return findings
    }

    /// The median calls a day of `baseline`, when it is busy enough to judge
    /// by: at least `minBaselineDays` days with calls, averaging `minDailyCalls`.
    package static func volumeBaseline(_ baseline: ArraySlice<Day>, _ t: AnomaliesReport.Thresholds) -> Double? {
        let active = baseline.filter { $0.calls > 0 }
        guard active.count >= t.minBaselineDays, Double(active.reduce(0) { $0 + $1.calls }) / Double(active.count) >= t.minDailyCalls else {
            return nil
        }
        let sorted = baseline.map(\.calls).sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
    }

    /// A day whose completion rate is more than `completionSigmas` standard
    /// errors below the baseline's. The baseline's rate p is its completed
    /// calls over its final calls; the standard error is the binomial
    /// sqrt(p(1 - p) / n) of the day's n final calls. Small samples say
    /// nothing: n must reach `minFinalCalls`, and n·p and n·(1 − p) 5 each.
    package static func completionDrop(_ day: Day, _ baseline: ArraySlice<Day>, _ t: AnomaliesReport.Thresholds) -> Anomaly? {
        let active = baseline.filter { $0.final > 0 }
        guard day.final >= t.minFinalCalls, active.count >= t.minBaselineDays else { return nil }
        let baseFinal = active.reduce(0) { $0 + $1.final }
        let baseCompleted = active.reduce(0) { $0 + $1.completed }
        let p = Double(baseCompleted) / Double(baseFinal)
        let n = Double(day.final)
        guard n * p >= 5, n * (1 - p) >= 5 else { return nil }
        let se = (p * (1 - p) / n).squareRoot()
        let rate = Double(day.completed) / n
        let z = (p - rate) / se
        guard z > t.completionSigmas else { return nil }
        return Anomaly(
            .warning, .completionDrop, subject: day.label,
            detail:
                "Completion \(Humanize.percent(rate)) (\(day.completed) of \(day.final) final calls) against \(Humanize.percent(p)) (\(baseCompleted) of \(baseFinal)) over the \(describe(baseline)): \(String(format: "%.1f", z)) standard errors below (one is \(String(format: "%.1f", se * 100)) points).",
            action:
                "Look at how the day's calls ended (`callhist report summary --since \(day.label) --until` the next day): many failed or rejected calls point at the numbers dialled, the calling hours or the line."
        )
    }

    /// "14 days before (2026-11-06 to 2026-11-19)".
    package static func describe(_ baseline: ArraySlice<Day>) -> String {
        guard let first = baseline.first, let last = baseline.last else { return "days before" }
        return "\(baseline.count) days before (\(first.label) to \(last.label))"
    }

    /// The local days overlapping `[from, to)`, in order.
    package static func days(from: Int64, to: Int64, calendar: Calendar, utc: Bool) -> [Day] {
        var days: [Day] = []
        var t = from
        while t < to {
            let (start, end) = DailyReport.interval(t, .day, calendar)
            guard end > t else { break }  // no calendar places it: stop rather than loop
            days.append(Day(start: start, end: end, label: DailyReport.label(start, .day, calendar, utc: utc)))
            t = end
        }
        return days
    }

    /// The start of the local day `days` days before the day starting at `start`.
    package static func back(_ start: Int64, days: Int, _ calendar: Calendar) -> Int64 {
        let date = Date(timeIntervalSince1970: TimeInterval(start))
        guard let earlier = calendar.date(byAdding: .day, value: -days, to: date) else { return start }
        return DailyReport.interval(Int64(earlier.timeIntervalSince1970), .day, calendar).start
    }
}

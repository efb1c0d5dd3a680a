import Foundation

/// `report html`: one self-contained page of the period's call history —
/// headline figures, anomalies, and charts with the numbers behind each —
/// built from the very report values the JSON reports print
/// (`CallArchive.htmlReport`), so a figure here is the figure there. The
/// page fetches nothing (a Content-Security-Policy forbids it), so it reads
/// the same offline, attached to a mail, or printed.
public struct HTMLReport: Sendable {
    public var summary: SummaryReport
    /// Whole local periods from the one holding the first call of the
    /// filter up to now: never a sliver of a first day, never a future day.
    public var daily: [DailyReport.Row]
    /// When people pick up, in the page's zone.
    public var hours: HoursReport
    /// A report per label name the period's calls carry (each at most
    /// `labelValuesShown` values, the most called first), and how many values it has in all.
    public var labels: [(report: LabelsReport, values: Int)]
    public var period: DailyReport.Period
    public var attempts: AttemptsReport
    public var durations: DurationsReport
    public var pending: PendingReport
    /// The archive runs started in the period, newest first.
    public var runs: [RunsReport.Row]
    public var anomalies: AnomaliesReport
    public var filter: CallFilter
    /// The archive's file name, shown in the header.
    public var archive: String
    public var now: Int64
    public var utc: Bool
    public var timeZone: TimeZone

    /// The complete document.
    public func rendered() -> String {
        var page = head()
        page += "<body><main>\n"
        page += header()
        page += figures()
        page += anomalySection()
        page += dailySection()
        page += hoursSection()
        page += labelSections()
        page += durationSection()
        page += attemptSection()
        page += statusSection()
        page += pendingSection()
        // The operator's part, after the analyst's.
        page += "<section id=\"archive-health\"><h2>Archive health</h2>\n"
        page += "<p>How the nightly archive runs went: what the figures above rest on.</p></section>\n"
        page += runSection()
        page +=
            "<footer>Made by callhist \(SafeText.html(CallhistVersion.string)). Definitions of every figure: callhist's docs/reports.md.</footer>\n"
        page += "</main></body></html>\n"
        return page
    }

    // MARK: Page

    private func head() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="callhist \(SafeText.html(CallhistVersion.string))">
        <title>Call history: \(SafeText.html(periodText))</title>
        <style>\(Self.style)</style></head>

        """
    }

    package static let style = """
        body{margin:0;background:#fff;color:#222;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif}
        main{max-width:1000px;margin:0 auto;padding:24px}
        h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
        h3{font-size:16px;margin:20px 0 6px}
        .period{color:#555;margin:0 0 16px}
        .figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:10px;margin:16px 0}
        .figure{border:1px solid #ddd;border-radius:6px;padding:10px 12px;background:#fafafa}
        .figure .value{font-size:24px;font-weight:600}.figure .label{color:#555;font-size:13px}
        figure{margin:0 0 8px;break-inside:avoid}svg{width:100%;height:auto;font-size:12px;fill:#222}
        svg .axis-label{font-size:13px;font-weight:600}svg .marker{font-size:12px;font-weight:600}svg .empty{font-size:16px;fill:#777}
        details{margin:4px 0 16px}summary{cursor:pointer;color:#0072B2}
        table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
        .finding{border-left:5px solid #999;padding:6px 12px;margin:8px 0;background:#fafafa}
        .finding.error{border-color:#D55E00}.finding.warning{border-color:#E69F00}.finding.info{border-color:#56B4E9}
        .finding .head{font-weight:600}.finding .action{color:#444}
        .ok{color:#009E73}.bad{color:#D55E00;font-weight:600}
        footer{margin-top:32px;color:#777;font-size:12px}
        @media print{main{max-width:none;padding:0}details>summary{display:none}h2{break-after:avoid}}
        """

    private func time(_ unix: Int64) -> String { Humanize.time(unix, utc: utc) }

    /// "calls queued from … to … (zone)".
    package var periodText: String {
        var text =
            switch (filter.since, filter.until) {
            case (let s?, let u?): "calls queued from \(time(s)) to \(time(u))"
            case (let s?, nil): "calls queued since \(time(s))"
            case (nil, let u?): "calls queued before \(time(u))"
            case (nil, nil): "every call in the archive"
            }
        if let status = filter.status { text += ", status \(status)" }
        if let phone = filter.phone { text += ", to \(phone)" }
        return text + (utc ? " (UTC)" : " (\(timeZone.identifier))")
    }

    private func header() -> String {
        "<h1>Call history</h1>\n<p class=\"period\">\(SafeText.html(periodText.prefix(1).uppercased() + periodText.dropFirst())). "
            + "Archive \(SafeText.html(archive)), as of \(SafeText.html(time(now))).</p>\n"
    }

    /// The headline figures; each carries its value as `report summary
    /// --format json` writes it (`data-metric` is its JSON path).
    private func figures() -> String {
        let s = summary
        let items: [(String, String, Any, String)] = [
            ("calls", "calls", s.calls, Self.grouped(s.calls)),
            ("completion_rate", "completion rate", JSONOutput.orNull(s.completionRate), s.completionRate.map(Humanize.percent) ?? "—"),
            (
                "attempts.first_attempt_completion_rate", "completed at the first attempt", JSONOutput.orNull(s.firstAttemptCompletionRate),
                s.firstAttemptCompletionRate.map(Humanize.percent) ?? "—"
            ),
            ("duration.p50", "median duration", JSONOutput.orNull(s.duration.p50), s.duration.p50.map { Humanize.duration(Double($0)) } ?? "—"),
            ("duration.p90", "p90 duration", JSONOutput.orNull(s.duration.p90), s.duration.p90.map { Humanize.duration(Double($0)) } ?? "—"),
            ("pending", "pending (not final)", s.pending, Self.grouped(s.pending)),
            ("attempts.exhausted", "exhausted (every attempt failed)", s.exhausted, Self.grouped(s.exhausted)),
        ]
        var out = "<section class=\"figures\" aria-label=\"Headline figures\">\n"
        for (metric, label, value, shown) in items {
            out += "<div class=\"figure\" data-metric=\"\(metric)\" data-value=\"\(SafeText.html(JSONOutput.string(value)))\">"
            out += "<div class=\"value\">\(SafeText.html(shown))</div><div class=\"label\">\(label)</div></div>\n"
        }
        return out + "</section>\n"
    }

    private func anomalySection() -> String {
        var out = "<section id=\"anomalies\"><h2>Anomalies</h2>\n"
        let findings = anomalies.findings
        guard !findings.isEmpty else { return out + "<p class=\"ok\">Nothing went wrong that callhist can see.</p></section>\n" }
        let kinds = Anomaly.Kind.allCases.compactMap { kind -> String? in
            let n = findings.count { $0.kind == kind }
            return n == 0 ? nil : "\(n) \(kind.rawValue)"
        }
        out +=
            "<p>\(findings.count) finding\(findings.count == 1 ? "" : "s") (\(kinds.joined(separator: ", "))), worst first, as <code>callhist report anomalies</code> lists them.</p>\n"
        func finding(_ f: Anomaly) -> String {
            "<div class=\"finding \(f.severity.rawValue)\"><div class=\"head\">\(f.severity.rawValue) · \(f.kind.rawValue) · \(SafeText.html(f.subject))</div>"
                + "<div>\(SafeText.html(f.detail))</div><div class=\"action\">→ \(SafeText.html(f.action))</div></div>\n"
        }
        // The ten worst in view; the rest (up to 500) a click away, so a
        // long list of stuck calls does not push the charts off the page.
        out += findings.prefix(10).map(finding).joined()
        if findings.count > 10 {
            out += "<details class=\"more\"><summary>\(findings.count - 10) more</summary>" + findings.dropFirst(10).prefix(490).map(finding).joined()
            if findings.count > 500 { out += "<p>…and \(findings.count - 500) more: run <code>callhist report anomalies</code>.</p>" }
            out += "</details>\n"
        }
        return out + "</section>\n"
    }

    private func dailySection() -> String {
        let unit = period.rawValue
        let chart = SVGChart(
            id: "chart-daily", title: "Calls per \(unit) by outcome, and the completion rate",
            description:
                "Stacked bars: the calls queued each \(unit), by how they ended (completed, failed, canceled, rejected) or pending; a line: the completion rate of the final calls."
        )
        let series = [
            SVGChart.Series(name: "completed", colour: SVGChart.Colour.completed, values: daily.map { Double($0.completed) }),
            SVGChart.Series(name: "failed", colour: SVGChart.Colour.failed, values: daily.map { Double($0.failed) }),
            SVGChart.Series(name: "canceled", colour: SVGChart.Colour.canceled, values: daily.map { Double($0.canceled) }),
            SVGChart.Series(name: "rejected", colour: SVGChart.Colour.rejected, values: daily.map { Double($0.rejected) }),
            SVGChart.Series(name: "pending", colour: SVGChart.Colour.pending, values: daily.map { Double($0.pending) }),
        ]
        let svg = chart.stackedBars(
            categories: daily.map(\.period), series: series, yLabel: "calls", xLabel: "\(unit) queued",
            line: (name: "completion rate", values: daily.map(\.completionRate)))
        let table = Self.table(
            ["\(unit)", "calls", "completed", "failed", "canceled", "rejected", "pending", "completion rate", "mean duration"],
            daily.map { r in
                [
                    r.period, Self.grouped(r.calls), Self.grouped(r.completed), Self.grouped(r.failed), Self.grouped(r.canceled),
                    Self.grouped(r.rejected), Self.grouped(r.pending), r.completionRate.map(Humanize.percent) ?? "—",
                    r.meanDuration.map(Humanize.duration) ?? "—",
                ]
            })
        let whole = daily.first.map { first in filter.since.map { first.start < $0 } ?? false } ?? false
        return Self.section(
            "daily", "Calls per \(unit)", svg, table,
            intro: whole ? "Whole \(unit)s: the first bar counts its \(unit) from its start, before the period's." : nil)
    }

    private func durationSection() -> String {
        let d = durations
        let chart = SVGChart(
            id: "chart-durations", title: "Durations of completed calls",
            description: "Completed calls by duration range, with the median (p50), p90 and p95 marked.")
        // 0–10s, 30s–1m, 30m+: the bucket edges are whole seconds, minutes or hours.
        func edge(_ s: Int64) -> String { s % 3600 == 0 && s > 0 ? "\(s / 3600)h" : s % 60 == 0 && s > 0 ? "\(s / 60)m" : "\(s)s" }
        let labels = d.buckets.map { b in b.to.map { "\(edge(b.from))–\(edge($0))" } ?? "\(edge(b.from))+" }
        // A percentile's line sits within its range, in proportion.
        func position(_ value: Int64?) -> Double? {
            guard let value, let i = d.buckets.lastIndex(where: { $0.from <= value }) else { return nil }
            let b = d.buckets[i]
            let span = Double((b.to ?? b.from * 2) - b.from)
            let within = span > 0 ? min(1, Double(value - b.from) / span) : 0
            return (Double(i) + within) / Double(d.buckets.count)
        }
        let markers = [("p50", d.stats.p50), ("p90", d.stats.p90), ("p95", d.stats.p95)].compactMap { name, v in
            position(v).map { SVGChart.Marker(label: "\(name) \(Humanize.duration(Double(v!)))", position: $0) }
        }
        let svg = chart.stackedBars(
            categories: labels,
            series: [
                SVGChart.Series(
                    name: "completed calls", colour: SVGChart.Colour.completed,
                    values: d.buckets.map { Double($0.count) })
            ],
            yLabel: "completed calls", xLabel: "duration (seconds, minutes)", markers: markers)
        var rows = zip(labels, d.buckets).map { [$0, Self.grouped($1.count)] }
        rows += [
            [
                "p50 / p90 / p95",
                [d.stats.p50, d.stats.p90, d.stats.p95].map { $0.map { Humanize.duration(Double($0)) } ?? "—" }.joined(separator: " / "),
            ],
            ["mean", d.stats.mean.map(Humanize.duration) ?? "—"], ["duration unknown", Self.grouped(d.unknown)],
        ]
        return Self.section("durations", "Durations", svg, Self.table(["duration", "completed calls"], rows))
    }

    private func attemptSection() -> String {
        let rows = attempts.byAttempts
        let chart = SVGChart(
            id: "chart-attempts", title: "Completion by attempts used",
            description: "Final calls by the number of attempts they used: completed, and not completed.")
        let names = rows.map { $0.attempts.map { "\($0) attempt\($0 == 1 ? "" : "s")" } ?? "unknown" }
        let svg = chart.stackedBars(
            categories: names,
            series: [
                SVGChart.Series(name: "completed", colour: SVGChart.Colour.completed, values: rows.map { Double($0.completed) }),
                SVGChart.Series(name: "not completed", colour: SVGChart.Colour.failed, values: rows.map { Double($0.final - $0.completed) }),
            ], yLabel: "final calls", xLabel: "attempts used", line: (name: "completion rate", values: rows.map(\.completionRate)))
        let table = Self.table(
            ["attempts", "final", "completed", "completion rate", "exhausted"],
            zip(names, rows).map { name, r in
                [name, Self.grouped(r.final), Self.grouped(r.completed), r.completionRate.map(Humanize.percent) ?? "—", Self.grouped(r.exhausted)]
            })
        return Self.section("attempts", "Attempts", svg, table)
    }

    private func statusSection() -> String {
        let statuses = summary.byStatus.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let chart = SVGChart(id: "chart-status", title: "Calls by status", description: "How many calls have each status now.")
        let svg = chart.horizontalBars(statuses.map { (label: $0.key, value: Double($0.value), colour: SVGChart.Colour.of($0.key)) }, xLabel: "calls")
        let total = max(1, summary.calls)
        let table = Self.table(
            ["status", "calls", "share"], statuses.map { [$0.key, Self.grouped($0.value), Humanize.percent(Double($0.value) / Double(total))] })
        return Self.section("status", "Status mix", svg, table)
    }

    /// Pending calls by how long they have been open (queued, else first seen).
    package static let ageBuckets: [(label: String, upTo: Int64?)] = [
        ("under 1 h", 3600), ("1–6 h", 6 * 3600), ("6–24 h", 86_400), ("1–3 d", 3 * 86_400), ("3–7 d", 7 * 86_400), ("7–30 d", 30 * 86_400),
        ("30 d or more", nil),
    ]

    private func pendingSection() -> String {
        var counts = [Int](repeating: 0, count: Self.ageBuckets.count)
        var stale = [Int](repeating: 0, count: Self.ageBuckets.count)
        for row in pending.rows where row.status != nil {
            let age = row.openFor(now: now) ?? .max
            let i = Self.ageBuckets.firstIndex { $0.upTo.map { age < $0 } ?? true }!
            counts[i] += 1
            if row.stale { stale[i] += 1 }
        }
        let chart = SVGChart(
            id: "chart-pending", title: "Pending calls by age",
            description: "Calls not final yet, by how long ago they were queued; stale calls are no longer re-checked.")
        let labels = Self.ageBuckets.map(\.label)
        let svg = chart.stackedBars(
            categories: labels,
            series: [
                SVGChart.Series(name: "re-checked", colour: SVGChart.Colour.pending, values: zip(counts, stale).map { Double($0 - $1) }),
                SVGChart.Series(name: "stale", colour: SVGChart.Colour.other, values: stale.map(Double.init)),
            ], yLabel: "pending calls", xLabel: "time since queued")
        var rows = labels.indices.map { [labels[$0], Self.grouped(counts[$0]), Self.grouped(stale[$0])] }
        rows.append(["ids never fetched", Self.grouped(pending.unfetched), "—"])
        return Self.section("pending", "Pending calls", svg, Self.table(["open for", "pending", "of which stale"], rows))
    }

    private func runSection() -> String {
        let shown = Array(runs.prefix(90).reversed())
        let chart = SVGChart(
            id: "chart-runs", title: "Archive runs",
            description:
                "Each archive run of the period (the last 90): ids fetched, failed, and left for the next run; a run that did not exit 0 is marked with a triangle, and red in the table."
        )
        let names = shown.map { "#\($0.runID)" }
        let svg = chart.stackedBars(
            categories: names,
            series: [
                SVGChart.Series(name: "fetched", colour: SVGChart.Colour.completed, values: shown.map { Double($0.counts.fetched) }),
                SVGChart.Series(name: "failed", colour: SVGChart.Colour.failed, values: shown.map { Double($0.counts.failed) }),
                SVGChart.Series(name: "left for the next run", colour: SVGChart.Colour.canceled, values: shown.map { Double($0.counts.leftOver) }),
            ], yLabel: "ids", xLabel: "run (oldest to newest)",
            flagged: (name: "did not exit 0", categories: Set(shown.indices.filter { shown[$0].exitCode != 0 })))
        let table = Self.table(
            ["run", "kind", "started", "fetched", "changed", "not found", "failed", "left over", "exit code", "message"],
            runs.prefix(200).map { r in
                [
                    "#\(r.runID)", r.kind, time(r.startedAt), Self.grouped(r.counts.fetched), Self.grouped(r.counts.changed),
                    Self.grouped(r.counts.notFound), Self.grouped(r.counts.failed), Self.grouped(r.counts.leftOver),
                    r.exitCode.map(String.init) ?? "running or killed", r.message ?? "",
                ]
            }, flag: { $0[8] != "0" })
        return Self.section("runs", "Archive runs", svg, table, level: 3)
    }

    // MARK: Helpers

    /// A chart and the table of its numbers (collapsed; opened for reading
    /// or copying).
    /// `intro`: a sentence between the heading and the chart (plain text).
    package static func section(_ id: String, _ heading: String, _ svg: String, _ table: String, level: Int = 2, intro: String? = nil) -> String {
        "<section id=\"\(id)\"><h\(level)>\(SafeText.html(heading))</h\(level)>" + (intro.map { "<p>\(SafeText.html($0))</p>" } ?? "")
            + "<figure>\(svg)</figure>\n"
            + "<details><summary>The numbers behind this chart</summary>\(table)</details></section>\n"
    }

    /// Cells are escaped here; numbers (a digit or a dash first) align right.
    /// `flag` marks rows to show in red (failed runs).
    package static func table(_ header: [String], _ rows: [[String]], flag: ([String]) -> Bool = { _ in false }) -> String {
        func numeric(_ s: String) -> Bool { s.first.map { $0.isNumber || $0 == "—" } ?? false }
        var out = "<table><thead><tr>" + header.map { "<th>\(SafeText.html($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            out += flag(row) ? "<tr class=\"bad\">" : "<tr>"
            out += row.map { "<td\(numeric($0) ? " class=\"n\"" : "")>\(SafeText.html($0))</td>" }.joined() + "</tr>"
        }
        return out + "</tbody></table>"
    }

    /// 12,345.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}

extension HTMLReport {
    /// At most this many values of a label get a row in its section: the most called.
    package static let labelValuesShown = 25

    /// When people pick up: the weekday × hour heatmap of `report hours`.
    func hoursSection() -> String {
        let zone = utc ? "UTC" : timeZone.identifier
        let chart = SVGChart(
            id: "chart-hours", title: "Completion rate by weekday and hour queued (\(zone))",
            description:
                "A grid: a row per weekday, a column per hour of the local clock; the darker the cell, the higher the completion rate of the calls queued then. Cells with fewer than 30 final calls are pale with a dot."
        )
        let cells = (0..<7).map { day in
            (0..<24).map { hour in (hours.weekdays[day * 24 + hour].completionRate, hours.weekdays[day * 24 + hour].final) }
        }
        let svg = chart.heatmap(cells, rows: HoursReport.weekdayNames, xLabel: "hour queued (\(zone))")
        let table = Self.table(
            ["hour", "calls", "answered", "answer rate", "completed", "completion rate", "median duration"],
            hours.hours.map { c in
                [
                    c.hourText, Self.grouped(c.calls), Self.grouped(c.answered), Self.rate(c.answered, of: c.final), Self.grouped(c.completed),
                    Self.rate(c.completed, of: c.final), c.medianDuration.map { Humanize.duration(Double($0)) } ?? "—",
                ]
            })
        return Self.section("hours", "When people pick up", svg, table)
    }

    /// A section per label name: its values' completion rates with their
    /// intervals as small multiples, and the numbers.
    func labelSections() -> String {
        labels.map { report, values in
            let name = report.name
            let shown = report.rows
            let chart = SVGChart(
                id: "chart-label-\(name)", title: "Completion rate by \(name)",
                description:
                    "A row per value of the label \(name): a dot at its completion rate, a whisker across its 95% interval; a hollow dot rests on fewer than 30 final calls."
            )
            let svg = chart.intervals(
                shown.map { r in
                    let w = WilsonInterval(successes: r.completed, trials: r.final)
                    return SVGChart.Interval(label: r.value, rate: r.completionRate, low: w?.low, high: w?.high, trials: r.final)
                }, xLabel: "completion rate (%), 95% interval")
            let table = Self.table(
                [name, "calls", "final", "completion rate", "first-attempt completion", "median duration", "pending"],
                shown.map { r in
                    [
                        r.value, Self.grouped(r.calls), Self.grouped(r.final), Self.rate(r.completed, of: r.final),
                        Self.rate(r.firstAttempt, of: r.final), r.duration.p50.map { Humanize.duration(Double($0)) } ?? "—", Self.grouped(r.pending),
                    ]
                })
            let more =
                values > shown.count
                ? "The \(shown.count) values with the most calls of \(values); callhist report labels \(name) lists every one." : nil
            return Self.section("label-\(name)", "By \(name)", svg, table, intro: more)
        }.joined()
    }

    /// `61.8% ±1.9`, `*` under 30 final calls, as the reports' tables show it.
    static func rate(_ successes: Int, of trials: Int) -> String {
        TextTable.Cell.rate(trials > 0 ? Double(successes) / Double(trials) : nil, successes: successes, trials: trials).display
    }
}

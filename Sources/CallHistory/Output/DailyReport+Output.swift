extension DailyReport {
    /// `report daily` rows as printed; the first column is named after the period.
    public static func rendered(_ rows: [Row], by period: Period, _ o: RenderOptions) -> String {
        // A bar of the completion rate, for a person at a terminal.
        let bars = o.bars && o.format == .table
        var table = TextTable(columns: [period.rawValue, "calls", "final", "completed", "completion_rate", "mean_duration"] + (bars ? [""] : []))
        table.rows = rows.map { r in
            [.text(r.period), .int(r.calls), .int(r.final), .int(r.completed), .rate(r.completionRate), .seconds(r.meanDuration)]
                + (bars ? [.text(Humanize.bar(r.completionRate))] : [])
        }
        return o.emit([table], json: rows.map { r -> [String: Any] in
            [period.rawValue: r.period, "calls": r.calls, "final": r.final, "completed": r.completed,
             "completion_rate": JSONOutput.orNull(r.completionRate), "mean_duration": JSONOutput.orNull(r.meanDuration)]
        })
    }
}

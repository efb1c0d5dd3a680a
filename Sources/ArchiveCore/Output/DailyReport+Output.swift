import Foundation

extension DailyReport {
    /// `report daily` rows as printed; the first column is named after the
    /// period. CSV and JSON carry `start` and `end`, ISO-8601 with the
    /// offset in force (`Z` with --utc), and the outcomes (failed,
    /// canceled, rejected, pending); a person's table leaves them out.
    public static func rendered(_ rows: [Row], by period: Period, _ o: RenderOptions) -> String {
        let columns = ReportColumns<Row>(Self.columns(by: period, o))
        // A bar of the completion rate, for a person at a terminal.
        let bars: [(String, (Row) -> TextTable.Cell)] = o.bars ? [("", { .bar($0.completionRate) })] : []
        return o.emit([columns.table(rows, o.format, extra: bars)], json: columns.json(rows))
    }

    /// `report daily --label-column NAME`: each value's rows, the value
    /// first in a column named after the label, then the columns above.
    public static func rendered(_ series: [(value: String, rows: [Row])], label name: String, by period: Period, _ o: RenderOptions) -> String {
        typealias Labelled = (value: String, row: Row)
        let own = Self.columns(by: period, o)
        let columns = ReportColumns<Labelled>(
            [.text(LabelsReport.key(name, avoiding: own.map(\.key)), \.value)]
                + own.map { c in
                    ReportColumns<Labelled>.Column(key: c.key, cell: { c.cell($0.row) }, json: { c.json($0.row) }, inTable: c.inTable)
                })
        let rows: [Labelled] = series.flatMap { s in s.rows.map { (s.value, $0) } }
        let bars: [(String, (Labelled) -> TextTable.Cell)] = o.bars ? [("", { .bar($0.row.completionRate) })] : []
        return o.emit([columns.table(rows, o.format, extra: bars)], json: columns.json(rows))
    }

    package static func columns(by period: Period, _ o: RenderOptions) -> [ReportColumns<Row>.Column] {
        let zone: TimeZone? = o.utc ? nil : o.timeZone
        let completion = ReportColumns<Row>.Column.rateWithInterval("completion_rate", successes: { $0.completed }, trials: { $0.final })
        let head: [ReportColumns<Row>.Column] = [
            .text(period.rawValue, \.period),
            .text("start", { Humanize.isoTime($0.start, zone: zone) }, inTable: false),
            .text("end", { Humanize.isoTime($0.end, zone: zone) }, inTable: false),
            .int("calls", \.calls), .int("final", \.final), .int("completed", \.completed),
        ]
        let tail: [ReportColumns<Row>.Column] = [
            .seconds("mean_duration", \.meanDuration),
            // How the period's calls ended (or not yet): the HTML report stacks them.
            .int("failed", \.failed, inTable: false), .int("canceled", \.canceled, inTable: false),
            .int("rejected", \.rejected, inTable: false), .int("pending", \.pending, inTable: false),
        ]
        return head + completion + tail
    }
}

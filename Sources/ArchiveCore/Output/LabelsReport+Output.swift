extension LabelsReport {
    /// `report labels NAME` as printed: the first column is named after the
    /// label, then the summary's measures (docs/reports.md, "Labels").
    public func rendered(_ o: RenderOptions) -> String {
        let counts: [ReportColumns<Row>.Column] = [.int("calls", \.calls), .int("final", \.final), .int("completed", \.completed)]
        let completion = ReportColumns<Row>.Column.rateWithInterval("completion_rate", successes: { $0.completed }, trials: { $0.final })
        let firstAttempt = ReportColumns<Row>.Column.rateWithInterval(
            "first_attempt_completion_rate", successes: { $0.firstAttempt }, trials: { $0.final })
        let rest: [ReportColumns<Row>.Column] = [
            .number("mean_attempts", \.meanAttempts), .seconds("duration_p50", { $0.duration.p50.map(Double.init) }),
            .seconds("duration_p90", { $0.duration.p90.map(Double.init) }), .int("pending", \.pending),
        ]
        let measures = counts + completion + firstAttempt + rest
        let columns = ReportColumns<Row>([.text(Self.key(name, avoiding: measures.map(\.key)), \.value)] + measures)
        return o.emit([columns.table(rows, o.format)], json: columns.json(rows))
    }

    /// The label's column key: its name, unless a measure has that key (a
    /// label called `calls`), then `label_NAME`, so no JSON key repeats.
    package static func key(_ name: String, avoiding keys: [String]) -> String { keys.contains(name) ? "label_" + name : name }
}

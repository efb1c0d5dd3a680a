extension AttemptsReport {
    /// `report attempts` as printed. JSON has two lists, `by_attempts` and
    /// `by_max_attempts`; CSV is one table whose `by` column names the list
    /// (its JSON key) and whose `value` is that list's first key.
    public func rendered(_ o: RenderOptions) -> String {
        func columns(_ key: String) -> ReportColumns<Row> {
            ReportColumns([
                .int(key, \.attempts), .int("final", \.final), .int("completed", \.completed),
                .rate("completion_rate", \.completionRate), .int("exhausted", \.exhausted),
            ])
        }
        let used = columns("attempts")
        let allowed = columns("max_attempts")
        let json: JSONObject = ["by_attempts": used.json(byAttempts), "by_max_attempts": allowed.json(byMaxAttempts)]
        if o.format == .csv {
            var merged = TextTable(columns: ["by", "value", "final", "completed", "completion_rate", "exhausted"])
            for (name, rows) in [("by_attempts", byAttempts), ("by_max_attempts", byMaxAttempts)] {
                merged.rows += used.table(rows, .csv).rows.map { [.text(name)] + $0 }
            }
            return o.emit([merged], json: json)
        }
        // A bar of the completion rate, for a person at a terminal.
        let bars: [(String, (Row) -> TextTable.Cell)] = o.bars ? [("", { .bar($0.completionRate) })] : []
        return o.emit(
            [
                used.table(byAttempts, o.format, title: "By attempts used", extra: bars),
                allowed.table(byMaxAttempts, o.format, title: "By max_attempts", extra: bars),
            ], json: json)
    }
}

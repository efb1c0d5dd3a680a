extension AttemptsReport {
    /// `report attempts` as printed: in CSV one table, a `by` column telling the two groupings apart.
    public func rendered(_ o: RenderOptions) -> String {
        func table(_ title: String, _ key: String, _ rows: [Row]) -> TextTable {
            var t = TextTable(title: title, columns: [key, "final", "completed", "completion_rate", "exhausted"])
            t.rows = rows.map { [.text($0.attempts.map(String.init) ?? "unknown"), .int($0.final), .int($0.completed), .rate($0.completionRate), .int($0.exhausted)] }
            return t
        }
        func json(_ key: String, _ rows: [Row]) -> [[String: Any]] {
            rows.map { [key: JSONOutput.orNull($0.attempts), "final": $0.final, "completed": $0.completed,
                        "completion_rate": JSONOutput.orNull($0.completionRate), "exhausted": $0.exhausted] }
        }
        var tables = [table("By attempts used", "attempts", byAttempts), table("By max_attempts", "max_attempts", byMaxAttempts)]
        if o.format == .csv {
            var merged = TextTable(columns: ["by", "value", "final", "completed", "completion_rate", "exhausted"])
            for (name, t) in [("attempts", tables[0]), ("max_attempts", tables[1])] { merged.rows += t.rows.map { [.text(name)] + $0 } }
            tables = [merged]
        }
        return o.emit(tables, json: ["by_attempts": json("attempts", byAttempts), "by_max_attempts": json("max_attempts", byMaxAttempts)])
    }
}

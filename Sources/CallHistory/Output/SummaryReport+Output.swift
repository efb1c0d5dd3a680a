extension SummaryReport {
    /// `report summary` as printed: one flat metric,value table in CSV.
    public func rendered(_ o: RenderOptions) -> String {
        let r = self, d = duration
        let metrics: [(String, TextTable.Cell)] = [
            ("calls", .int(r.calls)), ("final", .int(r.final)), ("pending", .int(r.pending)), ("completed", .int(r.completed)),
            ("completion_rate", .rate(r.completionRate)),
            ("duration_count", .int(d.count)), ("duration_mean", .seconds(d.mean)), ("duration_p50", .seconds(d.p50)),
            ("duration_p90", .seconds(d.p90)), ("duration_p95", .seconds(d.p95)), ("duration_max", .seconds(d.max)),
            ("attempts_mean", .number(r.meanAttempts)), ("first_attempt_completion_rate", .rate(r.firstAttemptCompletionRate)),
            ("exhausted", .int(r.exhausted)),
        ]
        var overview = TextTable(title: "Calls", columns: ["metric", "value"])
        overview.rows = metrics.map { [.text($0.0), $0.1] }
        var statuses = TextTable(title: "By status", columns: ["status", "calls"])
        statuses.rows = r.byStatus.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { [.text($0.key), .int($0.value)] }
        var attempts = TextTable(title: "Final calls by attempts", columns: ["attempts", "calls"])
        attempts.rows = r.attemptsDistribution.sorted { (Int($0.key) ?? .max) < (Int($1.key) ?? .max) }.map { [.text($0.key), .int($0.value)] }
        let json: [String: Any] = [
            "calls": r.calls, "final": r.final, "pending": r.pending, "by_status": r.byStatus, "completed": r.completed,
            "completion_rate": JSONOutput.orNull(r.completionRate),
            "duration": ["count": d.count, "mean": JSONOutput.orNull(d.mean), "p50": JSONOutput.orNull(d.p50), "p90": JSONOutput.orNull(d.p90),
                         "p95": JSONOutput.orNull(d.p95), "max": JSONOutput.orNull(d.max)],
            "attempts": ["mean": JSONOutput.orNull(r.meanAttempts), "distribution": r.attemptsDistribution,
                         "first_attempt_completion_rate": JSONOutput.orNull(r.firstAttemptCompletionRate), "exhausted": r.exhausted],
        ]
        if o.format == .csv {
            // One flat metric,value table: the nested parts get dotted names.
            overview.rows += statuses.rows.map { [.text("by_status.\($0[0].raw)"), $0[1]] }
            overview.rows += attempts.rows.map { [.text("attempts_distribution.\($0[0].raw)"), $0[1]] }
            return o.emit([overview], json: json)
        }
        return o.emit([overview, statuses, attempts], json: json)
    }
}

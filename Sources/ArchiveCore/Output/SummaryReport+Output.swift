extension SummaryReport {
    /// `report summary` as printed. JSON keeps the shape of docs/reports.md;
    /// CSV is one flat metric,value table whose metric names are the JSON
    /// paths (`duration.p50`, `by_status.completed`), in the JSON's order.
    public func rendered(_ o: RenderOptions) -> String {
        let r = self
        let d = duration
        let byStatus = r.byStatus.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let distribution = r.attemptsDistribution.sorted { (Int($0.key) ?? .max, $0.key) < (Int($1.key) ?? .max, $1.key) }
        let durationMetrics: [(String, TextTable.Cell, Any)] = [
            ("count", .int(d.count), d.count), ("mean", .seconds(d.mean), JSONOutput.orNull(d.mean)),
            ("p50", .seconds(d.p50), JSONOutput.orNull(d.p50)),
            ("p90", .seconds(d.p90), JSONOutput.orNull(d.p90)), ("p95", .seconds(d.p95), JSONOutput.orNull(d.p95)),
            ("max", .seconds(d.max), JSONOutput.orNull(d.max)),
        ]
        // Each rate with its 95% Wilson interval: the table shows ±, CSV and JSON the bounds.
        let completion = WilsonInterval(successes: r.completed, trials: r.final)
        let firstAttempt = WilsonInterval(successes: r.firstAttemptCompleted, trials: r.final)
        let completionMetrics: [(String, TextTable.Cell, Any)] = [
            ("completion_rate", .rate(r.completionRate, successes: r.completed, trials: r.final), JSONOutput.orNull(r.completionRate)),
            ("completion_rate_low", .rate(completion?.low), JSONOutput.orNull(completion?.low)),
            ("completion_rate_high", .rate(completion?.high), JSONOutput.orNull(completion?.high)),
        ]
        let attemptMetrics: [(String, TextTable.Cell, Any)] = [
            ("mean", .number(r.meanAttempts), JSONOutput.orNull(r.meanAttempts)),
            (
                "first_attempt_completion_rate", .rate(r.firstAttemptCompletionRate, successes: r.firstAttemptCompleted, trials: r.final),
                JSONOutput.orNull(r.firstAttemptCompletionRate)
            ),
            ("first_attempt_completion_rate_low", .rate(firstAttempt?.low), JSONOutput.orNull(firstAttempt?.low)),
            ("first_attempt_completion_rate_high", .rate(firstAttempt?.high), JSONOutput.orNull(firstAttempt?.high)),
            ("exhausted", .int(r.exhausted), r.exhausted),
        ]
        let json: JSONObject = [
            "calls": r.calls, "final": r.final, "pending": r.pending, "by_status": r.byStatus, "completed": r.completed,
            "completion_rate": completionMetrics[0].2, "completion_rate_low": completionMetrics[1].2,
            "completion_rate_high": completionMetrics[2].2,
            "duration": JSONObject(durationMetrics.map { ($0.0, $0.2) }),
            "attempts": JSONObject(
                [attemptMetrics[0]].map { ($0.0, $0.2) } + [("distribution", r.attemptsDistribution as Any)]
                    + attemptMetrics.dropFirst().map { ($0.0, $0.2) }),
        ]
        var overview = TextTable(title: "Calls", columns: ["metric", "value"])
        if o.format == .csv {
            // Every metric once, named by its JSON path, in the JSON's order.
            var rows: [(String, TextTable.Cell)] = [("calls", .int(r.calls)), ("final", .int(r.final)), ("pending", .int(r.pending))]
            rows += byStatus.map { ("by_status.\($0.key)", .int($0.value)) }
            rows += [("completed", .int(r.completed))] + completionMetrics.map { ($0.0, $0.1) }
            rows += durationMetrics.map { ("duration.\($0.0)", $0.1) }
            rows += [("attempts.mean", attemptMetrics[0].1)] + distribution.map { ("attempts.distribution.\($0.key)", .int($0.value)) }
            rows += attemptMetrics.dropFirst().map { ("attempts.\($0.0)", $0.1) }
            overview.rows = rows.map { [.text($0.0), $0.1] }
            return o.emit([overview], json: json)
        }
        overview.rows =
            ([
                ("calls", .int(r.calls)), ("final", .int(r.final)), ("pending", .int(r.pending)), ("completed", .int(r.completed)),
                (completionMetrics[0].0, completionMetrics[0].1),
            ] as [(String, TextTable.Cell)]
            + durationMetrics.map { ("duration.\($0.0)", $0.1) }
            // The bounds are for programs: the table's ± says it.
            + attemptMetrics.filter { !$0.0.hasSuffix("_low") && !$0.0.hasSuffix("_high") }.map { ("attempts.\($0.0)", $0.1) })
            // People read words; CSV (above) keeps the JSON paths.
            .map { [.text(ColumnTitle.of($0.0)), $0.1] }
        overview.noteSmallGroups()
        var statuses = TextTable(title: "By status", columns: ["status", "calls"])
        statuses.rows = byStatus.map { [.text($0.key), .int($0.value)] }
        var attempts = TextTable(title: "Final calls by attempts", columns: ["attempts", "calls"])
        attempts.rows = distribution.map { [.text($0.key), .int($0.value)] }
        return o.emit([overview, statuses, attempts], json: json)
    }
}
